//! The audit read from a log, with its memo: asked again for the same audit of a log at
//! the same head, the answer kept the first time is given back without replaying the
//! history ([`super::memo`] says when a memo is valid).
//!
//! [`audit()`] does it all with one log. A caller that must let go of the log while the
//! audit works (the command line lets writers in, then keeps the memo after printing)
//! runs the steps itself:
//!
//! ```text
//! begin(log, slug, request) ─► Begun::Kept(output)          the memo, at this head
//!                           └► Begun::Read(pending)         the events, read
//!                                 pending.compute()   ─► Audited (no log needed)
//!                                 audited.keep(log)          only at the same head
//! ```

use std::collections::HashMap;

use super::memo::{self, Request};
use crate::journal::recorded_events;
use crate::model::{PartyCode, Stored};
use crate::projection::audit::{AuditReport, Rubric, Verdict};
use crate::projection::{Entry, Timeline, ViewSpec};
use crate::report::audit_json::AuditJson;
use crate::report::audit_text::{self, EventLine};
use crate::store::{Log, StreamMeta};
use crate::{Error, Result};

/// How the audit is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuditForm {
    /// The text `parley audit` prints: a heading, then each side's figures.
    Text {
        /// The phrase naming the view in the heading ("now, every correction applied").
        described: String,
        /// List the events behind every figure, and every flag.
        explain: bool,
    },
    /// One JSON document (docs/cli.md).
    Json,
    /// A CSV table, a row per side and measure.
    Csv,
}

/// What an audit is asked for: the view, the rubric as applied, and the form.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditRequest {
    /// The view (`--as-of`, `--known-at`).
    pub spec: ViewSpec,
    /// The weights and thresholds, `--window` applied.
    pub rubric: Rubric,
    /// Text or JSON.
    pub form: AuditForm,
    /// Audit each side's dealings with this party alone (`--toward`).
    pub toward: Option<PartyCode>,
}

impl AuditRequest {
    /// What the output is a function of besides the log, as the memo's name.
    fn memo(&self) -> Result<Request> {
        let bound =
            |b: Option<i64>| b.map_or_else(|| b"\0none".to_vec(), |m| m.to_string().into_bytes());
        let rubric = serde_json::to_vec(&self.rubric).map_err(json_error)?;
        let (form, explain, described): (&[u8], &[u8], &[u8]) = match &self.form {
            AuditForm::Json => (b"json", b"brief", b""),
            AuditForm::Csv => (b"csv", b"brief", b""),
            AuditForm::Text { described, explain } => (
                b"text",
                if *explain { b"explain" } else { b"brief" },
                described.as_bytes(),
            ),
        };
        let (as_of, known_at) = (bound(self.spec.as_of), bound(self.spec.known_at));
        let mut parts: Vec<&[u8]> = vec![
            b"audit", form, explain, described, &as_of, &known_at, &rubric,
        ];
        // Only a dyadic view adds a part, so the names of the others stay as they were.
        let toward = self
            .toward
            .as_ref()
            .map(|p| format!("toward {p}").into_bytes());
        parts.extend(toward.as_deref());
        Ok(Request::new(&parts))
    }
}

/// An audit and whether its memo served it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditView {
    /// The output, as `parley audit` prints it.
    pub output: String,
    /// True when the memo kept at this head gave it.
    pub from_memo: bool,
}

/// The audit `request` of negotiation `slug` in `log`: its memo when there is one at
/// the log's head, else computed, then kept as the memo (in a log that keeps caches; a
/// failure to keep it costs the next audit time, never this one its answer).
pub fn audit(log: &dyn Log, slug: &str, request: &AuditRequest) -> Result<AuditView> {
    match begin(log, slug, request)? {
        Begun::Kept(output) => Ok(AuditView {
            output,
            from_memo: true,
        }),
        Begun::Read(pending) => {
            let audited = pending.compute()?;
            if audited.wants_keeping() {
                let _ = audited.keep(log);
            }
            Ok(AuditView {
                output: audited.output,
                from_memo: false,
            })
        }
    }
}

/// The first step of an audit: its memo, or the events to compute it from.
pub enum Begun {
    /// The output kept at the log's head.
    Kept(String),
    /// The events read; [`Pending::compute`] needs the log no more.
    Read(Box<Pending>),
}

/// Reads the memo of `request` on `slug`'s stream or, when there is none valid at its
/// head, the stream's events.
pub fn begin(log: &dyn Log, slug: &str, request: &AuditRequest) -> Result<Begun> {
    let meta = log.require(slug)?;
    let key = request.memo()?;
    if let Some(output) = memo::recall(log, &meta, &key).and_then(|b| String::from_utf8(b).ok()) {
        return Ok(Begun::Kept(output));
    }
    Ok(Begun::Read(Box::new(Pending {
        records: recorded_events(log, &meta)?,
        meta,
        key,
        keeps_caches: log.keeps_caches(),
        request: request.clone(),
    })))
}

