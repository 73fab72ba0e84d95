//! The line form of a move: what a record-keeper types during a meeting, read into the
//! same authored fields a journal line holds.
//!
//! ```text
//! PARTY KIND [ISSUE[=NUMBER]]… "SUMMARY" [@WHEN] [WORD]… [KEY:VALUE]…
//! US conc rvc=82 "US lowers its RVC ask to 82%" @10:05 table working re:rvc-85
//! ```
//!
//! Names are matched against the negotiation's agenda: a party code in any case; a kind,
//! or a unique prefix of one, among the kinds of move; an issue key in any case, or a
//! unique prefix of one. What cannot be matched is refused with the allowed names and, for
//! a near miss, a "did you mean". The grammar is documented in docs/cli.md.
//!
//! This module reads a line; it does not validate the move as a whole (references, dates
//! in the future, numbers out of range): the write path does that for every event alike.

use chrono::{Duration, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use serde_json::{Map, Value};

use crate::model::{Agenda, Channel, Invalid, Kind, Level, Millis, Reversibility};

/// The keys a `KEY:VALUE` token takes, and the field each fills.
const KEYS: &[(&str, &str)] = &[
    ("ref", "ref"),
    ("re", "responds_to"),
    ("if", "conditional_on"),
    ("pkg", "package"),
    ("to", "to"),
    ("who", "speaker"),
    ("src", "source"),
    ("tag", "tags"),
    ("terms", "terms"),
];

/// Reads one line into an authored move (the fields of a journal line, without
/// `negotiation`), against `agenda`, with `now` as the clock for `@WHEN` and its default.
pub fn read_line(line: &str, agenda: &Agenda, now: Millis) -> Result<Map<String, Value>, Invalid> {
    let tokens = tokens(line)?;
    let mut tokens = tokens.into_iter();
    let usage = || {
        Invalid::new(
            "a line is PARTY KIND [ISSUE[=NUMBER]]… \"SUMMARY\" [@WHEN] [WORD]… [KEY:VALUE]…, \
             such as: US concession rvc=82 \"US lowers its ask\"",
        )
    };
    let (Some(party), Some(kind)) = (tokens.next(), tokens.next()) else {
        return Err(usage());
    };
    let mut map = Map::new();
    map.insert("by".into(), party_code(agenda, "by", &party.text)?.into());
    map.insert("kind".into(), move_kind(&kind.text)?.as_str().into());
    let mut issues: Vec<(String, Option<f64>)> = Vec::new();
    for token in tokens {
        if token.quoted {
            if map.contains_key("summary") {
                return Err(Invalid::new(format!(
                    "two summaries: {:?} and {:?}; a line has one \"SUMMARY\"",
                    map["summary"].as_str().unwrap_or_default(),
                    token.text
                )));
            }
            map.insert("summary".into(), token.text.into());
        } else if let Some(when) = token.text.strip_prefix('@') {
            map.insert("at".into(), at(when, now)?.into());
        } else if let Some((key, value)) = key_value(&token.text) {
            put_key(&mut map, key, value)?;
        } else if let Some((field, word)) = vocabulary_word(&token.text) {
            map.insert(field.into(), word.into());
        } else {
            issues.push(issue_token(agenda, &token.text)?);
        }
    }
    if !map.contains_key("summary") {
        return Err(Invalid::field(
            "summary",
            "missing: put the move in your words in quotes, such as \"Korea offers 15%\"",
        ));
    }
    if !map.contains_key("at") {
        map.insert("at".into(), crate::model::format_instant(now).into());
    }
    put_issues(&mut map, issues)?;
    resolve_names(&mut map, agenda)?;
    Ok(map)
}

/// One word of a line: its text, and whether it was quoted.
#[derive(Debug, PartialEq)]
struct Token {
    text: String,
    quoted: bool,
}

/// Splits a line at blanks; `"…"` or `'…'` holds blanks, alone (a summary) or after a
/// `KEY:` (a value).
fn tokens(line: &str) -> Result<Vec<Token>, Invalid> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut text = String::new();
        let mut quoted = false;
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            chars.next();
            if c == '"' || c == '\'' {
                quoted = text.is_empty();
                let mut closed = false;
                for inner in chars.by_ref() {
                    if inner == c {
                        closed = true;
                        break;
                    }
                    text.push(inner);
                }
                if !closed {
                    return Err(Invalid::new(format!("a quote {c} is not closed")));
                }
            } else {
                text.push(c);
            }
        }
        out.push(Token { text, quoted });
    }
    Ok(out)
}

