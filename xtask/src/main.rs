//! `cargo xtask spec <sync|check|diff>`; see the library crate and the README's "Updating the
//! spec".
#![forbid(unsafe_code)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    ExitCode::from(xtask::cli::run(&args))
}