/// An audit read from a log, to compute.
pub struct Pending {
    meta: StreamMeta,
    records: Vec<Stored>,
    key: Request,
    keeps_caches: bool,
    request: AuditRequest,
}

impl Pending {
    /// Builds the timeline, audits it and writes the output.
    pub fn compute(self) -> Result<Audited> {
        let timeline = Timeline::build(self.meta.slug.clone(), self.records, self.request.spec);
        let rubric = &self.request.rubric;
        let report = match &self.request.toward {
            Some(party) => {
                counterpart(&timeline, party)?;
                crate::projection::audit::audit_toward(&timeline, rubric, party)
            }
            None => crate::projection::audit::audit(&timeline, rubric),
        };
        let output = match &self.request.form {
            AuditForm::Json => json_text(&AuditJson::new(&report))?,
            AuditForm::Csv => crate::report::audit_csv::csv(&report),
            AuditForm::Text { described, explain } => text(&timeline, &report, described, *explain),
        };
        Ok(Audited {
            meta: self.meta,
            key: self.key,
            keeps_caches: self.keeps_caches,
            timeline,
            report,
            output,
        })
    }
}

/// A computed audit, with what it was computed from.
pub struct Audited {
    meta: StreamMeta,
    key: Request,
    keeps_caches: bool,
    /// The timeline audited.
    pub timeline: Timeline,
    /// The audit's figures.
    pub report: AuditReport,
    /// The output, as `parley audit` prints it.
    pub output: String,
}

impl Audited {
    /// Whether the log it was read from keeps caches, so that keeping the memo is worth
    /// opening it again for.
    pub fn wants_keeping(&self) -> bool {
        self.keeps_caches
    }

    /// Keeps the output as the memo of its request, if `log` keeps caches and its stream
    /// is still at the head the audit read; otherwise keeps nothing. A cache write: the
    /// caller may ignore its error.
    pub fn keep(&self, log: &dyn Log) -> Result<()> {
        let same_head = log
            .require(self.meta.slug.as_str())
            .is_ok_and(|now| now.head == self.meta.head);
        if !same_head {
            return Ok(());
        }
        memo::keep(log, &self.meta, &self.key, self.output.as_bytes())
    }
}

/// `value` as the command line prints a JSON document: pretty, with a final newline.
fn json_text(value: &impl serde::Serialize) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value).map_err(json_error)?;
    text.push('\n');
    Ok(text)
}

/// A document that does not serialize, reported as a failure to write it out.
fn json_error(e: serde_json::Error) -> Error {
    Error::io(std::path::Path::new("stdout"), e.into())
}

/// The audit in text: a heading naming the view, then each side's figures, every line
/// shown with its event.
fn text(timeline: &Timeline, report: &AuditReport, described: &str, explain: bool) -> String {
    // The lines shown need only their event, found by seq; reading every move again for
    // the audit's own lookups cost about a second at a million events.
    let by_seq: HashMap<u64, &Entry> = timeline.moves().map(|e| (e.seq(), e)).collect();
    let names = |code: &str| {
        timeline
            .agenda
            .parties
            .iter()
            .find(|p| p.code.as_str() == code)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let lookup = |seq: u64| {
        by_seq.get(&seq).map(|e| EventLine {
            at: e.event.at.to_string(),
            kind: e.event.kind.to_string(),
            summary: e.event.summary.clone().unwrap_or_default(),
        })
    };
    let verdicts: Vec<&str> = Verdict::ALL.iter().map(|v| v.as_str()).collect();
    let heading = format!(
        "{} — posture audit, {described}\nmethod: docs/audit-method.md; verdicts: {}\n\n",
        timeline.slug,
        verdicts.join(", ")
    );
    heading + &audit_text::render(report, &names, &lookup, explain)
}

/// Refuses a `--toward` party the negotiation does not have, naming the ones it has.
fn counterpart(timeline: &Timeline, party: &PartyCode) -> Result<()> {
    let codes: Vec<&str> = timeline
        .agenda
        .parties
        .iter()
        .map(|p| p.code.as_str())
        .collect();
    if codes.contains(&party.as_str()) {
        return Ok(());
    }
    let message = format!(
        "party {:?} is not in negotiation {} (parties: {})",
        party.as_str(),
        timeline.slug,
        codes.join(", ")
    );
    Err(Error::input(
        "--toward",
        crate::model::Invalid::new(message),
    ))
}
