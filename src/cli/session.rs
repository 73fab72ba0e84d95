//! `parley session`: a prompt for record-keepers. One move per line in the line form
//! (docs/cli.md, "The line form"), appended durably on Enter and echoed in words with
//! what it changed; `undo`, `fix`, `positions`, `help` and `quit` inside.
//!
//! On a terminal the prompt completes names with Tab and keeps a history (rustyline).
//! Otherwise it reads lines from standard input without a prompt, for scripts: every
//! valid line is kept, and the exit status is 1 if any line was refused.
//!
//! The store is opened for each line and closed after it, so other commands (a reviewer's
//! `positions`, a second record-keeper's `log`) run between lines.

use std::io::{BufRead, IsTerminal};

use clap::Args;
use serde_json::{Map, Value};

use super::{Global, positions as positions_cli};
use parley::journal::{Appender, Outcome, read_line};
use parley::model::{Agenda, Channel, Level, Reversibility, Slug};
use parley::projection::ViewSpec;
use parley::projection::replay::replay;
use parley::report::narrative;
use parley::store::{Access, Backend, Log};
use parley::views;
use parley::{Error, Result, clock};

/// A prompt that takes one move per line and records it as you press Enter.
///
/// A line is PARTY KIND [ISSUE[=NUMBER]]… "SUMMARY" [@WHEN] [WORD]… [KEY:VALUE]…
/// (docs/cli.md, "The line form"). Inside the session:
///   undo                 void the last entry made in this session (a correction)
///   fix FIELD=VALUE…     amend the last entry (a correction)
///   positions            where each side stands now
///   help                 this list
///   quit                 leave (or Ctrl-D)
///
/// Example:
///   parley session kr-us-2025
///   kr-us-2025> US conc tariff=15 "Trump announces a 15% deal" @2025-07-30 public leader
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct SessionArgs {
    /// The negotiation; defaults to PARLEY_NEGOTIATION, or the only one in the store.
    slug: Option<String>,
}

const HELP: &str = "\
A line is PARTY KIND [ISSUE[=NUMBER]]… \"SUMMARY\" [@WHEN] [WORD]… [KEY:VALUE]…
  US concession tariff=15 \"Trump announces 15%\" @2025-07-30 public leader re:lib-day
  WORD: table public back · leader minister senior working · pledge executive binding sunk
  KEY: ref: re: if: pkg: to: who: src: tag: terms:\"…\"
  @WHEN: @2025-04-24 @2025-04-24T10:05 @10:05 @today @yesterday (default: now)
Commands: undo · fix FIELD=VALUE… · positions · help · quit
";

/// Runs `session`.
pub fn run(global: &Global, args: &SessionArgs) -> Result<()> {
    let slug = super::negotiation(global, args.slug.as_deref())?;
    let mut session = Session {
        global,
        slug,
        last: None,
    };
    if std::io::stdin().is_terminal() {
        prompt(&mut session)
    } else {
        script(&mut session)
    }
}

/// What a line asked for.
enum Said {
    Text(String),
    Quit,
}

struct Session<'g> {
    global: &'g Global,
    slug: String,
    /// The id and seq of the last entry this session made, for `undo` and `fix`.
    last: Option<(String, u64)>,
}

