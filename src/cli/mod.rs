//! The command line: one file per command, each with its `Args` (whose doc comment is
//! its `--help`) and one `run` function. Shared flags and helpers live here.

mod agenda;
mod annotate;
mod audit;
mod checkpoint;
mod convert;
mod correct;
mod diff;
mod events;
mod export;
mod hint;
mod import;
mod list;
mod log;
mod minutes;
mod open;
pub(crate) mod output;
mod positions;
mod replay;
mod report;
mod session;
mod shell;
mod sync;
mod verify;

pub use hint::hint;

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use parley::journal::{Appender, Outcome};
use parley::model::{Invalid, Slug};
use parley::signing::Signer;
use parley::store::{Access, Backend, Log, Upkeep};
use parley::{Error, Result, clock};
use serde_json::{Map, Value};

/// parley: an event-sourced negotiation journal.
///
/// Record-keepers log every offer, demand, concession and threat as it happens; nothing
/// is ever edited, corrections are new events. Reviewers replay the history at any date
/// and audit each side's posture.
#[derive(Parser, Debug)]
#[command(name = "parley", version, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Flags every command takes.
#[derive(Args, Debug)]
struct Global {
    /// The store: a directory (an embedded sled database), or a PostgreSQL database
    /// `postgres://USER@HOST:PORT/DB` shared by several record-keepers; created on first
    /// write.
    #[arg(long, global = true, env = "PARLEY_STORE", default_value = ".parley")]
    store: PathBuf,
    /// Seconds to wait for another parley process to release the store.
    #[arg(long, global = true, default_value_t = 5.0, value_name = "SECONDS")]
    wait: f64,
    /// Who is recording (`recorded_by`); defaults to PARLEY_USER, then the OS user.
    #[arg(long = "as", global = true, value_name = "NAME")]
    recorder: Option<String>,
    /// Print long output directly, not through the pager (PARLEY_PAGER, PAGER or less).
    #[arg(long, global = true)]
    no_pager: bool,
    /// Sign each event a command records with this OpenSSH ed25519 private key (an SSH
    /// signature over its hash, namespace `parley`, as `signer` the `--as` name).
    #[arg(
        long,
        global = true,
        env = "PARLEY_SIGNING_KEY",
        value_name = "KEYFILE"
    )]
    sign_with: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    Open(open::OpenArgs),
    Agenda(agenda::AgendaArgs),
    Log(Box<log::LogArgs>),
    Session(session::SessionArgs),
    Minutes(minutes::MinutesArgs),
    Correct(correct::CorrectArgs),
    Annotate(annotate::AnnotateArgs),
    Import(import::ImportArgs),
    Convert(convert::ConvertArgs),
    Export(export::ExportArgs),
    Push(sync::PushArgs),
    Pull(sync::PullArgs),
    List(list::ListArgs),
    Events(events::EventsArgs),
    Verify(verify::VerifyArgs),
    Checkpoint(checkpoint::CheckpointArgs),
    Cosign(checkpoint::CosignArgs),
    Prove(checkpoint::ProveArgs),
    VerifyProof(checkpoint::VerifyProofArgs),
    Positions(positions::PositionsArgs),
    Replay(replay::ReplayArgs),
    Diff(diff::DiffArgs),
    Audit(audit::AuditArgs),
    Report(report::ReportArgs),
    Completions(shell::CompletionsArgs),
    Man(shell::ManArgs),
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<()> {
    let global = &cli.global;
    match &cli.command {
        Command::Open(args) => open::run(global, args),
        Command::Agenda(args) => agenda::run(global, args),
        Command::Log(args) => log::run(global, args),
        Command::Session(args) => session::run(global, args),
        Command::Minutes(args) => minutes::run(global, args),
        Command::Correct(args) => correct::run(global, args),
        Command::Annotate(args) => annotate::run(global, args),
        Command::Import(args) => import::run(global, args),
        Command::Convert(args) => convert::run(global, args),
        Command::Export(args) => export::run(global, args),
        Command::Push(args) => sync::push(global, args),
        Command::Pull(args) => sync::pull(global, args),
        Command::List(args) => list::run(global, args),
        Command::Events(args) => events::run(global, args),
        Command::Verify(args) => verify::run(global, args),
        Command::Checkpoint(args) => checkpoint::run(global, args),
        Command::Cosign(args) => checkpoint::cosign(global, args),
        Command::Prove(args) => checkpoint::prove(global, args),
        Command::VerifyProof(args) => checkpoint::verify_proof(args),
        Command::Positions(args) => positions::run(global, args),
        Command::Replay(args) => replay::run(global, args),
        Command::Diff(args) => diff::run(global, args),
        Command::Audit(args) => audit::run(global, args),
        Command::Report(args) => report::run(global, args),
        Command::Completions(args) => shell::completions(args),
        Command::Man(args) => shell::man(args),
    }
}

