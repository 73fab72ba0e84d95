//! Reading an [`Event`] out of a journal line's JSON object, field by field, so that every
//! error names the field and says what it should hold.
//!
//! Each field is read through its [`Field`], with the shape the schema gives it.
//!
//! This checks shape only (types, vocabularies, required fields, sizes). Whether the
//! parties, issues and references exist is for [`crate::model::rules`].

use std::collections::BTreeMap;

use serde_json::{Map, Value};

mod fast;

pub use fast::{FastLine, LineCache};

use super::schema::{Field, Shape};
use super::{
    Action, AgendaChange, Annotation, At, Body, Channel, Correction, Direction, Event, Invalid,
    IssueDef, IssueKey, Kind, Level, Move, Party, PartyCode, PartyRole, Reversibility, Slug,
};

/// The longest `summary` (and other one-line texts) in characters.
pub const MAX_SUMMARY_CHARS: usize = 2_000;

impl Event {
    /// Reads an authored event from a JSON object; envelope fields are ignored here.
    pub fn from_map(map: &Map<String, Value>) -> Result<Event, Invalid> {
        let fields = Fields(map);
        let kind = Kind::parse(fields.required_word(Field::Kind)?)?;
        let at = At::parse(fields.required_word(Field::At)?)
            .map_err(|e| e.in_field(Field::At.name()))?;
        let negotiation = fields
            .word(Field::Negotiation)?
            .map(|s| Slug::parse(s).map_err(|e| e.in_field(Field::Negotiation.name())))
            .transpose()?;
        let summary = fields.line(Field::Summary)?;
        if kind.is_move() && summary.is_none() {
            return Err(Invalid::field(
                Field::Summary.name(),
                format!(
                    "{} needs a summary: one line in your words",
                    kind.with_article()
                ),
            ));
        }
        let body = match kind {
            Kind::Opening | Kind::Agenda => Body::Agenda(agenda_change(&fields, kind)?),
            Kind::Correction => Body::Correction(correction(&fields)?),
            Kind::Annotation => Body::Annotation(annotation(&fields)?),
            _ => Body::Move(Box::new(party_move(&fields, kind)?)),
        };
        Ok(Event {
            kind,
            at,
            negotiation,
            summary,
            label: fields.line(Field::Ref)?,
            source: fields.text(Field::Source)?,
            body,
        })
    }
}

fn agenda_change(fields: &Fields, kind: Kind) -> Result<AgendaChange, Invalid> {
    let title = fields.line(Field::Title)?;
    if kind == Kind::Opening && title.is_none() {
        return Err(Invalid::field(
            Field::Title.name(),
            "an opening needs a title",
        ));
    }
    let parties = fields
        .list(Field::Parties)?
        .iter()
        .enumerate()
        .map(|(i, value)| party(value).map_err(|e| e.in_field(&format!("parties[{i}]"))))
        .collect::<Result<Vec<_>, _>>()?;
    let issues = fields
        .list(Field::AgendaIssues)?
        .iter()
        .enumerate()
        .map(|(i, value)| issue_def(value).map_err(|e| e.in_field(&format!("issues[{i}]"))))
        .collect::<Result<Vec<_>, _>>()?;
    if kind == Kind::Opening && parties.len() < 2 {
        return Err(Invalid::field(
            Field::Parties.name(),
            "an opening needs at least two parties, each {\"code\": \"KR\", \"name\": \"Republic of Korea\"}",
        ));
    }
    if kind == Kind::Agenda && parties.is_empty() && issues.is_empty() {
        return Err(Invalid::new(
            "an agenda event adds parties or issues; this one has neither",
        ));
    }
    Ok(AgendaChange {
        title,
        parties,
        issues,
    })
}

fn party(value: &Value) -> Result<Party, Invalid> {
    let fields = Fields(object(value, "a party {\"code\": ..., \"name\": ...}")?);
    Ok(Party {
        code: PartyCode::parse(fields.required_word(Field::Code)?)
            .map_err(|e| e.in_field(Field::Code.name()))?,
        name: fields
            .line(Field::Name)?
            .ok_or_else(|| Invalid::field(Field::Name.name(), "a party needs a name"))?,
        role: fields
            .word(Field::Role)?
            .map(PartyRole::parse)
            .transpose()?
            .unwrap_or_default(),
    })
}

