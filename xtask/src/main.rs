//! `cargo xtask spec <sync|check|diff>` (see the library crate and the README's "Updating the
//! spec"), `cargo xtask bench [--quick]` (see BENCHMARKS.md) and `cargo xtask fixture-crate DIR`;
//! `cargo xtask --help` lists them.
#![forbid(unsafe_code)]

mod bench;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let matches = match xtask::cli::parse(&args) {
        Ok(matches) => matches,
        Err(code) => return ExitCode::from(code),
    };
    let failed = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(xtask::cli::EXIT_ERROR)
    };
    match matches.subcommand() {
        Some(("bench", options)) => bench::main(options).unwrap_or_else(failed),
        Some(("fixture-crate", options)) => {
            let dir = options
                .get_one::<std::path::PathBuf>("dir")
                .expect("required");
            match xtask::fixtures::write(&xtask::repo::Repo::this().root, dir) {
                Ok(done) => {
                    done.iter().for_each(|line| println!("{line}"));
                    ExitCode::SUCCESS
                }
                Err(message) => failed(message),
            }
        }
        Some(("spec", spec)) => ExitCode::from(xtask::cli::run_spec(spec)),
        _ => unreachable!("clap requires one of the commands"),
    }
}
