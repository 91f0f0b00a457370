//! `cargo xtask spec <sync|check|diff>` (see the library crate and the README's "Updating the
//! spec") and `cargo xtask bench [--quick]` (see BENCHMARKS.md).
#![forbid(unsafe_code)]

mod bench;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.split_first() {
        Some((command, options)) if command == "bench" => {
            let options: Vec<&str> = options.iter().map(String::as_str).collect();
            bench::main(&options).unwrap_or_else(|message| {
                eprintln!("error: {message}");
                ExitCode::from(xtask::cli::EXIT_ERROR)
            })
        }
        Some((command, [dir])) if command == "fixture-crate" => {
            match xtask::fixtures::write(&root(), std::path::Path::new(dir)) {
                Ok(done) => {
                    done.iter().for_each(|line| println!("{line}"));
                    ExitCode::SUCCESS
                }
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::from(xtask::cli::EXIT_ERROR)
                }
            }
        }
        _ => ExitCode::from(xtask::cli::run(&args)),
    }
}

/// The repository root (the parent of this crate), so the tool works from any directory.
fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_path_buf()
}