/// The code of the party `text` names in any case; `field` is where it was given.
fn party_code(agenda: &Agenda, field: &str, text: &str) -> Result<String, Invalid> {
    let codes: Vec<&str> = agenda.parties.iter().map(|p| p.code.as_str()).collect();
    codes
        .iter()
        .find(|code| code.eq_ignore_ascii_case(text))
        .map(|code| (*code).to_owned())
        .ok_or_else(|| {
            Invalid::field(
                field,
                format!(
                    "{text:?} is not a party here{} (parties: {})",
                    did_you_mean(text, &codes),
                    codes.join(", ")
                ),
            )
        })
}

/// A kind of move, written whole or as a unique prefix, in any case.
pub fn move_kind(text: &str) -> Result<Kind, Invalid> {
    let words: Vec<&str> = Kind::moves().map(Kind::as_str).collect();
    let chosen = unique_match(text, &words).map_err(|why| {
        Invalid::field(
            "kind",
            format!(
                "{text:?} {why}{} (kinds: {})",
                did_you_mean(text, &words),
                words.join(", ")
            ),
        )
    })?;
    Kind::parse(chosen)
}

/// The one word of `words` that `text` names: itself (in any case), or the only word it
/// begins. `Err` says why not.
fn unique_match<'w>(text: &str, words: &[&'w str]) -> Result<&'w str, &'static str> {
    let lower = text.to_lowercase();
    if let Some(word) = words.iter().find(|w| w.to_lowercase() == lower) {
        return Ok(word);
    }
    let starting: Vec<&&str> = words
        .iter()
        .filter(|w| !lower.is_empty() && w.to_lowercase().starts_with(&lower))
        .collect();
    match starting.as_slice() {
        [one] => Ok(one),
        [] => Err("is not one"),
        _ => Err("is the start of several"),
    }
}

/// `, did you mean "X"?` for the closest of `words` when it is near `text`, else nothing.
pub fn did_you_mean(text: &str, words: &[&str]) -> String {
    let lower = text.to_lowercase();
    words
        .iter()
        .map(|w| (edit_distance(&lower, &w.to_lowercase()), *w))
        .filter(|(d, w)| *d <= (w.chars().count() / 3).max(1))
        .min()
        .map(|(_, w)| format!(", did you mean {w:?}?"))
        .unwrap_or_default()
}

/// The Levenshtein distance between two words, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The key of the issue `name` names, in any case or as a unique prefix; `field` is
/// where it was given, `also` more of what could have been meant, for the message.
fn issue_key<'a>(
    agenda: &'a Agenda,
    field: &str,
    name: &str,
    also: &str,
) -> Result<&'a str, Invalid> {
    let keys: Vec<&str> = agenda.issues.iter().map(|i| i.key.as_str()).collect();
    unique_match(name, &keys).map_err(|why| {
        Invalid::field(
            field,
            format!(
                "{name:?} {why} of the issues{} (issues: {}{also})",
                did_you_mean(name, &keys),
                keys.join(", "),
            ),
        )
    })
}

