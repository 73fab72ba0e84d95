//! `parley log`: append one move as it happens.

use clap::Args;
use serde_json::{Map, Value};

use super::{Global, Recording, negotiation, put, record_built};
use parley::journal::{read_line, resolve_names, typed_number, when_text};
use parley::model::{Agenda, Invalid};
use parley::{Error, Result, clock};

/// Append one move; prints its seq and id and the move in words. Durable when it
/// returns.
///
/// KIND is one of (or a unique start of): offer, demand, concession, acceptance,
/// rejection, rebuttal, threat, sanction, implementation, meeting, statement, linkage,
/// retraction. Party codes and issue keys are read in any case; an issue also by a unique
/// start of its key. SLUG defaults to PARLEY_NEGOTIATION, or the only negotiation in the
/// store.
///
/// Examples:
///   parley log kr-us-2025 offer --by KR --issue tariff --position 15 \
///     --summary "Korea offers to accept a 15% tariff" --at 2025-07-30 --reversibility pledge
///   parley log conc -b us -P tariff=15,investment=350 -s "The July deal" -a 2025-07-30
///   parley log kr-us-2025 --line 'US conc tariff=15 "The July deal" @2025-07-30 public'
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct LogArgs {
    /// [SLUG] KIND: the negotiation (optional) and the kind of move; with --line, [SLUG].
    #[arg(value_name = "SLUG KIND", num_args = 0..=2)]
    words: Vec<String>,
    /// The whole move in the line form (docs/cli.md): PARTY KIND [ISSUE[=NUMBER]]…
    /// "SUMMARY" [@WHEN] [WORD]… [KEY:VALUE]…
    #[arg(long, value_name = "LINE", conflicts_with_all = ["by", "summary", "issues", "position", "positions"])]
    line: Option<String>,
    /// The party that moved.
    #[arg(short, long)]
    by: Option<String>,
    /// One line in your words.
    #[arg(short, long)]
    summary: Option<String>,
    /// When it happened: YYYY-MM-DD, YYYY-MM-DDTHH:MM (local time), HH:MM (today), today,
    /// yesterday or RFC 3339; defaults to now.
    #[arg(short, long)]
    at: Option<String>,
    /// An issue the move is about (repeat for several).
    #[arg(short, long = "issue", value_name = "KEY")]
    issues: Vec<String>,
    /// The side's position on the (single) issue after the move.
    #[arg(short, long, allow_negative_numbers = true)]
    position: Option<f64>,
    /// Positions on several issues: KEY=NUMBER,KEY=NUMBER (the issues need no --issue).
    #[arg(short = 'P', long, value_name = "KEY=N,…", conflicts_with = "position")]
    positions: Option<String>,
    /// The substance in words.
    #[arg(short, long)]
    terms: Option<String>,
    /// table, public or back.
    #[arg(short, long)]
    channel: Option<String>,
    /// leader, minister, senior or working.
    #[arg(short, long)]
    level: Option<String>,
    /// Who spoke or signed.
    #[arg(short = 'w', long)]
    speaker: Option<String>,
    /// pledge, executive, binding or sunk.
    #[arg(long)]
    reversibility: Option<String>,
    /// Party addressed (repeat for several; default: every other party).
    #[arg(long = "to", value_name = "PARTY")]
    to: Vec<String>,
    /// The ref or id of the event this move answers.
    #[arg(short, long)]
    responds_to: Option<String>,
    /// A ref, id or issue key this move depends on (repeat for several).
    #[arg(long = "conditional-on", value_name = "REF")]
    conditional_on: Vec<String>,
    /// Label grouping moves offered as one package.
    #[arg(long)]
    package: Option<String>,
    /// Your label for this event, for later responds_to, target or conditional_on.
    #[arg(long = "ref", value_name = "LABEL")]
    label: Option<String>,
    /// Where you learned it.
    #[arg(long)]
    source: Option<String>,
    /// A tag (repeat for several).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Refuse unless the negotiation's last seq is N (someone else may have logged first).
    #[arg(long, value_name = "N")]
    expect_seq: Option<u64>,
}

/// Runs `log`.
pub fn run(global: &Global, args: &LogArgs) -> Result<()> {
    let (slug, kind) = slug_and_kind(global, args)?;
    let now = clock::now()?;
    let build = |agenda: &Agenda| -> Result<Map<String, Value>> {
        let mut map = match &args.line {
            Some(line) => read_line(line, agenda, now)?,
            None => from_flags(args, kind.as_deref().unwrap_or_default(), now)?,
        };
        resolve_names(&mut map, agenda)?;
        Ok(map)
    };
    let recording = Recording {
        echo: true,
        needs_agenda: true,
    };
    record_built(global, &slug, build, args.expect_seq, recording)
}

