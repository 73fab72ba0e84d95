//! The `parley` binary: parse the command line, run the command, turn errors into
//! messages and exit codes (0 success, 1 user error, 2 usage error, 3 the machine's
//! failure: a full disk, the store itself; see `Error::is_user_error`).

mod cli;

use std::io::ErrorKind;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(parley::Error::Io { source, .. }) if source.kind() == ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(error) => {
            use cli::output::{Paint, colour, paint};
            let on = colour(true);
            eprintln!("{} {}", paint("parley:", Paint::Red, on), error.message());
            if let Some(hint) = cli::hint(&error) {
                eprintln!("{} {hint}", paint("hint:", Paint::Cyan, on));
            }
            ExitCode::from(if error.is_user_error() { 1 } else { 3 })
        }
    }
}