/// Writes the names a person typed in a move (`by`, `to`, `kind`, `issue`, `issues`, the
/// keys of `positions`) as the journal spells them: party codes and issue keys in any
/// case or, for issues and kinds, a unique prefix; refused with the allowed names and a
/// "did you mean" for a near miss. For `parley log`, whose flags a person types; a
/// journal file is read as written.
pub fn resolve_names(map: &mut Map<String, Value>, agenda: &Agenda) -> Result<(), Invalid> {
    if let Some(Value::String(kind)) = map.get_mut("kind") {
        *kind = move_kind(kind)?.as_str().to_owned();
    }
    if let Some(Value::String(by)) = map.get_mut("by") {
        *by = party_code(agenda, "by", by)?;
    }
    if let Some(Value::Array(to)) = map.get_mut("to") {
        for party in to.iter_mut() {
            if let Value::String(code) = party {
                *code = party_code(agenda, "to", code)?;
            }
        }
    }
    if let Some(Value::String(issue)) = map.get_mut("issue") {
        *issue = issue_key(agenda, "issue", issue, "")?.to_owned();
    }
    if let Some(Value::Array(issues)) = map.get_mut("issues") {
        for issue in issues.iter_mut() {
            if let Value::String(key) = issue {
                *key = issue_key(agenda, "issues", key, "")?.to_owned();
            }
        }
    }
    if let Some(Value::Object(positions)) = map.get_mut("positions") {
        let stated = std::mem::take(positions);
        for (key, number) in stated {
            positions.insert(issue_key(agenda, "positions", &key, "")?.to_owned(), number);
        }
    }
    Ok(())
}

/// `ISSUE` or `ISSUE=NUMBER`.
fn issue_token(agenda: &Agenda, text: &str) -> Result<(String, Option<f64>), Invalid> {
    let (name, number) = match text.split_once('=') {
        Some((name, number)) => (name, Some(number)),
        None => (text, None),
    };
    let words = format!("; words: {}", vocabulary_words().join(", "));
    let key = issue_key(agenda, "issue", name, &words)?;
    let number = number
        .map(|n| {
            n.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    Invalid::field(
                        "position",
                        format!("{n:?} for {key} is not a number, such as 15 or 12.5"),
                    )
                })
        })
        .transpose()?;
    Ok((key.to_owned(), number))
}

/// Writes the issues as a journal line holds them: `issue` and `position` for one,
/// `issues` and `positions` for several.
fn put_issues(
    map: &mut Map<String, Value>,
    issues: Vec<(String, Option<f64>)>,
) -> Result<(), Invalid> {
    match issues.as_slice() {
        [] => {}
        [(key, number)] => {
            map.insert("issue".into(), key.clone().into());
            if let Some(number) = number {
                map.insert("position".into(), typed_number(*number)?);
            }
        }
        many => {
            map.insert(
                "issues".into(),
                many.iter()
                    .map(|(key, _)| Value::from(key.clone()))
                    .collect(),
            );
            let mut positions = Map::new();
            for (key, number) in many {
                if let Some(number) = number {
                    positions.insert(key.clone(), typed_number(*number)?);
                }
            }
            if !positions.is_empty() {
                map.insert("positions".into(), Value::Object(positions));
            }
        }
    }
    Ok(())
}

/// The number as typed: `15` stays an integer in the journal, `12.5` a decimal.
pub fn typed_number(value: f64) -> Result<Value, Invalid> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: every integer below is exact
    if value.fract() == 0.0 && value.abs() < EXACT {
        return Ok(Value::from(value as i64));
    }
    serde_json::Number::from_f64(value)
        .map(Value::Number)
        .ok_or_else(|| Invalid::field("position", "expected a finite number"))
}

/// A channel, level or reversibility word, with the field it fills.
fn vocabulary_word(text: &str) -> Option<(&'static str, &'static str)> {
    let lower = text.to_lowercase();
    let find = |field: &'static str, words: Vec<&'static str>| {
        words.into_iter().find(|w| *w == lower).map(|w| (field, w))
    };
    find("channel", Channel::ALL.iter().map(|c| c.as_str()).collect())
        .or_else(|| find("level", Level::ALL.iter().map(|l| l.as_str()).collect()))
        .or_else(|| {
            find(
                "reversibility",
                Reversibility::ALL.iter().map(|r| r.as_str()).collect(),
            )
        })
}

