//! `parley push` and `parley pull`: a local journal and a shared one (a PostgreSQL URL or
//! another store directory) exchange events. The rules are in [`parley::journal::push`]
//! and [`parley::journal::pull`]; this module opens both sides, prints what moved, and
//! rebuilds a sled store whose copy the shared one superseded: a fresh store beside it,
//! moved into its place, with the old one kept under another name. It does not rebuild
//! a journal on PostgreSQL.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;

use super::{Global, print};
use parley::journal::{Journals, Moved, Recording};
use parley::model::Invalid;
use parley::report::Table;
use parley::store::postgres::{is_url, without_password};
use parley::store::{Access, Backend, Log, Store, Upkeep};
use parley::{Error, Result, clock};

/// Send the local journal's new events to a shared journal.
///
/// The events the shared journal does not hold (by id) are appended after its head, in
/// local order, with their ids and content; the shared journal gives them their seq,
/// hash and `recorded_at`, and keeps when and by whom they were first recorded in
/// `first_recorded_at` and `first_recorded_by`. All or nothing.
///
/// Example:
///   parley --store meeting-room push --to postgres://trade@tower:5432/parley kr-us-2025
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct PushArgs {
    /// The shared journal: a PostgreSQL URL or a store directory.
    #[arg(long, value_name = "URL")]
    to: PathBuf,
    /// The negotiations to push (default: every one in the local store).
    slugs: Vec<String>,
    /// Say what would be pushed; write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Make the local copy of a shared journal's negotiations identical to it.
///
/// Appends the shared events past the local head, envelope and hash as recorded, so the
/// local export becomes the shared one byte for byte. A local copy holding events the
/// shared journal lacks is refused: push them first. A local copy that was pushed (its
/// events hold other seqs there) is never rewritten: the store is rebuilt beside itself
/// with the shared copy and put in its place, and the old one kept as STORE.before-pull-N.
///
/// Example:
///   parley --store meeting-room pull --from postgres://trade@tower:5432/parley kr-us-2025
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct PullArgs {
    /// The shared journal: a PostgreSQL URL or a store directory.
    #[arg(long, value_name = "URL")]
    from: PathBuf,
    /// The negotiations to pull (default: every one in the shared journal).
    slugs: Vec<String>,
    /// Say what would be pulled; write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Runs `push`.
pub fn push(global: &Global, args: &PushArgs) -> Result<()> {
    let other = shown(&args.to);
    refuse_the_local_store(global, &args.to, "--to")?;
    let local = global.open(Access::Read)?;
    let signer = global.signer()?;
    let shared = open_other(&args.to, Access::Write, global)?;
    let recording = Recording {
        now: clock::now()?,
        recorder: global.recorder(),
        signer: signer.as_ref(),
    };
    let journals = Journals {
        local: &local,
        shared: &shared,
        shared_name: &other,
    };
    let pushed = match parley::journal::push(journals, &args.slugs, recording, args.dry_run) {
        Ok(pushed) if !args.dry_run => {
            shared.close_at_exit();
            pushed
        }
        // A dry run leaves nothing behind, not even the shared store it opened.
        Ok(pushed) => {
            shared.discard();
            pushed
        }
        Err(error) => {
            shared.discard();
            return Err(error);
        }
    };
    let text = match nothing_moved(&pushed) {
        Some(events) => nothing_to_push(&pushed, events, &other),
        None => {
            let verb = if args.dry_run { "would push" } else { "pushed" };
            moved_text(&pushed, verb, "to", &other, "already there")
        }
    };
    print(&text)
}

/// Runs `pull`.
pub fn pull(global: &Global, args: &PullArgs) -> Result<()> {
    let other = shown(&args.from);
    refuse_the_local_store(global, &args.from, "--from")?;
    let shared = open_other(&args.from, Access::Read, global)?;
    let local = global.open(Access::Write)?;
    let journals = Journals {
        local: &local,
        shared: &shared,
        shared_name: &other,
    };
    let pulled = match parley::journal::pull(journals, &args.slugs, global.recorder(), args.dry_run)
    {
        Ok(pulled) if pulled.superseded.is_empty() && !args.dry_run => {
            local.close_at_exit();
            pulled
        }
        // A dry run leaves nothing behind, not even the local store it opened.
        Ok(pulled) if pulled.superseded.is_empty() => {
            local.discard();
            pulled
        }
        // Let go of the store now: the rebuild opens it again.
        Ok(pulled) => {
            Log::close(local)?;
            pulled
        }
        Err(error) => {
            local.discard();
            return Err(error);
        }
    };
    if pulled.superseded.is_empty() {
        let text = match nothing_moved(&pulled.moved) {
            Some(events) => nothing_to_pull(&pulled.moved, events, &other),
            None => {
                let verb = if args.dry_run { "would pull" } else { "pulled" };
                moved_text(&pulled.moved, verb, "from", &other, "already here")
            }
        };
        return print(&text);
    }
    superseded(global, args, &shared, &other, &pulled.superseded)
}

/// Says what pull does with local copies the shared ones `superseded`: rebuilds a sled
/// store (or, with `--dry-run`, says it would), refuses on PostgreSQL.
fn superseded(
    global: &Global,
    args: &PullArgs,
    shared: &Backend,
    other: &str,
    superseded: &[parley::model::Slug],
) -> Result<()> {
    let names = names(superseded);
    let store = global.store.display().to_string();
    let why = format!(
        "the local copy holds the same events as {other} under other seqs (they were pushed there)"
    );
    if is_url(&store) {
        return Err(Error::Conflict {
            slug: names,
            what: why,
            todo: format!(
                "a journal on PostgreSQL is never rebuilt: for an identical copy pull into a new store (`parley --store DIR pull --from {other} {}`)",
                superseded
                    .first()
                    .map_or_else(String::new, |s| s.to_string())
            ),
        });
    }
    let dir = store_dir(&global.store)?;
    let store = dir.display();
    if args.dry_run {
        return print(&format!(
            "{names}: {why}\npull would rebuild {store} with {other}'s copy and keep the store as it is at {}\n",
            sibling(&dir, "before-pull")?.display()
        ));
    }
    let (aside, others) = rebuild(global, shared, other, &args.slugs)?;
    let others = match others {
        0 => String::new(),
        1 => " and the local copy of 1 other negotiation".to_owned(),
        n => format!(
            " and the local copies of {} other negotiations",
            parley::format::number(n as f64)
        ),
    };
    print(&format!(
        "{names}: the local copy held the same events as {other} under other seqs (they were pushed there)\n\
         rebuilt {store} with {other}'s copy{others}; the store as it was is kept at {}\n",
        aside.display()
    ))
}

/// Refuses a `--to` or `--from` (`flag`) that names the local store itself.
fn refuse_the_local_store(global: &Global, other: &Path, flag: &str) -> Result<()> {
    let same = match (
        std::fs::canonicalize(&global.store),
        std::fs::canonicalize(other),
    ) {
        (Ok(local), Ok(other)) => local == other,
        _ => global.store == other,
    };
    if !same {
        return Ok(());
    }
    Err(Error::input(
        flag,
        Invalid::new(format!(
            "{} is the local store itself (--store); name the shared journal",
            shown(other)
        )),
    ))
}

/// Builds a fresh store beside the local one holding every local negotiation the pull
/// does not take and `slugs` (all) of `shared`, exactly as recorded; then moves the
/// local store aside and the fresh one in its place. Returns where the old one is kept
/// and how many local negotiations were copied besides.
/// Nothing is removed: the local store is held locked from the check to the renames and
/// is left untouched, and a failure removes only the fresh store this made.
fn rebuild(
    global: &Global,
    shared: &Backend,
    other: &str,
    slugs: &[String],
) -> Result<(PathBuf, usize)> {
    let store = store_dir(&global.store)?;
    let local = match global.open(Access::Read)? {
        Backend::Sled(local) => local,
        Backend::Postgres(_) => {
            return Err(Error::Invalid(Invalid::new(
                "a journal on PostgreSQL is never rebuilt",
            )));
        }
    };
    let taken: Vec<String> = match slugs {
        [] => shared
            .negotiations()?
            .into_iter()
            .map(|m| m.slug.to_string())
            .collect(),
        slugs => slugs.to_vec(),
    };
    // Checked again with the store held: a local event logged since is not pushed.
    let recheck = Journals {
        local: &local,
        shared,
        shared_name: other,
    };
    parley::journal::pull(recheck, &taken, global.recorder(), true)?;
    let kept: Vec<String> = local
        .negotiations()?
        .into_iter()
        .map(|m| m.slug.to_string())
        .filter(|slug| !taken.contains(slug))
        .collect();
    let fresh = sibling(&store, "pull")?;
    let built = build(
        &fresh,
        (&local, &store),
        (shared, other),
        (&kept, &taken),
        global,
    );
    if let Err(error) = built {
        let _ = std::fs::remove_dir_all(&fresh);
        return Err(error);
    }
    let held = local.close_locked()?;
    let aside = sibling(&store, "before-pull")?;
    let moved = swap(&store, &aside, &fresh);
    if moved.is_err() {
        let _ = std::fs::remove_dir_all(&fresh);
    }
    drop(held);
    moved.map(|()| (aside, kept.len()))
}

/// Writes the fresh store: the `kept` negotiations of the local store, then the
/// `taken` ones of the shared journal, each exactly as recorded.
fn build(
    fresh: &Path,
    (local, store): (&Store, &Path),
    (shared, other): (&Backend, &str),
    (kept, taken): (&[String], &[String]),
    global: &Global,
) -> Result<()> {
    let new = Store::open(fresh, Access::Write, Duration::from_secs(1))?;
    let store = store.display().to_string();
    if !kept.is_empty() {
        let from_local = Journals {
            local: &new,
            shared: local,
            shared_name: &store,
        };
        parley::journal::pull(from_local, kept, global.recorder(), false)?;
    }
    let from_shared = Journals {
        local: &new,
        shared,
        shared_name: other,
    };
    parley::journal::pull(from_shared, taken, global.recorder(), false)?;
    new.close()
}

/// Moves `store` to `aside` and `fresh` to `store`, durably (the directory holding them
/// is synced); if the second move fails, moves the store back.
fn swap(store: &Path, aside: &Path, fresh: &Path) -> Result<()> {
    std::fs::rename(store, aside).map_err(|e| Error::io(store, e))?;
    if let Err(e) = std::fs::rename(fresh, store) {
        let _ = std::fs::rename(aside, store);
        return Err(Error::io(store, e));
    }
    let parent = match store.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::File::open(parent)
        .and_then(|dir| dir.sync_all())
        .map_err(|e| Error::io(parent, e))
}

/// The store directory as a path whose last part names it (`talks/` is `talks`, `.` the
/// directory it is), so that `STORE.WHAT-N` lies beside it and not inside.
fn store_dir(store: &Path) -> Result<PathBuf> {
    let normal: PathBuf = store.components().collect();
    match normal.file_name() {
        Some(_) => Ok(normal),
        None => std::fs::canonicalize(store).map_err(|e| Error::io(store, e)),
    }
}

/// The first free `STORE.WHAT-N` beside `store`.
fn sibling(store: &Path, what: &str) -> Result<PathBuf> {
    for n in 1..10_000 {
        let mut name = store.as_os_str().to_owned();
        name.push(format!(".{what}-{n}"));
        let path = PathBuf::from(name);
        if !path.exists() {
            return Ok(path);
        }
    }
    Err(Error::io(
        store,
        std::io::Error::other(format!("every name {}.{what}-N is taken", store.display())),
    ))
}

fn names(slugs: &[parley::model::Slug]) -> String {
    slugs
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Opens the other side of a push or pull.
fn open_other(place: &Path, access: Access, global: &Global) -> Result<Backend> {
    let wait = Duration::try_from_secs_f64(global.wait.max(0.0)).unwrap_or(Duration::from_secs(5));
    Backend::open(place, access, wait, Upkeep::None)
}

/// The other side as messages name it: a URL without its password, or a directory.
fn shown(place: &Path) -> String {
    let text = place.display().to_string();
    if is_url(&text) {
        without_password(&text)
    } else {
        text
    }
}

/// How many events the receiving side held, when a push or pull moved none.
fn nothing_moved(moved: &[Moved]) -> Option<u64> {
    moved
        .iter()
        .all(|m| m.count == 0)
        .then(|| moved.iter().map(|m| m.held).sum())
}

/// `nothing to push: URL holds every event of SLUG (54 events)`.
fn nothing_to_push(moved: &[Moved], events: u64, other: &str) -> String {
    let events = parley::format::count(events, "event");
    match moved {
        [] => "nothing to push: the local store holds no negotiation\n".to_owned(),
        [one] => format!(
            "nothing to push: {other} holds every event of {} ({events})\n",
            one.slug
        ),
        many => format!(
            "nothing to push: {other} holds every event of the {} ({events})\n",
            parley::format::count(many.len() as u64, "negotiation")
        ),
    }
}

/// `nothing to pull: the local copy of SLUG is identical to URL's (55 events)`.
fn nothing_to_pull(moved: &[Moved], events: u64, other: &str) -> String {
    let events = parley::format::count(events, "event");
    match moved {
        [] => format!("nothing to pull: {other} holds no negotiation\n"),
        [one] => format!(
            "nothing to pull: the local copy of {} is identical to {other}'s ({events})\n",
            one.slug
        ),
        many => format!(
            "nothing to pull: the local copies of the {} are identical to {other}'s ({events})\n",
            parley::format::count(many.len() as u64, "negotiation")
        ),
    }
}

/// `pushed 5 events to URL` and a row per negotiation: how many moved, how many the
/// other side held already, and the seqs they got there.
fn moved_text(moved: &[Moved], verb: &str, direction: &str, other: &str, held: &str) -> String {
    let total: u64 = moved.iter().map(|m| m.count).sum();
    let mut text = format!(
        "{verb} {} {direction} {other}\n",
        parley::format::count(total, "event")
    );
    let mut table = Table::new(&["negotiation", "events", held, "seq"]).right(&[1, 2]);
    for m in moved {
        table.row(vec![
            m.slug.to_string(),
            parley::format::number(m.count as f64),
            parley::format::number(m.held as f64),
            match m.seqs {
                None => "—".to_owned(),
                Some((first, last)) if first == last => first.to_string(),
                Some((first, last)) => format!("{first}–{last}"),
            },
        ]);
    }
    if !table.is_empty() {
        text.push_str(&table.render());
    }
    text
}