impl Session<'_> {
    fn handle(&mut self, line: &str) -> Result<Said> {
        let line = line.trim();
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        match word {
            "" => Ok(Said::Text(String::new())),
            "quit" | "exit" => Ok(Said::Quit),
            "help" => Ok(Said::Text(HELP.to_owned())),
            "positions" => self.positions().map(Said::Text),
            "undo" => self.undo().map(Said::Text),
            "fix" => self.fix(rest).map(Said::Text),
            _ => self.record(line).map(Said::Text),
        }
    }

    fn record(&mut self, line: &str) -> Result<String> {
        let agenda = self.agenda()?;
        let map = read_line(line, &agenda, clock::now()?)?;
        let seq = self.append(map)?;
        self.echo(seq)
    }

    fn undo(&mut self) -> Result<String> {
        let (id, seq) = self.last_entry("undo")?;
        let mut map = correction(&id, "Undone in the session")?;
        map.insert("action".into(), "void".into());
        let at = self.append(map)?;
        self.last = None;
        Ok(format!("seq {at} voids seq {seq}\n"))
    }

    fn fix(&mut self, sets: &str) -> Result<String> {
        let (id, seq) = self.last_entry("fix")?;
        let sets = fix_pairs(sets)?;
        if sets.is_empty() {
            return Err(Error::input(
                "fix",
                parley::model::Invalid::new("give FIELD=VALUE, such as fix position=12"),
            ));
        }
        let mut map = correction(&id, "Fixed in the session")?;
        map.insert("action".into(), "amend".into());
        map.insert(
            "changes".into(),
            Value::Object(super::correct::changes(&sets)?),
        );
        let at = self.append(map)?;
        Ok(format!("seq {at} amends seq {seq}\n{}", self.echo(seq)?))
    }

    fn last_entry(&self, command: &str) -> Result<(String, u64)> {
        self.last.clone().ok_or_else(|| {
            Error::input(
                command,
                parley::model::Invalid::new("nothing recorded in this session yet"),
            )
        })
    }

    fn positions(&self) -> Result<String> {
        let store = self.open(Access::Read)?;
        let view = views::positions(&store, &self.slug, ViewSpec::default())?;
        Ok(positions_cli::text(
            &view,
            "now, every correction applied",
            super::output::colour(false),
        ))
    }

    fn agenda(&self) -> Result<Agenda> {
        let store = self.open(Access::Read)?;
        Ok(store.require(&self.slug)?.agenda)
    }

    /// Appends one event durably and returns its seq.
    fn append(&mut self, map: Map<String, Value>) -> Result<u64> {
        let slug = Slug::parse(&self.slug).map_err(|e| Error::input("SLUG", e))?;
        let store = self.open(Access::Write)?;
        let signer = self.global.signer()?;
        let mut appender = Appender::new(&store, clock::now()?, self.global.recorder())?
            .sign_with(signer.as_ref());
        let outcome = appender.append(map, Some(&slug))?;
        appender.commit()?;
        store.close()?;
        match outcome {
            Outcome::Appended { seq, id, .. } => {
                self.last = Some((id.to_string(), seq));
                Ok(seq)
            }
            Outcome::AlreadyPresent { seq, .. } => Ok(seq),
        }
    }

    /// The replay's paragraph for the event with `seq`: when, who, what, and what it
    /// changed in the positions and gaps.
    fn echo(&self, seq: u64) -> Result<String> {
        let store = self.open(Access::Read)?;
        let timeline = views::timeline(&store, &self.slug, ViewSpec::default())?;
        drop(store);
        let steps = replay(&timeline);
        Ok(steps
            .iter()
            .find(|step| step.entry.seq() == seq)
            .map_or_else(|| format!("seq {seq} recorded\n"), narrative::step))
    }

    fn open(&self, access: Access) -> Result<Backend> {
        self.global.open(access)
    }
}

/// The `FIELD=VALUE` pairs of a `fix`: a VALUE is a quoted text (`"…"` or `'…'`, the
/// quotes dropped), a JSON object or list (`{"tariff": 12}`, brackets balanced), or a word.
fn fix_pairs(text: &str) -> Result<Vec<String>> {
    let bad = |why: String| Error::input("fix", parley::model::Invalid::new(why));
    let mut pairs = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let (field, after) = rest
            .split_once('=')
            .ok_or_else(|| bad(format!("{rest:?} is not FIELD=VALUE, such as position=12")))?;
        let (value, tail) = match after.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let end = after[1..]
                    .find(quote)
                    .ok_or_else(|| bad(format!("a quote {quote} is not closed")))?;
                (after[1..=end].to_owned(), &after[end + 2..])
            }
            Some('{' | '[') => {
                let end =
                    balanced_end(after).ok_or_else(|| bad(format!("{after:?} is not closed")))?;
                (after[..end].to_owned(), &after[end..])
            }
            _ => {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (after[..end].to_owned(), &after[end..])
            }
        };
        pairs.push(format!("{}={value}", field.trim()));
        rest = tail.trim_start();
    }
    Ok(pairs)
}

