//! The rules an event must meet in the context of its negotiation: parties and issues
//! on the agenda, references that resolve, labels that are unique, corrections that
//! leave a valid event behind.
//!
//! The [`Agenda`] is the context; it grows with `opening` and `agenda` events. Looking up
//! references is left to the caller through [`References`], so the same rules serve the
//! store, an import in progress and tests.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::schema::fields_of;
use super::{
    Action, AgendaChange, Body, ENVELOPE_FIELDS, Event, Invalid, IssueDef, IssueKey, Kind, Move,
    Party, PartyCode, Slug,
};

/// The parties and issues of a negotiation as of some point in its log.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agenda {
    /// The title from the opening.
    pub title: String,
    /// Parties in the order they were added.
    pub parties: Vec<Party>,
    /// Issues in the order they were added.
    pub issues: Vec<IssueDef>,
}

/// An earlier event that a reference resolved to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    /// Its position in the negotiation.
    pub seq: u64,
    /// Its kind.
    pub kind: Kind,
}

/// The id a reference names when it is not a ref: any text `uuid` reads as an id (the
/// hyphenated form the store writes, in either case, and the other forms `uuid`
/// accepts). A reference is tried as a ref first (exact, case and all), then as an id;
/// the write path ([`References`]) and every view (`projection::RefIndex`) resolve by
/// this one rule.
pub fn id_named(reference: &str) -> Option<uuid::Uuid> {
    uuid::Uuid::parse_str(reference).ok()
}

/// Resolves a `ref` label or an event `id` within one negotiation: a ref exactly as
/// written, else an id as [`id_named`] reads it.
pub trait References {
    /// The event `reference` names, if any.
    fn resolve(&self, reference: &str) -> Option<Target>;
}

impl Agenda {
    /// The party with `code`.
    pub fn party(&self, code: &PartyCode) -> Option<&Party> {
        self.parties.iter().find(|p| &p.code == code)
    }

    /// The issue with `key`.
    pub fn issue(&self, key: &IssueKey) -> Option<&IssueDef> {
        self.issues.iter().find(|i| &i.key == key)
    }

    /// Adds from `later` (the agenda as it came to be) the issues and parties a view's
    /// moves concern that this agenda lacks, in `later`'s order. A journal may date an
    /// agenda entry after a move on its issue (the move recorded afterwards, the entry
    /// dated when the issue was formally added); a view between the two dates must still
    /// show the move.
    pub fn take_late(
        &mut self,
        later: &Agenda,
        issue_moved: impl Fn(&IssueKey) -> bool,
        party_moved: impl Fn(&PartyCode) -> bool,
    ) {
        for def in &later.issues {
            if issue_moved(&def.key) && self.issue(&def.key).is_none() {
                self.issues.push(def.clone());
            }
        }
        for party in &later.parties {
            if party_moved(&party.code) && self.party(&party.code).is_none() {
                self.parties.push(party.clone());
            }
        }
    }

    /// Adds what an `opening` or `agenda` event brings, refusing repeats.
    pub fn apply(&mut self, change: &AgendaChange) -> Result<(), Invalid> {
        let mut next = self.clone();
        if let Some(title) = &change.title {
            next.title = title.clone();
        }
        for party in &change.parties {
            if next.party(&party.code).is_some() {
                return Err(Invalid::field(
                    "parties",
                    format!("party {} is already in the negotiation", party.code),
                ));
            }
            next.parties.push(party.clone());
        }
        for issue in &change.issues {
            if next.issue(&issue.key).is_some() {
                return Err(Invalid::field(
                    "issues",
                    format!("issue {} is already on the agenda", issue.key),
                ));
            }
            for code in issue.prefer.keys() {
                if next.party(code).is_none() {
                    return Err(Invalid::field(
                        "issues",
                        format!(
                            "issue {}: prefer names party {code}, which is not in the negotiation ({})",
                            issue.key,
                            next.party_list()
                        ),
                    ));
                }
            }
            next.issues.push(issue.clone());
        }
        *self = next;
        Ok(())
    }

    /// Checks that a move's parties and issues are in the negotiation `slug`.
    pub fn check_move(&self, slug: &Slug, m: &Move) -> Result<(), Invalid> {
        self.check_party("by", slug, &m.by)?;
        for code in &m.to {
            self.check_party("to", slug, code)?;
            if code == &m.by {
                return Err(Invalid::field(
                    "to",
                    format!("party {code} cannot address itself"),
                ));
            }
        }
        for key in &m.issues {
            if self.issue(key).is_none() {
                return Err(Invalid::field(
                    "issue",
                    format!(
                        "issue {:?} is not on the agenda of {slug} (issues: {}); add it with `parley agenda {slug} --issue ...`",
                        key.as_str(),
                        self.issue_list()
                    ),
                ));
            }
        }
        Ok(())
    }

