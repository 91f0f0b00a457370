//! Input as the command line takes it, and why not in the flag's terms: JSON (`--body`,
//! `--data`) inline (text starting with `{` or `[`), from a file, or from stdin (`-`); the
//! address a server listens on (`--host`, `--port`).

use crate::usage::Usage;
use serde_json::Value;
use std::net::SocketAddr;

/// JSON given by `flag` as `source`.
pub fn json(source: &str, flag: &str) -> Result<Value, String> {
    let trimmed = source.trim_start();
    let (text, shown) = if trimmed.starts_with(['{', '[']) {
        (source.to_string(), "(inline)".to_string())
    } else if source == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| format!("{flag} -: cannot read stdin: {e}"))?;
        (text, "-".to_string())
    } else {
        let text = std::fs::read_to_string(source)
            .map_err(|e| format!("{flag} {source}: cannot read it: {e}"))?;
        (text, source.to_string())
    };
    serde_json::from_str(&text).map_err(|e| match e.to_string() {
        // serde_json's own bound, which receivers built on it share.
        why if why.starts_with("recursion limit exceeded") => {
            format!("{flag} {shown}: it nests deeper than 128 levels, more than a receiver reads")
        }
        why => format!("{flag} {shown}: not JSON: {why}"),
    })
}

/// The address `--host` and `--port` name, for the commands that serve (`webhook listen`,
/// `mock`): a host that resolves to no address is a usage error naming it.
pub async fn listen_address(matches: &clap::ArgMatches) -> Result<SocketAddr, Usage> {
    let host = matches.get_one::<String>("host").expect("has a default");
    let port = *matches.get_one::<u16>("port").expect("has a default");
    match tokio::net::lookup_host((host.as_str(), port)).await {
        Ok(mut addresses) => addresses
            .next()
            .ok_or_else(|| Usage::new(format!("--host {host}: it resolves to no address"))),
        Err(error) => Err(Usage::new(format!(
            "--host {host}: cannot resolve it: {error}"
        ))),
    }
}
