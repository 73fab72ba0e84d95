//! GDELT 1.0 event rows into an authored journal, for analysts who bring coded event data
//! instead of a record-keeper's notes.
//!
//! This is the parse half of an import (the `import` command is the save half): it reads
//! the tab-separated rows, keeps those between the chosen countries, and writes journal
//! lines a person can read, check and edit before importing them. It does not write the
//! store, guess issues (GDELT codes none: every move goes on one issue, `relations`), or
//! guess positions.
//!
//! Each line keeps what GDELT said in a `gdelt` field (event id, CAMEO code, Goldstein
//! scale, quad class, mentions), so the journal can always be traced back to the row.

use std::collections::BTreeMap;
use std::io::{BufRead, Read};

use serde_json::{Map, Value, json};

use super::MAX_LINE_BYTES;
use super::cameo::{cameo_move, is_use_of_force};
use crate::model::{Invalid, Kind, PartyCode, Slug};
use crate::{Error, Result};

/// The issue every converted move is on: GDELT codes events between actors, not issues.
pub const RELATIONS_ISSUE: &str = "relations";

/// What to convert.
#[derive(Clone, Debug)]
pub struct GdeltOptions {
    /// The negotiation the journal opens.
    pub negotiation: Slug,
    /// Its title; a default names the countries.
    pub title: Option<String>,
    /// The countries (GDELT's three-letter codes) whose events with each other are kept.
    pub between: Vec<PartyCode>,
}

/// A converted journal and what was left out.
#[derive(Clone, Debug, Default)]
pub struct Converted {
    /// The journal lines: an opening, then one move per kept row, oldest first.
    pub lines: Vec<Map<String, Value>>,
    /// Rows read.
    pub rows: usize,
    /// Rows left out because their actors are not two of the chosen countries.
    pub other_actors: usize,
    /// Rows left out because they code the use of force (CAMEO 18–20), no negotiating move.
    pub use_of_force: usize,
}

impl Converted {
    /// Moves kept.
    pub fn moves(&self) -> usize {
        self.lines.len().saturating_sub(1)
    }
}

/// The GDELT 1.0 columns parley reads, numbered from 0.
mod column {
    pub const ID: usize = 0;
    pub const DAY: usize = 1;
    pub const ACTOR1_CODE: usize = 5;
    pub const ACTOR1_NAME: usize = 6;
    pub const ACTOR1_COUNTRY: usize = 7;
    pub const ACTOR2_CODE: usize = 15;
    pub const ACTOR2_NAME: usize = 16;
    pub const ACTOR2_COUNTRY: usize = 17;
    pub const EVENT_CODE: usize = 26;
    pub const QUAD_CLASS: usize = 29;
    pub const GOLDSTEIN: usize = 30;
    pub const MENTIONS: usize = 31;
    pub const SOURCE_URL: usize = 57;
}

/// One kept row, before it becomes a line.
struct Row {
    day: String,
    id: u64,
    line: Map<String, Value>,
}

/// Reads GDELT 1.0 rows from `reader` (named `name` in messages) into a journal.
pub fn convert_gdelt(
    mut reader: impl BufRead,
    name: &str,
    options: &GdeltOptions,
) -> Result<Converted> {
    if options.between.len() < 2 {
        return Err(Error::input(
            "--between",
            Invalid::new("name at least two countries, for example --between USA,KOR"),
        ));
    }
    let mut converted = Converted::default();
    let mut rows = Vec::new();
    let mut names = CountryNames::default();
    let mut buffer = Vec::new();
    let mut number = 0;
    while read_line(&mut reader, &mut buffer)
        .map_err(|e| Error::io(std::path::Path::new(name), e))?
    {
        number += 1;
        let place = format!("{name}:{number}");
        if buffer.len() > MAX_LINE_BYTES {
            let problem = format!("the row is longer than {MAX_LINE_BYTES} bytes");
            return Err(Error::input(&place, Invalid::new(problem)));
        }
        let text = std::str::from_utf8(&buffer)
            .map_err(|_| Error::input(&place, Invalid::new("the row is not valid UTF-8")))?;
        let text = text.trim_end_matches(['\n', '\r']);
        if text.is_empty() {
            continue;
        }
        converted.rows += 1;
        let fields: Vec<&str> = text.split('\t').collect();
        match row(&fields, options).map_err(|problem| Error::input(&place, problem))? {
            Kept::Move(row) => {
                names.learn(&fields);
                rows.push(row);
            }
            Kept::OtherActors => converted.other_actors += 1,
            Kept::UseOfForce => converted.use_of_force += 1,
        }
    }
    rows.sort_by(|a, b| (&a.day, a.id).cmp(&(&b.day, b.id)));
    let Some(first) = rows.first() else {
        let between = codes(&options.between);
        let problem = format!(
            "none of its {} rows is an event between {between}",
            converted.rows
        );
        return Err(Error::input(name, Invalid::new(problem)));
    };
    converted.lines.push(opening(options, &first.day, &names));
    converted.lines.extend(rows.into_iter().map(|row| row.line));
    Ok(converted)
}