/// The negotiation and, without --line, the kind, from the positional words.
fn slug_and_kind(global: &Global, args: &LogArgs) -> Result<(String, Option<String>)> {
    let usage = |why: &str| Error::input("log", Invalid::new(why.to_owned()));
    match (args.line.is_some(), args.words.as_slice()) {
        (true, []) => Ok((negotiation(global, None)?, None)),
        (true, [slug]) => Ok((slug.clone(), None)),
        (true, _) => Err(usage(
            "with --line, give at most the negotiation: parley log [SLUG] --line 'LINE'",
        )),
        (false, [kind]) => Ok((negotiation(global, None)?, Some(kind.clone()))),
        (false, [slug, kind]) => Ok((slug.clone(), Some(kind.clone()))),
        (false, _) => Err(usage(
            "give the kind of move: parley log [SLUG] KIND --by PARTY --summary S",
        )),
    }
}

/// The move the flags describe.
fn from_flags(
    args: &LogArgs,
    kind: &str,
    now: parley::model::Millis,
) -> Result<Map<String, Value>> {
    let required = |flag: &str, value: &Option<String>| {
        value.clone().ok_or_else(|| {
            Error::input(
                flag,
                Invalid::new("is required (or give the whole move with --line)"),
            )
        })
    };
    let mut map = Map::new();
    map.insert("kind".into(), Value::String(kind.to_owned()));
    map.insert("by".into(), Value::String(required("--by", &args.by)?));
    map.insert(
        "summary".into(),
        Value::String(required("--summary", &args.summary)?),
    );
    let at = match &args.at {
        Some(at) => when_text(at, now).map_err(|e| Error::input("--at", e))?,
        None => parley::model::format_instant(now),
    };
    map.insert("at".into(), Value::String(at));
    let (issues, positions) = issues_and_positions(args)?;
    match issues.as_slice() {
        [] => {}
        [one] => {
            map.insert("issue".into(), Value::String(one.clone()));
        }
        many => {
            map.insert(
                "issues".into(),
                many.iter().cloned().map(Value::String).collect(),
            );
        }
    }
    if let Some(position) = args.position {
        let number = typed_number(position).map_err(|e| Error::input("--position", e))?;
        map.insert("position".into(), number);
    }
    if !positions.is_empty() {
        map.insert("positions".into(), Value::Object(positions));
    }
    for (field, value) in [
        ("terms", &args.terms),
        ("channel", &args.channel),
        ("level", &args.level),
        ("speaker", &args.speaker),
        ("reversibility", &args.reversibility),
        ("responds_to", &args.responds_to),
        ("package", &args.package),
        ("ref", &args.label),
        ("source", &args.source),
    ] {
        let value = value.as_deref().map(|v| match is_word(field) {
            true => v.to_lowercase(),
            false => v.to_owned(),
        });
        put(&mut map, field, value.as_deref());
    }
    for (field, list) in [
        ("to", &args.to),
        ("conditional_on", &args.conditional_on),
        ("tags", &args.tags),
    ] {
        if !list.is_empty() {
            map.insert(
                field.into(),
                list.iter().cloned().map(Value::String).collect(),
            );
        }
    }
    Ok(map)
}

/// Whether `field` takes one of a closed set of lowercase words, read in any case.
fn is_word(field: &str) -> bool {
    matches!(field, "channel" | "level" | "reversibility")
}

/// The issues (from --issue, then those --positions names) and the numbers --positions
/// gives them.
fn issues_and_positions(args: &LogArgs) -> Result<(Vec<String>, Map<String, Value>)> {
    let mut issues = args.issues.clone();
    let mut positions = Map::new();
    let bad = |why: String| Error::input("--positions", Invalid::new(why));
    for pair in args
        .positions
        .iter()
        .flat_map(|p| p.split(','))
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (key, number) = pair
            .split_once('=')
            .ok_or_else(|| bad(format!("{pair:?} is not KEY=NUMBER, such as tariff=15")))?;
        let value: f64 = number.trim().parse().map_err(|_| {
            bad(format!(
                "{number:?} for {key} is not a number, such as 15 or 12.5"
            ))
        })?;
        let number = typed_number(value).map_err(|e| Error::input("--positions", e))?;
        if !issues.iter().any(|i| i.eq_ignore_ascii_case(key.trim())) {
            issues.push(key.trim().to_owned());
        }
        positions.insert(key.trim().to_owned(), number);
    }
    Ok((issues, positions))
}
