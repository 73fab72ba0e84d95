//! The vocabulary of a journal line as Rust types: an [`Event`] is what a record-keeper
//! authored (the envelope lives apart, in [`crate::model::Envelope`]).
//!
//! These types hold only shape-checked data; whether a party or issue exists in the
//! negotiation is checked by [`crate::model::rules`], which knows the agenda.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{
    Action, At, Channel, Direction, IssueKey, Kind, Level, PartyCode, PartyRole, Reversibility,
    Slug,
};

/// One authored event: a move by a party or a journal entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// What the event is.
    pub kind: Kind,
    /// When it happened in the world.
    pub at: At,
    /// The negotiation named on the line, if the line names one.
    pub negotiation: Option<Slug>,
    /// One line in the record-keeper's words.
    pub summary: Option<String>,
    /// The author's label (`ref`), used by `responds_to`, `target` and `conditional_on`.
    pub label: Option<String>,
    /// Where the record-keeper learned it.
    pub source: Option<String>,
    /// What only this kind carries.
    pub body: Body,
}

/// The part of an event that depends on its kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// A negotiation begins (`opening`) or its agenda grows (`agenda`).
    Agenda(AgendaChange),
    /// An earlier event is amended or voided.
    Correction(Correction),
    /// A reviewer's note.
    Annotation(Annotation),
    /// A move by a party. Boxed: nearly every event is a move, and a view moves its
    /// events several times while it sorts and filters them, so a small `Event` is
    /// cheaper to move than the allocation it costs.
    Move(Box<Move>),
}

/// A party at the table.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Party {
    /// Short code such as `KR`.
    pub code: PartyCode,
    /// Full name.
    pub name: String,
    /// Its part in the talks (`party` unless the opening says `mediator` or `observer`).
    #[serde(default, skip_serializing_if = "PartyRole::is_party")]
    pub role: PartyRole,
}

/// An issue on the agenda.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IssueDef {
    /// Short key such as `tariff`.
    pub key: IssueKey,
    /// What the issue is, in words.
    pub title: String,
    /// The policy area, used to tell bundled from siloed bargaining.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track: Option<String>,
    /// The unit positions are stated in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The direction each party wants the number to go.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prefer: BTreeMap<PartyCode, Direction>,
}

/// What an `opening` or `agenda` event adds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AgendaChange {
    /// The negotiation's title (opening only).
    pub title: Option<String>,
    /// Parties added.
    pub parties: Vec<Party>,
    /// Issues added.
    pub issues: Vec<IssueDef>,
}

/// An amendment or voiding of an earlier event.
#[derive(Clone, Debug, PartialEq)]
pub struct Correction {
    /// `ref` or `id` of the event corrected.
    pub target: String,
    /// Amend or void.
    pub action: Action,
    /// For `amend`: the fields to replace, as they would appear on the target's line.
    pub changes: Map<String, Value>,
    /// Why, in words: required, because a correction is evidence too.
    pub reason: String,
}

/// A reviewer's note, optionally about one event.
#[derive(Clone, Debug, PartialEq)]
pub struct Annotation {
    /// The note.
    pub note: String,
    /// `ref` or `id` of the event it is about.
    pub target: Option<String>,
    /// A short label such as `turning-point`.
    pub label: Option<String>,
}

/// A move made by a party.
#[derive(Clone, Debug, PartialEq)]
pub struct Move {
    /// The side that moved.
    pub by: PartyCode,
    /// The parties addressed; empty means every other party.
    pub to: Vec<PartyCode>,
    /// The issues the move is about (from `issue`, `issues` and the keys of `positions`),
    /// in the order the line gives them.
    pub issues: Vec<IssueKey>,
    /// Stated positions after the move, per issue, in the order of `issues` (see
    /// [`Move::paired`]).
    pub positions: Vec<(IssueKey, f64)>,
    /// The substance in words.
    pub terms: Option<String>,
    /// Where it was said; `table` when not given.
    pub channel: Channel,
    /// Rank of who moved.
    pub level: Option<Level>,
    /// Who spoke or signed.
    pub speaker: Option<String>,
    /// How hard what was offered, conceded or delivered is to undo.
    pub reversibility: Option<Reversibility>,
    /// `ref` or `id` of the event this move answers.
    pub responds_to: Option<String>,
    /// `ref`s, `id`s or issue keys this move depends on.
    pub conditional_on: Vec<String>,
    /// Label grouping moves offered as one package.
    pub package: Option<String>,
    /// Free tags.
    pub tags: Vec<String>,
}

impl Event {
    /// The move, if this event is one.
    pub fn as_move(&self) -> Option<&Move> {
        match &self.body {
            Body::Move(m) => Some(m),
            _ => None,
        }
    }

    /// The `ref`s and `id`s this event points at, with the field that names each.
    pub fn references(&self) -> Vec<(&'static str, &str)> {
        match &self.body {
            Body::Move(m) => m
                .responds_to
                .iter()
                .map(|r| ("responds_to", r.as_str()))
                .collect(),
            Body::Correction(c) => vec![("target", c.target.as_str())],
            Body::Annotation(a) => a.target.iter().map(|t| ("target", t.as_str())).collect(),
            Body::Agenda(_) => Vec::new(),
        }
    }
}

impl Move {
    /// A move's issues and positions as every reading of a line takes them: the keys of
    /// `positions` that `issue`/`issues` do not name join the issues (in the order they
    /// come), and the positions take the order of the issues, so that the issues and
    /// their numbers read in the same order wherever a move is shown.
    pub fn paired(
        mut issues: Vec<IssueKey>,
        mut positions: Vec<(IssueKey, f64)>,
    ) -> (Vec<IssueKey>, Vec<(IssueKey, f64)>) {
        for (key, _) in &positions {
            if !issues.contains(key) {
                issues.push(key.clone());
            }
        }
        positions.sort_by_key(|(key, _)| issues.iter().position(|i| i == key));
        (issues, positions)
    }

    /// Each issue of the move with the number it states on it, if any, in the order of
    /// the issues.
    pub fn stated(&self) -> impl Iterator<Item = (&IssueKey, Option<f64>)> {
        self.issues.iter().map(|key| (key, self.position_on(key)))
    }

    /// The stated position on `issue`, if the move states one.
    pub fn position_on(&self, issue: &IssueKey) -> Option<f64> {
        self.positions
            .iter()
            .find(|(key, _)| key == issue)
            .map(|(_, value)| *value)
    }
}
