//! `parley push` and `parley pull`: a local journal and a shared one (a PostgreSQL URL or
//! another store directory) exchange events. The rules are in [`parley::journal::push`]
//! and [`parley::journal::pull`]; this module opens both sides and prints what moved.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;

use super::{Global, print};
use parley::journal::{Moved, Recording};
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
/// local export becomes the shared one byte for byte. A local copy that is not a prefix
/// of the shared one is refused, with what to do; nothing is ever rewritten.
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
    let local = global.open(Access::Read)?;
    let signer = global.signer()?;
    let shared = open_other(&args.to, Access::Write, global)?;
    let recording = Recording {
        now: clock::now()?,
        recorder: global.recorder(),
        signer: signer.as_ref(),
    };
    let pushed = parley::journal::push(&local, &shared, &args.slugs, recording, args.dry_run);
    let pushed = match pushed {
        Ok(pushed) => {
            shared.close_at_exit();
            pushed
        }
        Err(error) => {
            shared.discard();
            return Err(error);
        }
    };
    let verb = if args.dry_run { "would push" } else { "pushed" };
    print(&moved_text(
        &pushed,
        verb,
        "to",
        &shown(&args.to),
        "already there",
    ))
}

/// Runs `pull`.
pub fn pull(global: &Global, args: &PullArgs) -> Result<()> {
    let shared = open_other(&args.from, Access::Read, global)?;
    let local = global.open(Access::Write)?;
    let pulled = match parley::journal::pull(
        &local,
        &shared,
        &args.slugs,
        global.recorder(),
        args.dry_run,
    ) {
        Ok(pulled) if pulled.superseded.is_empty() => {
            local.close_at_exit();
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
    let other = shown(&args.from);
    let verb = if args.dry_run { "would pull" } else { "pulled" };
    if pulled.superseded.is_empty() {
        return print(&moved_text(
            &pulled.moved,
            verb,
            "from",
            &other,
            "already here",
        ));
    }
    let names = names(&pulled.superseded);
    if is_url(&global.store.display().to_string()) {
        return Err(Error::Conflict {
            slug: names,
            what: format!("the local copy holds the same events as {other} under other seqs (they were pushed there)"),
            todo: "pull into a fresh store for an identical copy (`parley --store DIR pull --from URL SLUG`)".into(),
        });
    }
    if args.dry_run {
        return print(&format!(
            "{names}: the local copy holds the same events as {other} under other seqs (they were pushed there); \
             pull would rebuild {} from {other} and keep the store as it is beside it\n",
            global.store.display()
        ));
    }
    let kept = rebuild(global, &shared, &args.slugs)?;
    print(&format!(
        "{names}: the local copy held the same events as {other} under other seqs (they were pushed there)\n\
         rebuilt {} with {other}'s copy; the store as it was is kept at {}\n",
        global.store.display(),
        kept.display()
    ))
}

/// Builds a fresh store beside the local one holding every local negotiation the pull
/// does not take and `slugs` (all) of `shared`, exactly as recorded; then moves the
/// local store aside and the fresh one in its place. Returns where the old one is kept.
/// Nothing is removed: until the two renames, the local store is untouched, and a
/// failure removes only the fresh store this made.
fn rebuild(global: &Global, shared: &Backend, slugs: &[String]) -> Result<PathBuf> {
    let store = global.store.clone();
    let fresh = sibling(&store, "pull")?;
    let local = global.open(Access::Read)?;
    let taken: Vec<String> = match slugs {
        [] => shared
            .negotiations()?
            .into_iter()
            .map(|m| m.slug.to_string())
            .collect(),
        slugs => slugs.to_vec(),
    };
    // Checked again with the store held: a local event logged since is not pushed.
    parley::journal::pull(&local, shared, &taken, global.recorder(), true)?;
    let kept: Vec<String> = local
        .negotiations()?
        .into_iter()
        .map(|m| m.slug.to_string())
        .filter(|slug| !taken.contains(slug))
        .collect();
    let built = (|| {
        let new = Store::open(&fresh, Access::Write, Duration::from_secs(1))?;
        if !kept.is_empty() {
            parley::journal::pull(&new, &local, &kept, global.recorder(), false)?;
        }
        parley::journal::pull(&new, shared, &taken, global.recorder(), false)?;
        new.close()
    })();
    if let Err(error) = built {
        let _ = std::fs::remove_dir_all(&fresh);
        return Err(error);
    }
    parley::store::Log::close(local)?;
    let aside = sibling(&store, "before-pull")?;
    std::fs::rename(&store, &aside).map_err(|e| Error::io(&store, e))?;
    std::fs::rename(&fresh, &store).map_err(|e| Error::io(&store, e))?;
    Ok(aside)
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