    fn check_party(&self, field: &str, slug: &Slug, code: &PartyCode) -> Result<(), Invalid> {
        match self.party(code) {
            Some(_) => Ok(()),
            None => Err(Invalid::field(
                field,
                format!(
                    "party {:?} is not in negotiation {slug} (parties: {})",
                    code.as_str(),
                    self.party_list()
                ),
            )),
        }
    }

    /// The party codes, comma-separated, for messages.
    pub fn party_list(&self) -> String {
        join(self.parties.iter().map(|p| p.code.as_str()))
    }

    /// The issue keys, comma-separated, for messages.
    pub fn issue_list(&self) -> String {
        join(self.issues.iter().map(|i| i.key.as_str()))
    }
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let list: Vec<&str> = items.collect();
    if list.is_empty() {
        "none yet".into()
    } else {
        list.join(", ")
    }
}

/// Checks everything about `event` that depends on its negotiation, except the agenda
/// change itself (see [`Agenda::apply`]).
pub fn check_in_context(
    event: &Event,
    slug: &Slug,
    agenda: &Agenda,
    refs: &impl References,
) -> Result<(), Invalid> {
    if let Some(label) = &event.label
        && let Some(existing) = refs.resolve(label)
    {
        return Err(Invalid::field(
            "ref",
            format!(
                "ref {label:?} is already used by seq {} of {slug}; refs are unique within a negotiation",
                existing.seq
            ),
        ));
    }
    for (field, reference) in event.references() {
        let target = resolve(refs, field, reference, slug)?;
        check_target(event, field, target)?;
    }
    if let Body::Move(m) = &event.body {
        check_numbers(m)?;
        agenda.check_move(slug, m)?;
        for condition in &m.conditional_on {
            let is_issue = IssueKey::parse(condition).is_ok_and(|key| agenda.issue(&key).is_some());
            if !is_issue && refs.resolve(condition).is_none() {
                return Err(Invalid::field(
                    "conditional_on",
                    format!(
                        "{condition:?} is neither a ref or id of an earlier event in {slug} nor an issue on its agenda"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The largest size of a number a move holds: positions are finite and within
/// ±10^15, so every gap and sum a view derives from them stays finite and prints in
/// full.
pub const MAX_NUMBER: f64 = 1e15;

/// Checks that every number `m` holds is within [`MAX_NUMBER`] either way.
pub fn check_numbers(m: &Move) -> Result<(), Invalid> {
    let single = m.issues.len() == 1 && m.positions.len() == 1;
    for (key, value) in &m.positions {
        if value.is_finite() && value.abs() <= MAX_NUMBER {
            continue;
        }
        let field = if single {
            "position".to_owned()
        } else {
            format!("positions.{key}")
        };
        return Err(Invalid::field(
            &field,
            format!(
                "{value:e} is out of bounds: a number in the journal is finite and at most 10^15 (1,000,000,000,000,000) either way"
            ),
        ));
    }
    Ok(())
}

fn resolve(
    refs: &impl References,
    field: &str,
    reference: &str,
    slug: &Slug,
) -> Result<Target, Invalid> {
    refs.resolve(reference).ok_or_else(|| {
        Invalid::field(
            field,
            format!("{reference:?} is not the ref or id of an earlier event in {slug}"),
        )
    })
}

fn check_target(event: &Event, field: &str, target: Target) -> Result<(), Invalid> {
    let Body::Correction(correction) = &event.body else {
        return Ok(());
    };
    let allowed = match target.kind {
        Kind::Opening | Kind::Agenda => false,
        Kind::Correction => correction.action == Action::Void,
        _ => true,
    };
    if allowed {
        return Ok(());
    }
    Err(Invalid::field(
        field,
        match target.kind {
            Kind::Correction => format!(
                "seq {} is a correction; a correction can only be voided (to undo it), not amended",
                target.seq
            ),
            kind => format!(
                "seq {} is an {kind}; to change parties or issues, add them with `agenda`",
                target.seq
            ),
        },
    ))
}

/// Checks that `changes` names only fields an `amend` of a `target_kind` may set: the
/// fields that kind reads, except the envelope, `negotiation`, the `kind` of a journal
/// entry, and `ref` (other events point at it). A field the kind does not read would
/// change nothing and stay in the log as a correction that corrects nothing.
pub fn check_changes(target_kind: Kind, changes: &Map<String, Value>) -> Result<(), Invalid> {
    for field in changes.keys() {
        let forbidden = ENVELOPE_FIELDS.contains(&field.as_str())
            || field == "negotiation"
            || field == "ref"
            || (field == "kind" && !target_kind.is_move());
        if forbidden {
            return Err(Invalid::field(
                "changes",
                format!("{field:?} cannot be amended; void the event and log a new one instead"),
            ));
        }
        if !fields_of(target_kind).any(|known| known == field) {
            return Err(Invalid::field(
                "changes",
                format!(
                    "{field:?} is not a field of {}; an amend of it may set: {}",
                    target_kind.with_article(),
                    amendable(target_kind).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// The fields an amend of a `kind` may set, in the order the format lists them.
fn amendable(kind: Kind) -> impl Iterator<Item = &'static str> {
    fields_of(kind)
        .filter(move |f| !matches!(*f, "negotiation" | "ref") && (*f != "kind" || kind.is_move()))
}

/// One field an amendment changes: its value before and after (`None`: absent).
#[derive(Clone, Debug, PartialEq)]
pub struct FieldChange {
    /// The field.
    pub field: String,
    /// Its value in the target before the amendment.
    pub before: Option<Value>,
    /// Its value after; `None` when the amendment removes it.
    pub after: Option<Value>,
}

/// What `changes` does to `target`, field by field in the order of `changes`; a field
/// set to what it already held is left out. An object (`positions`) is compared key by
/// key, each changed key named `positions.KEY`, since an amend replaces it whole.
pub fn field_changes(
    target: &Map<String, Value>,
    changes: &Map<String, Value>,
) -> Vec<FieldChange> {
    let mut out = Vec::new();
    for (field, value) in changes {
        let before = target.get(field).filter(|v| !v.is_null());
        let after = Some(value).filter(|v| !v.is_null());
        match (before, after) {
            (Some(Value::Object(was)), Some(Value::Object(now))) => {
                let keys = was
                    .keys()
                    .chain(now.keys().filter(|k| !was.contains_key(*k)));
                for key in keys {
                    push_change(
                        &mut out,
                        format!("{field}.{key}"),
                        was.get(key),
                        now.get(key),
                    );
                }
            }
            _ => push_change(&mut out, field.clone(), before, after),
        }
    }
    out
}

fn push_change(
    out: &mut Vec<FieldChange>,
    field: String,
    before: Option<&Value>,
    after: Option<&Value>,
) {
    if before != after {
        out.push(FieldChange {
            field,
            before: before.cloned(),
            after: after.cloned(),
        });
    }
}

/// The target's object with `changes` applied: a field set to `null` is removed.
pub fn amended(target: &Map<String, Value>, changes: &Map<String, Value>) -> Map<String, Value> {
    let mut out = target.clone();
    for (field, value) in changes {
        if value.is_null() {
            out.remove(field);
        } else {
            out.insert(field.clone(), value.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Direction, Party};
    use std::collections::BTreeMap;

    fn agenda() -> Agenda {
        let mut agenda = Agenda::default();
        let party = |c: &str| Party {
            code: PartyCode::parse(c).unwrap(),
            name: c.into(),
            role: Default::default(),
        };
        agenda
            .apply(&AgendaChange {
                title: Some("t".into()),
                parties: vec![party("KR"), party("US")],
                issues: vec![IssueDef {
                    key: IssueKey::parse("tariff").unwrap(),
                    title: "Tariff".into(),
                    track: None,
                    unit: Some("%".into()),
                    prefer: BTreeMap::from([(PartyCode::parse("KR").unwrap(), Direction::Lower)]),
                }],
            })
            .unwrap();
        agenda
    }

    #[test]
    fn an_unknown_party_lists_the_parties() {
        let slug = Slug::parse("kr-us").unwrap();
        let event = Event::from_map(
            serde_json::json!({"kind": "offer", "at": "2025-03-04", "by": "JP", "issue": "tariff", "summary": "x"})
                .as_object()
                .unwrap(),
        )
        .unwrap();
        let err = agenda()
            .check_move(&slug, event.as_move().unwrap())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "by: party \"JP\" is not in negotiation kr-us (parties: KR, US)"
        );
    }

    #[test]
    fn an_issue_cannot_be_added_twice() {
        let mut agenda = agenda();
        let again = AgendaChange {
            issues: agenda.issues.clone(),
            ..Default::default()
        };
        assert!(agenda.apply(&again).is_err());
        assert_eq!(
            agenda.issues.len(),
            1,
            "a refused change leaves the agenda as it was"
        );
    }

    #[test]
    fn amend_cannot_touch_the_envelope() {
        let changes = serde_json::json!({"seq": 3});
        assert!(check_changes(Kind::Offer, changes.as_object().unwrap()).is_err());
        let changes = serde_json::json!({"kind": "demand", "position": null});
        assert!(check_changes(Kind::Offer, changes.as_object().unwrap()).is_ok());
    }

    #[test]
    fn amend_names_only_fields_of_the_target_kind() {
        let changes = serde_json::json!({"levl": "minister"});
        let err = check_changes(Kind::Offer, changes.as_object().unwrap()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "changes: \"levl\" is not a field of an offer; an amend of it may set: kind, at, summary, source, by, to, issue, issues, position, positions, terms, channel, level, speaker, reversibility, responds_to, conditional_on, package, tags"
        );
        let changes = serde_json::json!({"level": "minister"});
        let err = check_changes(Kind::Annotation, changes.as_object().unwrap()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "changes: \"level\" is not a field of an annotation; an amend of it may set: at, summary, source, note, target, label"
        );
    }
}