impl Global {
    /// Opens the store for a command that reads, or writes a few keys, and exits: without
    /// sled's background upkeep ([`Upkeep::None`]), which costs such a command more than
    /// it saves.
    fn open(&self, access: Access) -> Result<Backend> {
        self.open_with(access, Upkeep::None)
    }

    fn open_with(&self, access: Access, upkeep: Upkeep) -> Result<Backend> {
        let wait =
            Duration::try_from_secs_f64(self.wait.max(0.0)).unwrap_or(Duration::from_secs(5));
        self.open_waiting(access, wait, upkeep)
    }

    /// Opens the store `--store` names (a directory or a PostgreSQL URL), waiting up to
    /// `wait` for it.
    fn open_waiting(&self, access: Access, wait: Duration, upkeep: Upkeep) -> Result<Backend> {
        Backend::open(&self.store, access, wait, upkeep)
    }

    /// Runs `write` on the store, opened for a bulk write (with sled's background upkeep,
    /// which keeps the store small while the write churns through index pages).
    fn write<T>(&self, write: impl FnOnce(&Backend) -> Result<T>) -> Result<T> {
        self.write_with(Upkeep::Background, write)
    }

    /// Runs `write` on the store opened for writing with `upkeep`; what it appended is
    /// durable when it returns, and the store is let go for the exit that follows
    /// ([`Backend::close_at_exit`]). If `write` fails, the store is [`Backend::discard`]ed:
    /// what opening it created is removed again, so a refused first command leaves
    /// nothing behind, and nothing that was there before it ran is touched.
    fn write_with<T>(
        &self,
        upkeep: Upkeep,
        write: impl FnOnce(&Backend) -> Result<T>,
    ) -> Result<T> {
        let store = self.open_with(Access::Write, upkeep)?;
        match write(&store) {
            Ok(value) => {
                store.close_at_exit();
                Ok(value)
            }
            Err(error) => {
                store.discard();
                Err(error)
            }
        }
    }

    fn recorder(&self) -> String {
        clock::recorder(self.recorder.as_deref())
    }

    /// The key `--sign-with` names, read, if one is named.
    fn signer(&self) -> Result<Option<Signer>> {
        self.sign_with
            .as_deref()
            .map(|path| Signer::load(path, &self.recorder(), "--sign-with"))
            .transpose()
    }
}

/// Appends one event built from flags, durably, and prints where it landed.
fn record_one(
    global: &Global,
    slug: &str,
    map: Map<String, Value>,
    expect_seq: Option<u64>,
) -> Result<()> {
    let recording = Recording {
        echo: false,
        needs_agenda: false,
    };
    record_built(global, slug, |_| Ok(map.clone()), expect_seq, recording)
}

/// What [`record_built`] is to do besides appending.
struct Recording {
    /// Print the event in words after its seq and id.
    echo: bool,
    /// The event is built from the agenda, so the negotiation must exist first.
    needs_agenda: bool,
}