/// Reads one line, at most a byte past the limit, into `buffer`; false at the end.
fn read_line(reader: &mut impl BufRead, buffer: &mut Vec<u8>) -> std::io::Result<bool> {
    buffer.clear();
    let limit = MAX_LINE_BYTES as u64 + 1;
    let read = reader.by_ref().take(limit).read_until(b'\n', buffer)?;
    if buffer.len() as u64 == limit && buffer.last() != Some(&b'\n') {
        reader.skip_until(b'\n')?;
    }
    Ok(read > 0)
}

enum Kept {
    Move(Row),
    OtherActors,
    UseOfForce,
}

/// Turns one row into a move, or says why it is left out.
fn row(fields: &[&str], options: &GdeltOptions) -> std::result::Result<Kept, Invalid> {
    if !(57..=58).contains(&fields.len()) {
        return Err(Invalid::new(format!(
            "a GDELT 1.0 row has 57 or 58 tab-separated columns; this one has {}",
            fields.len()
        )));
    }
    let party = |column: usize| {
        options
            .between
            .iter()
            .find(|code| code.as_str() == fields[column])
    };
    let (Some(by), Some(to)) = (party(column::ACTOR1_COUNTRY), party(column::ACTOR2_COUNTRY))
    else {
        return Ok(Kept::OtherActors);
    };
    if by == to {
        return Ok(Kept::OtherActors);
    }
    let code = fields[column::EVENT_CODE];
    let Some(cameo) = cameo_move(code) else {
        if is_use_of_force(code) {
            return Ok(Kept::UseOfForce);
        }
        return Err(Invalid::field(
            "eventcode",
            format!("{code:?} is not a CAMEO event code (two to four digits, root 01 to 20)"),
        ));
    };
    let day = day(fields[column::DAY])?;
    let id: u64 = number(fields[column::ID], "globaleventid")?;
    let mut line = Map::new();
    line.insert("kind".into(), json!(cameo.kind));
    line.insert("at".into(), json!(day));
    line.insert("by".into(), json!(by));
    line.insert("to".into(), json!([to]));
    line.insert("issue".into(), json!(RELATIONS_ISSUE));
    line.insert(
        "summary".into(),
        json!(summary(fields, cameo.meaning, code)),
    );
    line.insert("source".into(), json!(source(fields, id)));
    line.insert("gdelt".into(), gdelt_field(fields, id, code)?);
    Ok(Kept::Move(Row { day, id, line }))
}

/// `20250730` as the journal's `2025-07-30`.
fn day(text: &str) -> std::result::Result<String, Invalid> {
    chrono::NaiveDate::parse_from_str(text, "%Y%m%d")
        .map(|date| date.format("%Y-%m-%d").to_string())
        .map_err(|_| {
            Invalid::field(
                "day",
                format!("{text:?} is not a date of the form YYYYMMDD"),
            )
        })
}

fn number<T: std::str::FromStr>(text: &str, column: &str) -> std::result::Result<T, Invalid> {
    text.parse()
        .map_err(|_| Invalid::field(column, format!("{text:?} is not a number")))
}

/// The Goldstein score: a finite number (GDELT's scale runs from -10 to +10). `NaN` and
/// `inf` parse as numbers but would become `null` in the journal, so they are refused
/// with the column they stand in (counted from 1, as a spreadsheet shows it).
fn goldstein(text: &str) -> std::result::Result<f64, Invalid> {
    let value: f64 = number(text, "goldsteinscale")?;
    if value.is_finite() {
        return Ok(value);
    }
    Err(Invalid::field(
        "goldsteinscale",
        format!(
            "{text:?} in column {} is not a finite number; the Goldstein scale runs from -10 to +10",
            column::GOLDSTEIN + 1
        ),
    ))
}