fn issue_def(value: &Value) -> Result<IssueDef, Invalid> {
    let fields = Fields(object(value, "an issue {\"key\": ..., \"title\": ...}")?);
    let key = IssueKey::parse(fields.required_word(Field::Key)?)
        .map_err(|e| e.in_field(Field::Key.name()))?;
    let title = fields.line(Field::IssueTitle)?.ok_or_else(|| {
        Invalid::field(
            Field::IssueTitle.name(),
            format!("issue {key} needs a title"),
        )
    })?;
    let mut prefer = BTreeMap::new();
    if let Some(value) = fields.get(Field::Prefer) {
        let map = object(
            value,
            "an object such as {\"KR\": \"lower\", \"US\": \"higher\"}",
        )
        .map_err(|e| e.in_field(Field::Prefer.name()))?;
        for (code, direction) in map {
            let code = PartyCode::parse(code).map_err(|e| e.in_field(Field::Prefer.name()))?;
            let word = direction.as_str().ok_or_else(|| {
                Invalid::field(
                    Field::Prefer.name(),
                    "each direction is \"lower\" or \"higher\"",
                )
            })?;
            prefer.insert(code, Direction::parse(word)?);
        }
    }
    Ok(IssueDef {
        key,
        title,
        track: fields.line(Field::Track)?,
        unit: fields.line(Field::Unit)?,
        prefer,
    })
}

fn correction(fields: &Fields) -> Result<Correction, Invalid> {
    let target = fields.line(Field::CorrectionTarget)?.ok_or_else(|| {
        Invalid::field(
            Field::CorrectionTarget.name(),
            "a correction needs the ref or id of the event it corrects",
        )
    })?;
    let action = Action::parse(fields.required_word(Field::Action)?)?;
    let changes = match (action, fields.get(Field::Changes)) {
        (Action::Amend, Some(Value::Object(map))) if !map.is_empty() => map.clone(),
        (Action::Amend, _) => {
            return Err(Invalid::field(
                Field::Changes.name(),
                "an amend needs a non-empty object of the fields to replace, such as {\"position\": 20}",
            ));
        }
        (Action::Void, None) => Map::new(),
        (Action::Void, Some(_)) => {
            return Err(Invalid::field(
                Field::Changes.name(),
                "a void takes no changes",
            ));
        }
    };
    let reason = fields
        .line(Field::Reason)?
        .ok_or_else(|| Invalid::field(Field::Reason.name(), "a correction needs a reason"))?;
    Ok(Correction {
        target,
        action,
        changes,
        reason,
    })
}

fn annotation(fields: &Fields) -> Result<Annotation, Invalid> {
    Ok(Annotation {
        note: fields
            .text(Field::Note)?
            .ok_or_else(|| Invalid::field(Field::Note.name(), "an annotation needs a note"))?,
        target: fields.line(Field::Target)?,
        label: fields.line(Field::Label)?,
    })
}

fn party_move(fields: &Fields, kind: Kind) -> Result<Move, Invalid> {
    let by = fields.word(Field::By)?.ok_or_else(|| {
        Invalid::field(
            Field::By.name(),
            format!(
                "{} needs `by`: the code of the party that moved",
                kind.with_article()
            ),
        )
    })?;
    let by = PartyCode::parse(by).map_err(|e| e.in_field(Field::By.name()))?;
    let issues = issue_keys(fields)?;
    let positions = positions(fields, &issues)?;
    let (issues, positions) = Move::paired(issues, positions);
    if kind.needs_issue() && issues.is_empty() {
        return Err(Invalid::field(
            Field::Issue.name(),
            format!(
                "{} needs `issue` (a key) or `issues` (a list of keys) from the agenda",
                kind.with_article()
            ),
        ));
    }
    Ok(Move {
        by,
        to: fields
            .words(Field::To)?
            .iter()
            .map(|code| PartyCode::parse(code).map_err(|e| e.in_field(Field::To.name())))
            .collect::<Result<_, _>>()?,
        issues,
        positions,
        terms: fields.text(Field::Terms)?,
        channel: fields
            .word(Field::Channel)?
            .map(Channel::parse)
            .transpose()?
            .unwrap_or(Channel::Table),
        level: fields.word(Field::Level)?.map(Level::parse).transpose()?,
        speaker: fields.line(Field::Speaker)?,
        reversibility: fields
            .word(Field::Reversibility)?
            .map(Reversibility::parse)
            .transpose()?,
        responds_to: fields.line(Field::RespondsTo)?,
        conditional_on: fields.words(Field::ConditionalOn)?,
        package: fields.line(Field::Package)?,
        tags: fields.words(Field::Tags)?,
    })
}