/// Appends the event `build` makes from the negotiation's agenda as it stands (empty
/// for a new negotiation), durably, and prints where it landed; with `echo`, also the
/// event in words as the store now holds it.
///
/// On a journal several processes write (PostgreSQL), another writer may move the head
/// between reading the agenda and appending: without `--expect-seq` the event is built
/// again on the new head and appended there ([`RETRIES`] times at most).
fn record_built(
    global: &Global,
    slug: &str,
    build: impl Fn(&parley::model::Agenda) -> Result<Map<String, Value>>,
    expect_seq: Option<u64>,
    recording: Recording,
) -> Result<()> {
    let slug = Slug::parse(slug).map_err(|e| Error::input("SLUG", e))?;
    let mut attempt = 0;
    // On the disk, not just handed to it, before we say it is recorded.
    let (outcome, words) = loop {
        let written = global.write_with(Upkeep::None, |store| {
            append_built(store, global, &slug, &build, expect_seq, &recording)
        });
        match written {
            Err(Error::Stale { .. }) if expect_seq.is_none() && attempt < RETRIES => attempt += 1,
            written => break written?,
        }
    };
    let mut out = stdout();
    match outcome {
        Outcome::Appended { slug, seq, id } => writeln!(out, "{slug} seq {seq}  id {id}"),
        Outcome::AlreadyPresent { slug, seq } => writeln!(
            out,
            "{slug} seq {seq} already holds this event; nothing added"
        ),
    }
    .and_then(|()| out.write_all(words.unwrap_or_default().as_bytes()))
    .map_err(io_error)
}

/// How many times [`record_built`] builds an event again on a head another writer moved.
const RETRIES: u32 = 100;

/// One attempt of [`record_built`]: the event built on the head as it stands, appended,
/// and, with `echo`, in words.
fn append_built(
    store: &Backend,
    global: &Global,
    slug: &Slug,
    build: &impl Fn(&parley::model::Agenda) -> Result<Map<String, Value>>,
    expect_seq: Option<u64>,
    recording: &Recording,
) -> Result<(Outcome, Option<String>)> {
    let agenda = match store.stream(slug)? {
        Some(meta) => meta.agenda,
        // Refused with the negotiations the store holds.
        None if recording.needs_agenda => store.require(slug.as_str())?.agenda,
        None => Default::default(),
    };
    let map = build(&agenda)?;
    let signer = global.signer()?;
    let mut appender =
        Appender::new(store, clock::now()?, global.recorder())?.sign_with(signer.as_ref());
    if let Some(expected) = expect_seq {
        let actual = appender.head(slug)?.map_or(0, |h| h.seq);
        if actual != expected {
            return Err(Error::Stale {
                slug: slug.to_string(),
                expected,
                actual,
            });
        }
    }
    let outcome = appender.append(map, Some(slug))?;
    appender.commit()?;
    let words = match &outcome {
        Outcome::Appended { seq, .. } if recording.echo => {
            Some(recorded_in_words(store, slug, *seq)?)
        }
        _ => None,
    };
    Ok((outcome, words))
}

/// The event with `seq` in words, as the store holds it ([`narrative::recorded`]).
fn recorded_in_words(store: &dyn Log, slug: &Slug, seq: u64) -> Result<String> {
    let meta = store.require(slug.as_str())?;
    let mut records = parley::journal::recorded_events_from(store, &meta, seq)?;
    records.truncate(1);
    let timeline = parley::projection::Timeline::build(meta.slug, records, Default::default());
    Ok(timeline
        .entries
        .first()
        .map(parley::report::narrative::recorded)
        .unwrap_or_default())
}

/// The negotiation a command is about: as given, else `PARLEY_NEGOTIATION`, else the
/// only negotiation in the store.
fn negotiation(global: &Global, given: Option<&str>) -> Result<String> {
    if let Some(slug) = given {
        return Ok(slug.to_owned());
    }
    if let Ok(slug) = std::env::var("PARLEY_NEGOTIATION")
        && !slug.trim().is_empty()
    {
        return Ok(slug);
    }
    let store = global.open(Access::Read)?;
    let slugs: Vec<String> = store
        .negotiations()?
        .into_iter()
        .map(|meta| meta.slug.to_string())
        .collect();
    match slugs.as_slice() {
        [only] => Ok(only.clone()),
        [] => Err(Error::input(
            "SLUG",
            Invalid::new("the store holds no negotiation yet; start one with `parley open`"),
        )),
        many => Err(Error::input(
            "SLUG",
            Invalid::new(format!(
                "name the negotiation (or set PARLEY_NEGOTIATION): the store holds {}",
                many.join(", ")
            )),
        )),
    }
}