fn vocabulary_words() -> Vec<&'static str> {
    let mut words: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
    words.extend(Level::ALL.iter().map(|l| l.as_str()));
    words.extend(Reversibility::ALL.iter().map(|r| r.as_str()));
    words
}

/// `KEY:VALUE` for one of [`KEYS`], or `None` when the token is no such pair.
fn key_value(text: &str) -> Option<(&'static str, &str)> {
    let (key, value) = text.split_once(':')?;
    KEYS.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, field)| (*field, value))
}

fn put_key(map: &mut Map<String, Value>, field: &str, value: &str) -> Result<(), Invalid> {
    if value.is_empty() {
        return Err(Invalid::field(
            field,
            "a KEY: needs a value after the colon",
        ));
    }
    match field {
        "conditional_on" | "to" | "tags" => {
            let list = map.entry(field).or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = list {
                let parts = value.split(',').map(str::trim).filter(|p| !p.is_empty());
                list.extend(parts.map(|p| Value::from(p.to_owned())));
            }
        }
        _ => {
            if map.contains_key(field) {
                return Err(Invalid::field(field, "given twice"));
            }
            map.insert(field.into(), value.into());
        }
    }
    Ok(())
}

/// `@WHEN`: a date, a date and time or a time (local time, `TZ` honoured), `today`,
/// `yesterday`.
fn at(when: &str, now: Millis) -> Result<String, Invalid> {
    when_text(when, now).map_err(|_| {
        Invalid::field(
            "at",
            format!(
                "@{when} is not a date or time (@2025-04-24, @2025-04-24T10:05, @10:05, \
                 @today, @yesterday)"
            ),
        )
    })
}