fn issue_keys(fields: &Fields) -> Result<Vec<IssueKey>, Invalid> {
    let single = fields.word(Field::Issue)?;
    let many = fields.get(Field::Issues);
    if single.is_some() && many.is_some() {
        return Err(Invalid::field(
            Field::Issue.name(),
            "give either `issue` (one key) or `issues` (a list), not both",
        ));
    }
    let words = match single {
        Some(word) => vec![word.to_owned()],
        None => fields.words(Field::Issues)?,
    };
    let mut keys: Vec<IssueKey> = Vec::with_capacity(words.len());
    for word in words {
        let key = IssueKey::parse(&word).map_err(|e| e.in_field(Field::Issues.name()))?;
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Ok(keys)
}

fn positions(fields: &Fields, issues: &[IssueKey]) -> Result<Vec<(IssueKey, f64)>, Invalid> {
    let mut out = Vec::new();
    if let Some(value) = fields.get(Field::Position) {
        let number = finite(value).map_err(|e| e.in_field(Field::Position.name()))?;
        match issues {
            [issue] => out.push((issue.clone(), number)),
            _ => {
                return Err(Invalid::field(
                    Field::Position.name(),
                    "`position` needs exactly one `issue`; for several use `positions`: {\"tariff\": 15}",
                ));
            }
        }
    }
    if let Some(value) = fields.get(Field::Positions) {
        let map = object(
            value,
            "an object of issue key to number, such as {\"tariff\": 15}",
        )
        .map_err(|e| e.in_field(Field::Positions.name()))?;
        for (key, number) in map {
            let key = IssueKey::parse(key).map_err(|e| e.in_field(Field::Positions.name()))?;
            let number = finite(number).map_err(|e| e.in_field(&format!("positions.{key}")))?;
            if out.iter().any(|(k, _)| *k == key) {
                return Err(Invalid::field(
                    Field::Positions.name(),
                    format!("issue {key} is given in both `position` and `positions`"),
                ));
            }
            out.push((key, number));
        }
    }
    Ok(out)
}

fn finite(value: &Value) -> Result<f64, Invalid> {
    match value.as_f64() {
        Some(number) if number.is_finite() => Ok(number),
        _ => Err(Invalid::new(format!(
            "expected a finite number, found {}",
            describe(value)
        ))),
    }
}

fn object<'a>(value: &'a Value, what: &str) -> Result<&'a Map<String, Value>, Invalid> {
    value
        .as_object()
        .ok_or_else(|| Invalid::new(format!("expected {what}, found {}", describe(value))))
}

/// Names a JSON value's type for error messages, quoting short strings.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() <= 40 => format!("the text {s:?}"),
        Value::String(_) => "a long text".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Typed access to an object's fields, each failure naming its field. Each accessor
/// reads one [`Shape`]; reading a field with another shape than the schema lists is a
/// bug, caught in debug builds.
struct Fields<'a>(&'a Map<String, Value>);