/// The event a command-line TARGET names: a ref or id as written or, for a number that
/// is no ref, the id of the event with that seq, as `parley events` lists them. Journal
/// files name targets by ref or id only; a seq is a convenience of the command line.
fn target_id(global: &Global, slug: &str, target: &str) -> Result<String> {
    let Ok(seq) = target.parse::<u64>() else {
        return Ok(target.to_owned());
    };
    let store = global.open(Access::Read)?;
    let meta = store.require(slug)?;
    if store.find_ref(&meta, target)?.is_some() {
        return Ok(target.to_owned());
    }
    let id = store
        .get(&meta, seq)?
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .and_then(|event| event.get("id").and_then(Value::as_str).map(str::to_owned));
    Ok(id.unwrap_or_else(|| target.to_owned()))
}

/// The bitemporal view flags every reviewer command takes.
#[derive(Args, Debug, Clone)]
struct ViewFlags {
    /// The world as of this date (`at` ≤ D; a date means the end of that day, UTC), with
    /// every correction recorded so far applied.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// The journal as it stood at this instant (`recorded_at` ≤ D), later corrections not applied.
    #[arg(long, value_name = "DATE")]
    known_at: Option<String>,
}

impl ViewFlags {
    fn spec(&self) -> Result<parley::projection::ViewSpec> {
        let bound = |flag: &str, text: &Option<String>| -> Result<Option<parley::model::Millis>> {
            let Some(text) = text.as_deref() else {
                return Ok(None);
            };
            let text = person_date(flag, text)?;
            parley::model::parse_bound(&text)
                .map(Some)
                .map_err(|e| Error::input(flag, e))
        };
        Ok(parley::projection::ViewSpec {
            as_of: bound("--as-of", &self.as_of)?,
            known_at: bound("--known-at", &self.known_at)?,
        })
    }

    /// A phrase saying which view this is, for headings.
    fn describe(&self) -> String {
        match (&self.as_of, &self.known_at) {
            (None, None) => "now, every correction applied".into(),
            (Some(d), None) => format!("as of {d}, every correction recorded so far applied"),
            (None, Some(k)) => format!("as the journal stood at {k}"),
            (Some(d), Some(k)) => format!("as of {d}, as the journal stood at {k}"),
        }
    }
}

/// Flags of commands that record a journal entry: when, what, from where.
#[derive(Args, Debug)]
struct EntryFlags {
    /// When: YYYY-MM-DD or RFC 3339; defaults to now.
    #[arg(long)]
    at: Option<String>,
    /// One line in your words.
    #[arg(long)]
    summary: Option<String>,
    /// Where you learned it.
    #[arg(long)]
    source: Option<String>,
}

impl EntryFlags {
    /// Writes `at` (the clock when not given), `summary` and `source` into an event.
    fn write_into(&self, map: &mut Map<String, Value>) -> Result<()> {
        let at = match &self.at {
            Some(at) => person_date("--at", at)?,
            None => now_text()?,
        };
        map.insert("at".into(), Value::String(at));
        put(map, "summary", self.summary.as_deref());
        put(map, "source", self.source.as_deref());
        Ok(())
    }
}

/// A date or time as a person types it on the command line (`today`, `yesterday`,
/// `10:05`, `2025-04-24T10:05` in local time, seconds optional), as the journal writes it
/// ([`parley::journal::when_text`]).
fn person_date(flag: &str, text: &str) -> Result<String> {
    let now = clock::now()?;
    parley::journal::when_text(text, now).map_err(|e| Error::input(flag, e))
}

/// The clock's reading as an `at` value, for commands whose `--at` defaults to now.
fn now_text() -> Result<String> {
    Ok(parley::model::format_instant(clock::now()?))
}

/// Inserts a text field when it is given.
fn put(map: &mut Map<String, Value>, field: &str, value: Option<&str>) {
    if let Some(value) = value {
        map.insert(field.into(), Value::String(value.to_owned()));
    }
}

/// Parses `CODE=Name` pairs given to `--party`.
fn parties(specs: &[String]) -> Result<Value> {
    let mut out = Vec::new();
    for spec in specs {
        let (code, name) = spec.split_once('=').ok_or_else(|| {
            Error::input(
                "--party",
                Invalid::new(format!(
                    "{spec:?} is not CODE=Name, such as KR=\"Republic of Korea\""
                )),
            )
        })?;
        out.push(serde_json::json!({"code": code.trim(), "name": name.trim()}));
    }
    Ok(Value::Array(out))
}