/// A date or time as a person types it, as the journal writes it: `2025-04-24` stays a
/// date; `2025-04-24T10:05` or `10:05` (today) in the local time zone (`TZ` honoured),
/// seconds optional, becomes an RFC 3339 date-time with its offset; `today` and
/// `yesterday` are dates; RFC 3339 passes as it is.
pub fn when_text(when: &str, now: Millis) -> Result<String, Invalid> {
    let today = Local
        .timestamp_millis_opt(now)
        .single()
        .map(|t| t.date_naive())
        .ok_or_else(|| Invalid::new("the clock is out of range"))?;
    let bad = || {
        Invalid::new(format!(
            "{when:?} is not a date or time (2025-04-24, 2025-04-24T10:05, 10:05, today, \
             yesterday, or RFC 3339)"
        ))
    };
    match when.to_lowercase().as_str() {
        "today" => return Ok(today.to_string()),
        "yesterday" => return Ok((today - Duration::days(1)).to_string()),
        _ => {}
    }
    if let Ok(date) = NaiveDate::parse_from_str(when, "%Y-%m-%d") {
        return Ok(date.to_string());
    }
    if chrono::DateTime::parse_from_rfc3339(when).is_ok() {
        return Ok(when.to_owned());
    }
    let local = NaiveDateTime::parse_from_str(when, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(when, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveTime::parse_from_str(when, "%H:%M").map(|t| today.and_time(t)))
        .map_err(|_| bad())?;
    let instant = Local
        .from_local_datetime(&local)
        .earliest()
        .ok_or_else(|| Invalid::new(format!("{when} does not exist in the local time zone")))?;
    Ok(instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_instant;
    use serde_json::json;

    fn agenda() -> Agenda {
        serde_json::from_value(json!({
            "title": "Talks",
            "parties": [{"code": "KR", "name": "Korea"}, {"code": "US", "name": "United States"}],
            "issues": [
                {"key": "tariff", "title": "Tariff", "unit": "%"},
                {"key": "investment", "title": "Investment"},
                {"key": "rvc", "title": "Regional value content"},
                {"key": "rules", "title": "Rules of origin"}
            ]
        }))
        .expect("an agenda")
    }

    fn read(line: &str) -> Result<Value, String> {
        let now = parse_instant("2025-04-24T12:00:00Z").expect("an instant");
        read_line(line, &agenda(), now)
            .map(Value::Object)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_package_with_numbers_names_issues_and_positions() {
        assert_eq!(
            read(
                r#"us conc TARIFF=15 inv=350 "Deal at 15%" @2025-07-30 public leader re:july-package to:kr pkg:july tag:a,b"#
            ),
            Ok(json!({
                "by": "US", "kind": "concession", "summary": "Deal at 15%", "at": "2025-07-30",
                "channel": "public", "level": "leader", "responds_to": "july-package",
                "to": ["KR"], "package": "july", "tags": ["a", "b"],
                "issues": ["tariff", "investment"], "positions": {"tariff": 15, "investment": 350}
            }))
        );
    }

    #[test]
    fn one_issue_takes_issue_and_position_and_the_clock_is_the_default_at() {
        assert_eq!(
            read(
                r#"KR off tariff=12.5 'Korea offers 12.5%' ref:k1 terms:"with a quota" if:a if:b,c who:Han src:Yonhap binding"#
            ),
            Ok(json!({
                "by": "KR", "kind": "offer", "summary": "Korea offers 12.5%",
                "at": "2025-04-24T12:00:00.000Z", "issue": "tariff", "position": 12.5,
                "ref": "k1", "terms": "with a quota", "conditional_on": ["a", "b", "c"],
                "speaker": "Han", "source": "Yonhap", "reversibility": "binding"
            }))
        );
    }

    #[test]
    fn names_that_do_not_match_are_refused_with_the_allowed_ones() {
        let cases = [
            (
                r#"JP offer "x""#,
                r#"by: "JP" is not a party here (parties: KR, US)"#,
            ),
            (
                r#"KR concesion "x""#,
                r#"kind: "concesion" is not one, did you mean "concession"? (kinds: offer, demand, concession, acceptance, rejection, rebuttal, threat, sanction, implementation, meeting, statement, linkage, retraction)"#,
            ),
            (
                r#"KR re "x""#,
                r#"kind: "re" is the start of several (kinds: offer, demand, concession, acceptance, rejection, rebuttal, threat, sanction, implementation, meeting, statement, linkage, retraction)"#,
            ),
            (
                r#"KR offer r "x""#,
                r#"issue: "r" is the start of several of the issues (issues: tariff, investment, rvc, rules; words: table, public, back, leader, minister, senior, working, pledge, executive, binding, sunk)"#,
            ),
            (
                r#"KR offer tarif=x "x""#,
                r#"position: "x" for tariff is not a number, such as 15 or 12.5"#,
            ),
            (
                r#"KR offer tariff"#,
                r#"summary: missing: put the move in your words in quotes, such as "Korea offers 15%""#,
            ),
            (
                r#"KR offer "x" "y""#,
                r#"two summaries: "x" and "y"; a line has one "SUMMARY""#,
            ),
            (r#"KR offer "x"#, "a quote \" is not closed"),
            (
                r#"KR offer "x" @noon"#,
                "at: @noon is not a date or time (@2025-04-24, @2025-04-24T10:05, @10:05, @today, @yesterday)",
            ),
        ];
        for (line, expected) in cases {
            assert_eq!(read(line), Err(expected.to_owned()), "{line}");
        }
    }

    #[test]
    fn times_read_in_the_local_zone() {
        // The clock is noon UTC: the same date in every zone from UTC-11 to UTC+11.
        let cases = [
            ("@today", "2025-04-24"),
            ("@yesterday", "2025-04-23"),
            ("@2025-04-24T10:05:30Z", "2025-04-24T10:05:30Z"),
        ];
        for (when, expected) in cases {
            let value = read(&format!(r#"KR offer "x" {when}"#)).expect("a move");
            assert_eq!(value["at"], json!(expected), "{when}");
        }
    }

    #[test]
    fn did_you_mean_only_near_misses() {
        assert_eq!(
            did_you_mean("concesion", &["concession", "offer"]),
            ", did you mean \"concession\"?"
        );
        assert_eq!(did_you_mean("xyz", &["concession", "offer"]), "");
    }
}