/// Where the JSON object or list `text` begins with ends (the byte after its closing
/// bracket), skipping brackets inside strings.
fn balanced_end(text: &str) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, c) in text.char_indices() {
        match (in_string, c) {
            (true, _) if escaped => escaped = false,
            (true, '\\') => escaped = true,
            (true, '"') => in_string = false,
            (true, _) => {}
            (false, '"') => in_string = true,
            (false, '{' | '[') => depth += 1,
            (false, '}' | ']') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

fn correction(target: &str, reason: &str) -> Result<Map<String, Value>> {
    let mut map = Map::new();
    map.insert("kind".into(), "correction".into());
    map.insert("at".into(), super::now_text()?.into());
    map.insert("target".into(), target.into());
    map.insert("reason".into(), reason.into());
    Ok(map)
}

/// Lines from standard input, no prompt: refused lines are reported and skipped, and
/// the session fails at the end if any was.
fn script(session: &mut Session) -> Result<()> {
    let mut refused = 0;
    for (index, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.map_err(|e| Error::io(std::path::Path::new("stdin"), e))?;
        match session.handle(&line) {
            Ok(Said::Text(text)) => super::print(&text)?,
            Ok(Said::Quit) => break,
            Err(error) => {
                refused += 1;
                eprintln!("parley: stdin:{}: {error}", index + 1);
            }
        }
    }
    if refused > 0 {
        return Err(Error::input(
            "session",
            parley::model::Invalid::new(match refused {
                1 => "1 line was refused; every other line was recorded".to_owned(),
                n => format!("{n} lines were refused; every other line was recorded"),
            }),
        ));
    }
    Ok(())
}

/// The interactive prompt: completion with Tab, history with the arrow keys.
fn prompt(session: &mut Session) -> Result<()> {
    use rustyline::error::ReadlineError;
    let mut editor = rustyline::Editor::<Completion, rustyline::history::DefaultHistory>::new()
        .map_err(|e| Error::io(std::path::Path::new("terminal"), std::io::Error::other(e)))?;
    println!(
        "{} — one move per line; help for the form, quit to leave",
        session.slug
    );
    loop {
        editor.set_helper(Some(Completion::of(session)?));
        match editor.readline(&format!("{}> ", session.slug)) {
            Ok(line) => {
                let _ = editor.add_history_entry(line.as_str());
                match session.handle(&line) {
                    Ok(Said::Text(text)) => super::print(&text)?,
                    Ok(Said::Quit) => return Ok(()),
                    Err(error) => {
                        let on = super::output::colour(true);
                        let prefix = super::output::paint("parley:", super::output::Paint::Red, on);
                        eprintln!("{prefix} {error}");
                    }
                }
            }
            Err(ReadlineError::Eof) => return Ok(()),
            Err(ReadlineError::Interrupted) => continue,
            Err(e) => {
                return Err(Error::io(
                    std::path::Path::new("terminal"),
                    std::io::Error::other(e),
                ));
            }
        }
    }
}

/// What Tab completes: party codes, kinds, issue keys, refs, words and keys.
struct Completion {
    words: Vec<String>,
}

impl Completion {
    fn of(session: &Session) -> Result<Completion> {
        let store = session.open(Access::Read)?;
        let timeline = views::timeline(&store, &session.slug, ViewSpec::default())?;
        drop(store);
        let refs: Vec<&str> = timeline
            .entries
            .iter()
            .filter_map(|entry| entry.event.label.as_deref())
            .collect();
        let agenda = &timeline.agenda;
        let mut words: Vec<String> = agenda.parties.iter().map(|p| p.code.to_string()).collect();
        words.extend(parley::model::Kind::moves().map(|k| k.as_str().to_owned()));
        words.extend(agenda.issues.iter().map(|i| i.key.to_string()));
        words.extend(Channel::ALL.iter().map(|c| c.as_str().to_owned()));
        words.extend(Level::ALL.iter().map(|l| l.as_str().to_owned()));
        words.extend(Reversibility::ALL.iter().map(|r| r.as_str().to_owned()));
        for key in ["re", "if"] {
            words.extend(refs.iter().map(|r| format!("{key}:{r}")));
        }
        words.extend(["undo", "fix", "positions", "help", "quit"].map(str::to_owned));
        Ok(Completion { words })
    }
}

impl rustyline::completion::Completer for Completion {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        let start = line[..pos].rfind(' ').map_or(0, |i| i + 1);
        let typed = line[start..pos].to_lowercase();
        let candidates = self
            .words
            .iter()
            .filter(|w| w.to_lowercase().starts_with(&typed))
            .map(|w| format!("{w} "))
            .collect();
        Ok((start, candidates))
    }
}

impl rustyline::hint::Hinter for Completion {
    type Hint = String;
}
impl rustyline::highlight::Highlighter for Completion {}
impl rustyline::validate::Validator for Completion {}
impl rustyline::Helper for Completion {}

#[cfg(test)]
mod tests {
    use super::fix_pairs;

    #[test]
    fn fix_reads_quoted_texts_json_and_words() {
        assert_eq!(
            fix_pairs(r#"positions={"tariff": 12, "note": "a } b"} summary="Korea offers 12%" level=minister who='Kim Jung-kwan'"#)
                .map_err(|e| e.to_string()),
            Ok(vec![
                r#"positions={"tariff": 12, "note": "a } b"}"#.to_owned(),
                "summary=Korea offers 12%".to_owned(),
                "level=minister".to_owned(),
                "who=Kim Jung-kwan".to_owned(),
            ])
        );
        assert_eq!(
            fix_pairs("summary=\"open").map_err(|e| e.to_string()),
            Err("fix: a quote \" is not closed".to_owned())
        );
    }
}