impl<'a> Fields<'a> {
    /// The field's value as it is, for the shapes read by hand.
    fn get(&self, field: Field) -> Option<&'a Value> {
        debug_assert!(
            matches!(
                field.shape(),
                Shape::Number | Shape::Numbers | Shape::Object | Shape::Words
            ),
            "{field:?} is read as a value"
        );
        self.0.get(field.name())
    }

    fn string(&self, field: Field) -> Result<Option<&'a str>, Invalid> {
        match self.0.get(field.name()) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err(Invalid::field(
                field.name(),
                format!("expected text, found {}", describe(other)),
            )),
        }
    }

    /// A vocabulary word or a name, to be parsed further.
    fn word(&self, field: Field) -> Result<Option<&'a str>, Invalid> {
        debug_assert_eq!(field.shape(), Shape::Word, "{field:?}");
        self.string(field)
    }

    fn required_word(&self, field: Field) -> Result<&'a str, Invalid> {
        self.word(field)?.ok_or_else(|| {
            let what = match field {
                Field::Kind => format!(
                    "is required: one of {}",
                    Kind::ALL
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Field::At => {
                    "is required: when it happened, YYYY-MM-DD or an RFC 3339 date-time with offset"
                        .into()
                }
                _ => "is required".into(),
            };
            Invalid::field(field.name(), what)
        })
    }

    /// Free text: non-blank, at most the summary limit.
    fn text(&self, field: Field) -> Result<Option<String>, Invalid> {
        debug_assert!(
            matches!(field.shape(), Shape::Text | Shape::Line),
            "{field:?}"
        );
        let Some(text) = self.string(field)? else {
            return Ok(None);
        };
        if text.trim().is_empty() {
            return Err(Invalid::field(field.name(), "is empty"));
        }
        let chars = text.chars().count();
        if chars > MAX_SUMMARY_CHARS {
            return Err(Invalid::field(
                field.name(),
                format!("is {chars} characters long; at most {MAX_SUMMARY_CHARS} are allowed"),
            ));
        }
        Ok(Some(text.to_owned()))
    }

    /// One-line text: as [`Fields::text`], without line breaks or control characters.
    fn line(&self, field: Field) -> Result<Option<String>, Invalid> {
        debug_assert_eq!(field.shape(), Shape::Line, "{field:?}");
        let text = self.text(field)?;
        if let Some(text) = &text
            && text.chars().any(char::is_control)
        {
            return Err(Invalid::field(
                field.name(),
                "must be one line (no line breaks or control characters)",
            ));
        }
        Ok(text)
    }

    fn list(&self, field: Field) -> Result<&'a [Value], Invalid> {
        debug_assert!(
            matches!(field.shape(), Shape::Objects | Shape::Words),
            "{field:?}"
        );
        match self.0.get(field.name()) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(other) => Err(Invalid::field(
                field.name(),
                format!("expected a list, found {}", describe(other)),
            )),
        }
    }

    /// A text or a list of texts.
    fn words(&self, field: Field) -> Result<Vec<String>, Invalid> {
        debug_assert_eq!(field.shape(), Shape::Words, "{field:?}");
        if let Some(single) = self.0.get(field.name()).and_then(Value::as_str) {
            return Ok(vec![single.to_owned()]);
        }
        self.list(field)?
            .iter()
            .map(|item| match item {
                Value::String(s) if !s.trim().is_empty() => Ok(s.clone()),
                other => Err(Invalid::field(
                    field.name(),
                    format!("expected a list of texts, found {} in it", describe(other)),
                )),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(value: Value) -> Result<Event, Invalid> {
        Event::from_map(value.as_object().unwrap())
    }

    #[test]
    fn a_move_reads_its_issues_and_positions() {
        let event = parse(json!({"kind": "offer", "at": "2025-07-30", "by": "KR",
            "issue": "tariff", "position": 15, "summary": "Korea offers 15%"}))
        .unwrap();
        let m = event.as_move().unwrap();
        assert_eq!(m.by.as_str(), "KR");
        assert_eq!(
            m.positions,
            vec![(IssueKey::parse("tariff").unwrap(), 15.0)]
        );
        assert_eq!(m.channel, Channel::Table);
    }

    #[test]
    fn errors_name_the_field() {
        let err = parse(json!({"kind": "offer", "at": "2025-07-30", "by": "KR",
            "issue": "tariff", "summary": "x", "channel": "tv"}))
        .unwrap_err();
        assert_eq!(err.field_name(), Some("channel"));
        assert!(err.to_string().contains("table, public, back"), "{err}");
    }

    #[test]
    fn a_move_without_summary_is_refused() {
        let err = parse(json!({"kind": "threat", "at": "2025-03-04", "by": "US"})).unwrap_err();
        assert_eq!(err.field_name(), Some("summary"));
    }

    #[test]
    fn position_with_several_issues_is_ambiguous() {
        let err = parse(json!({"kind": "offer", "at": "2025-07-30", "by": "KR",
            "issues": ["tariff", "autos"], "position": 15, "summary": "x"}))
        .unwrap_err();
        assert_eq!(err.field_name(), Some("position"));
    }

    #[test]
    fn summaries_are_one_line_and_bounded() {
        let long = "x".repeat(MAX_SUMMARY_CHARS + 1);
        assert!(
            parse(json!({"kind": "statement", "at": "2025-03-04", "by": "US", "summary": long}))
                .is_err()
        );
        assert!(
            parse(json!({"kind": "statement", "at": "2025-03-04", "by": "US", "summary": "a\nb"}))
                .is_err()
        );
    }
}