/// "UNITED STATES → SOUTH KOREA: expressed intent to cooperate (CAMEO 036)".
fn summary(fields: &[&str], meaning: &str, code: &str) -> String {
    let actor = |name: usize, country: usize| match fields[name] {
        "" => fields[country].to_owned(),
        name => name.to_owned(),
    };
    format!(
        "{} → {}: {meaning} (CAMEO {code})",
        actor(column::ACTOR1_NAME, column::ACTOR1_COUNTRY),
        actor(column::ACTOR2_NAME, column::ACTOR2_COUNTRY)
    )
}

/// The article the event was coded from, where the row has one.
fn source(fields: &[&str], id: u64) -> String {
    match fields.get(column::SOURCE_URL) {
        Some(url) if !url.is_empty() => (*url).to_owned(),
        _ => format!("GDELT 1.0 event {id}"),
    }
}

/// What GDELT said of the event, kept beside the move.
fn gdelt_field(fields: &[&str], id: u64, code: &str) -> std::result::Result<Value, Invalid> {
    let goldstein = goldstein(fields[column::GOLDSTEIN])?;
    let quad: u8 = number(fields[column::QUAD_CLASS], "quadclass")?;
    let mentions: u64 = number(fields[column::MENTIONS], "nummentions")?;
    Ok(json!({
        "id": id,
        "cameo": code,
        "goldstein": goldstein,
        "quad_class": quad,
        "mentions": mentions,
    }))
}

/// The opening line: the chosen countries as parties, one issue.
fn opening(options: &GdeltOptions, first_day: &str, names: &CountryNames) -> Map<String, Value> {
    let parties: Vec<Value> = options
        .between
        .iter()
        .map(|code| json!({"code": code, "name": names.name(code.as_str())}))
        .collect();
    let between = codes(&options.between);
    let title = options
        .title
        .clone()
        .unwrap_or_else(|| format!("Events between {between}, from GDELT 1.0"));
    let mut line = Map::new();
    line.insert("kind".into(), json!(Kind::Opening));
    line.insert("negotiation".into(), json!(options.negotiation));
    line.insert("at".into(), json!(first_day));
    line.insert("title".into(), json!(title));
    line.insert("parties".into(), Value::Array(parties));
    line.insert(
        "issues".into(),
        json!([{"key": RELATIONS_ISSUE, "title": "Relations as a whole (GDELT codes no issues)"}]),
    );
    line.insert(
        "summary".into(),
        json!(format!("Events between {between} as coded by GDELT 1.0")),
    );
    line.insert(
        "source".into(),
        json!("The GDELT Project, GDELT 1.0 event data"),
    );
    line
}

fn codes(between: &[PartyCode]) -> String {
    let codes: Vec<&str> = between.iter().map(PartyCode::as_str).collect();
    codes.join(", ")
}

/// A country's name as GDELT spells it where an actor is the country itself.
#[derive(Default)]
struct CountryNames(BTreeMap<String, BTreeMap<String, usize>>);

impl CountryNames {
    fn learn(&mut self, fields: &[&str]) {
        for (code, name, country) in [
            (
                column::ACTOR1_CODE,
                column::ACTOR1_NAME,
                column::ACTOR1_COUNTRY,
            ),
            (
                column::ACTOR2_CODE,
                column::ACTOR2_NAME,
                column::ACTOR2_COUNTRY,
            ),
        ] {
            if fields[code] == fields[country] && !fields[name].is_empty() {
                let seen = self.0.entry(fields[country].to_owned()).or_default();
                *seen.entry(fields[name].to_owned()).or_default() += 1;
            }
        }
    }

    /// The most frequent spelling, or the code itself.
    fn name(&self, code: &str) -> String {
        self.0
            .get(code)
            .and_then(|seen| seen.iter().max_by_key(|(_, n)| **n))
            .map_or_else(|| code.to_owned(), |(name, _)| title_case(name))
    }
}

/// "UNITED STATES" as "United States".
fn title_case(name: &str) -> String {
    name.split(' ')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}
