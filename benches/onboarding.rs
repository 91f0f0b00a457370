//! `Redirect::parse` of a 1 MB onboarding redirect: `client` and a `channels` list of 100,000
//! ids, every id twice (the hub never sends that many; a forged URL may), so reading it
//! and dropping the repeated ids is measured at a size where quadratic work would show (600 KB
//! of ids once took 17 s). Output: `name=value` lines for `cargo xtask bench`; the figure is the
//! median of the rounds. Run: `cargo bench --bench onboarding [-- --quick]`. Never part of
//! `cargo test`.

#[path = "request/median.rs"]
mod median;

use d360_partner::onboarding::Redirect;
use median::median;
use std::hint::black_box;
use std::time::Instant;

const TARGET_BYTES: usize = 1_000_000;

fn redirect() -> (String, usize) {
    let mut url = String::from("https://partner.example/onboarded?client=CL0001&channels=[");
    let mut n: usize = 0;
    while url.len() < TARGET_BYTES {
        if n > 0 {
            url.push(',');
        }
        // Each id twice: the second is a repeat to drop.
        url.push_str(&format!("CH{:07}", n / 2));
        n += 1;
    }
    url.push(']');
    (url, n.div_ceil(2))
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 5 } else { 15 };
    let (url, distinct) = redirect();
    let parsed = Redirect::parse(&url).expect("a redirect");
    assert_eq!(parsed.channel_ids().len(), distinct);
    let mut millis = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        black_box(Redirect::parse(black_box(&url)).unwrap());
        millis.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    println!("redirect_bytes={}", url.len());
    println!("redirect_distinct_ids={distinct}");
    println!("redirect_parse_1mb_ms={:.1}", median(&millis));
}
