//! A usage error found after parsing: input that cannot make a request, said in the command
//! line's terms. `main.rs` prints it as clap prints its own (with the command's usage line) and
//! exits 2.

/// What was wrong with the input, and which subcommand of the family (`webhook send`) it was
/// given to, when there is one.
#[derive(Debug)]
pub struct Usage {
    pub message: String,
    pub subcommand: Option<&'static str>,
}

impl Usage {
    pub fn new(message: impl Into<String>) -> Usage {
        Usage {
            message: message.into(),
            subcommand: None,
        }
    }

    /// The same error, given to `subcommand`.
    pub fn of(mut self, subcommand: &'static str) -> Usage {
        self.subcommand.get_or_insert(subcommand);
        self
    }
}

/// What a command ends with: an exit code (its output printed), or a usage error.
pub type Outcome = Result<std::process::ExitCode, Usage>;