/// Parses `--issue 'key=Title;unit=%;track=trade;prefer=KR:lower,US:higher'`.
fn issues(specs: &[String]) -> Result<Value> {
    specs
        .iter()
        .map(|spec| issue(spec))
        .collect::<Result<Vec<_>>>()
        .map(Value::Array)
}

fn issue(spec: &str) -> Result<Value> {
    let bad = |why: String| Error::input("--issue", Invalid::new(why));
    let mut parts = spec.split(';');
    let (key, title) = parts
        .next()
        .and_then(|head| head.split_once('='))
        .ok_or_else(|| bad(format!("{spec:?} does not start with key=Title, such as 'tariff=US reciprocal tariff;unit=%'")))?;
    let mut issue = Map::new();
    issue.insert("key".into(), key.trim().into());
    issue.insert("title".into(), title.trim().into());
    for part in parts.filter(|p| !p.trim().is_empty()) {
        let (field, value) = part.split_once('=').ok_or_else(|| {
            bad(format!(
                "{part:?} is not field=value (fields: unit, track, prefer)"
            ))
        })?;
        let value = value.trim();
        match field.trim() {
            "unit" | "track" => {
                issue.insert(field.trim().into(), value.into());
            }
            "prefer" => {
                let mut prefer = Map::new();
                for pair in value.split(',') {
                    let (code, direction) = pair.split_once(':').ok_or_else(|| {
                        bad(format!("prefer {pair:?} is not CODE:lower or CODE:higher"))
                    })?;
                    prefer.insert(code.trim().into(), direction.trim().into());
                }
                issue.insert("prefer".into(), Value::Object(prefer));
            }
            other => {
                return Err(bad(format!(
                    "unknown issue field {other:?} (fields: unit, track, prefer)"
                )));
            }
        }
    }
    Ok(Value::Object(issue))
}

/// Buffered standard output.
fn stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::new(std::io::stdout().lock())
}

/// An error writing to standard output (a closed pipe is handled in `main`).
fn io_error(e: std::io::Error) -> Error {
    Error::io(std::path::Path::new("stdout"), e)
}

/// `value` as [`print_json`] prints it, for a command that writes it elsewhere too.
fn json_text(value: &impl serde::Serialize) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| io_error(e.into()))?;
    text.push('\n');
    Ok(text)
}

/// Prints a value as one JSON document.
fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let mut out = stdout();
    serde_json::to_writer_pretty(&mut out, value).map_err(|e| io_error(e.into()))?;
    writeln!(out).and_then(|()| out.flush()).map_err(io_error)
}

/// Writes a file whole or not at all: into `FILE.partial`, synced, then renamed over
/// `path`, so a crash or a full disk never leaves half a journal or half a page.
fn write_file_atomically<T>(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let outcome = (|| {
        let file = std::fs::File::create(&partial).map_err(|e| Error::io(&partial, e))?;
        let mut writer = std::io::BufWriter::new(file);
        let value = write(&mut writer)?;
        let file = writer
            .into_inner()
            .map_err(|e| Error::io(&partial, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&partial, e))?;
        std::fs::rename(&partial, path).map_err(|e| Error::io(path, e))?;
        Ok(value)
    })();
    if outcome.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    outcome
}

/// The width a table on standard output must fit: `COLUMNS` when it is set to a
/// positive number (so a script or a test can ask for a width), else the terminal's
/// width when standard output is a terminal, else none: output piped to a file or
/// another program is never cut.
fn output_width() -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
    {
        return Some(columns);
    }
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(terminal_size::Width(w), _)| usize::from(w))
}

/// The file `--out` names, or `None` for standard output (the flag left out, or `-`).
fn out_file(out: Option<&std::path::Path>) -> Option<&std::path::Path> {
    out.filter(|path| path.as_os_str() != "-")
}

/// Prints text.
fn print(text: &str) -> Result<()> {
    let mut out = stdout();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(io_error)
}

/// A view the command holds until the process exits, and never frees: a timeline of a
/// million events is millions of small allocations, and freeing them one by one takes
/// longer (0.3–1.6 s at 10^6 events) than the operating system takes to reclaim the
/// whole heap when the process ends.
pub fn kept_until_exit<T>(value: T) -> std::mem::ManuallyDrop<T> {
    std::mem::ManuallyDrop::new(value)
}
