//! `parley completions` and `parley man`: what a shell and `man` need to know of the
//! command line, generated from the same definitions that parse it (clap_complete,
//! clap_mangen), so they never disagree with `--help`.

use clap::{Args, CommandFactory, ValueEnum};

use super::{Cli, io_error, stdout};
use parley::Result;

/// Print a completion script for a shell.
///
/// Examples:
///   parley completions bash > ~/.local/share/bash-completion/completions/parley
///   parley completions zsh > ~/.zfunc/_parley
///   parley completions fish > ~/.config/fish/completions/parley.fish
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct CompletionsArgs {
    /// The shell.
    shell: Shell,
}

/// The shells `completions` writes for.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// Runs `completions`.
pub fn completions(args: &CompletionsArgs) -> Result<()> {
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "parley", &mut stdout());
    Ok(())
}

/// Print the manual page (roff), for `man`.
///
/// Example:
///   parley man > ~/.local/share/man/man1/parley.1 && man parley
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ManArgs {}

/// Runs `man`.
pub fn man(_: &ManArgs) -> Result<()> {
    clap_mangen::Man::new(Cli::command())
        .render(&mut stdout())
        .map_err(io_error)
}
