//! Where a command's text goes on a terminal: through a pager when it is longer than the
//! screen (as git does), and in colour, both only for a person at a terminal and both
//! the person's to turn off.
//!
//! - Pager: `PARLEY_PAGER`, else `PAGER`, else `less` (with `LESS=FRX` unless `LESS` is
//!   set, so a page that fits is printed and left on the screen); `--no-pager`, an empty
//!   pager or `cat` prints directly.
//! - Colour: on when standard output (or error, for messages) is a terminal and `NO_COLOR`
//!   is not set, or whenever `CLICOLOR_FORCE` is set and not `0`; `TERM=dumb` turns it off.

use std::io::{IsTerminal, Write};
use std::process::{Command, Stdio};

use parley::Result;

/// Prints `text` a person reads: through the pager when standard output is a terminal
/// and `text` is longer than the screen, directly otherwise.
pub fn print_long(text: &str, no_pager: bool) -> Result<()> {
    if no_pager || !std::io::stdout().is_terminal() || fits_the_screen(text) {
        return super::print(text);
    }
    let Some(pager) = pager() else {
        return super::print(text);
    };
    let mut command = Command::new("sh");
    command.arg("-c").arg(&pager).stdin(Stdio::piped());
    if std::env::var_os("LESS").is_none() {
        command.env("LESS", "FRX");
    }
    let Ok(mut child) = command.spawn() else {
        return super::print(text);
    };
    if let Some(mut input) = child.stdin.take() {
        // A pager quit early closes its input: that is the person's choice, not an error.
        let _ = input.write_all(text.as_bytes());
    }
    let _ = child.wait();
    Ok(())
}

/// The pager command, or `None` for none.
fn pager() -> Option<String> {
    let chosen = std::env::var("PARLEY_PAGER")
        .or_else(|_| std::env::var("PAGER"))
        .unwrap_or_else(|_| "less".into());
    let chosen = chosen.trim().to_owned();
    (!chosen.is_empty() && chosen != "cat").then_some(chosen)
}

fn fits_the_screen(text: &str) -> bool {
    let rows = terminal_size::terminal_size_of(std::io::stdout())
        .map_or(24, |(_, terminal_size::Height(h))| usize::from(h));
    text.lines().count() < rows
}

/// Whether to colour what goes to standard output (`stderr: false`) or error.
pub fn colour(stderr: bool) -> bool {
    if let Ok(force) = std::env::var("CLICOLOR_FORCE")
        && force != "0"
        && !force.is_empty()
    {
        return true;
    }
    let terminal = if stderr {
        std::io::stderr().is_terminal()
    } else {
        std::io::stdout().is_terminal()
    };
    terminal
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

/// Colours a person can tell apart on a dark and a light background.
#[derive(Clone, Copy)]
pub enum Paint {
    /// Errors.
    Red,
    /// Agreed, proactive.
    Green,
    /// Converged, hints.
    Cyan,
}

/// `text` in `paint` when `on`, as it is otherwise.
pub fn paint(text: &str, paint: Paint, on: bool) -> String {
    if !on {
        return text.to_owned();
    }
    let code = match paint {
        Paint::Red => "1;31",
        Paint::Green => "32",
        Paint::Cyan => "36",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}
