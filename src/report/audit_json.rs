//! The audit as `audit --json` writes it (docs/cli.md): the audit's figures, with each
//! measure's name and reading, each flag's note and each rule in words
//! ([`audit_words`](super::audit_words)).
//!
//! The document is written straight from the audit through borrowed views, without a
//! `Value` tree: at a million events such a tree takes more time and memory than the
//! audit. Every object's keys are in alphabetical order, so each view lists its fields
//! that way.

use std::collections::BTreeMap;

use serde::Serialize;

use super::audit_words;
use crate::projection::audit::{
    AuditReport, ByMeasure, Code, Confidence, Counted, Figure, FlagKind, Measure, SideAudit,
    Verdict, WindowAudit,
};

/// The audit of a negotiation, as one JSON document.
#[derive(Serialize)]
pub struct AuditJson<'a> {
    negotiation: &'a str,
    sides: BTreeMap<&'a str, SideJson<'a>>,
}

impl<'a> AuditJson<'a> {
    /// The document of `report`.
    pub fn new(report: &'a AuditReport) -> AuditJson<'a> {
        AuditJson {
            negotiation: &report.negotiation,
            sides: report
                .sides
                .iter()
                .map(|(party, side)| (party.as_str(), SideJson::new(side)))
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct SideJson<'a> {
    confidence: Confidence,
    flags: Vec<FlagJson>,
    index: Option<f64>,
    left_out: &'a [Code],
    measures: ByMeasure<MeasureJson<'a>>,
    moves: usize,
    rules: Vec<String>,
    table_index: Option<f64>,
    verdict: Verdict,
    windows: &'a [WindowAudit],
}

impl<'a> SideJson<'a> {
    fn new(side: &'a SideAudit) -> SideJson<'a> {
        SideJson {
            confidence: side.confidence,
            flags: side
                .flags
                .iter()
                .map(|flag| FlagJson {
                    events: flag.events(),
                    flag: flag.kind(),
                    note: audit_words::note(flag),
                })
                .collect(),
            index: side.index,
            left_out: &side.left_out,
            measures: side.measures.map(MeasureJson::new),
            moves: side.moves,
            rules: side.rules.iter().map(audit_words::rule).collect(),
            table_index: side.table_index,
            verdict: side.verdict,
            windows: &side.windows,
        }
    }
}

#[derive(Serialize)]
struct FlagJson {
    events: Vec<u64>,
    flag: FlagKind,
    note: String,
}

#[derive(Serialize)]
struct MeasureJson<'a> {
    all: FigureJson<'a>,
    component: Option<f64>,
    name: &'static str,
    reading: String,
    table: FigureJson<'a>,
    value: Option<f64>,
}

impl<'a> MeasureJson<'a> {
    fn new(code: Code, m: &'a Measure) -> MeasureJson<'a> {
        MeasureJson {
            all: FigureJson::new(&m.all),
            component: m.component,
            name: audit_words::name(code),
            reading: audit_words::reading(code, &m.all),
            table: FigureJson::new(&m.table),
            value: m.value(),
        }
    }
}

#[derive(Serialize)]
struct FigureJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    cross_track: Option<f64>,
    denominator: f64,
    events: EventsJson<'a>,
    numerator: f64,
    value: Option<f64>,
}

impl<'a> FigureJson<'a> {
    fn new(f: &'a Figure) -> FigureJson<'a> {
        FigureJson {
            cross_track: f.cross_track,
            denominator: f.denominator,
            events: EventsJson(&f.events),
            numerator: f.numerator,
            value: f.value,
        }
    }
}

/// The events behind a figure, each as `role` (in words), `seq` and `weight`.
struct EventsJson<'a>(&'a [Counted]);

impl Serialize for EventsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct CountedJson {
            role: &'static str,
            seq: u64,
            weight: f64,
        }
        serializer.collect_seq(self.0.iter().map(|counted| CountedJson {
            role: audit_words::role(counted.role),
            seq: counted.seq,
            weight: counted.weight,
        }))
    }
}
