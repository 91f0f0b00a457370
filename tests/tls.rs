//! HTTPS is wired: an `https://` base URL makes the client open a TLS handshake (with the
//! default `rustls`/`ring` backend, no process-wide crypto provider needed).

use d360_partner::{Client, ErrorKind};
use std::io::Read;
use std::net::TcpListener;
use std::time::Duration;

#[tokio::test]
async fn an_https_base_url_starts_a_tls_handshake() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Read the first bytes the client sends, then hang up.
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut hello = [0u8; 3];
        stream.read_exact(&mut hello).unwrap();
        hello
    });

    let client = Client::builder()
        .api_key("k")
        .base_url(format!("https://127.0.0.1:{port}"))
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let error = client.get_partner().partner_id("p").await.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Transport(_)), "{error:?}");

    let hello = server.join().unwrap();
    assert_eq!(hello[0], 0x16, "a TLS handshake record");
    assert_eq!(hello[1], 0x03, "TLS record version 3.x");
}
