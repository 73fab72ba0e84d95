//! Where a report comes from: the negotiation, the log's head (seq and hash) it was read
//! at, the view (`--as-of`, `--known-at`), the audit's rubric, the parley version and
//! when the page was made (`PARLEY_NOW` when set, through [`crate::clock`]).
//!
//! The page prints it twice: one line under the title and a table at the end, both
//! kept in print.

use std::fmt::Write;

use crate::projection::Timeline;

use super::html::escape;

/// The facts a reader needs to reproduce or date the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    /// The negotiation's slug.
    pub negotiation: String,
    /// The log's last event the page was read from: its seq and hash (hex).
    pub head: Option<(u64, String)>,
    /// `--as-of`, as given.
    pub as_of: Option<String>,
    /// `--known-at`, as given.
    pub known_at: Option<String>,
    /// The rubric: `default` or the file it was read from.
    pub rubric: String,
    /// The parley version that made the page.
    pub version: &'static str,
    /// When the page was made (RFC 3339, UTC), when known.
    pub generated: Option<String>,
}

impl Provenance {
    /// What the timeline itself tells: its negotiation and the last event in view
    /// (corrections included), default rubric, no generation time. The command
    /// replaces the head with the store's and adds the rest.
    pub fn of(timeline: &Timeline) -> Provenance {
        let head = timeline
            .entries
            .iter()
            .map(|e| (e.seq(), e.envelope.hash.to_hex()))
            .chain(
                timeline
                    .corrections
                    .iter()
                    .map(|c| (c.envelope.seq, c.envelope.hash.to_hex())),
            )
            .max_by_key(|(seq, _)| *seq);
        Provenance {
            negotiation: timeline.slug.to_string(),
            head,
            as_of: None,
            known_at: None,
            rubric: "default".into(),
            version: env!("CARGO_PKG_VERSION"),
            generated: None,
        }
    }

    /// The facts as (label, value) pairs, in the order the page lists them.
    pub fn facts(&self) -> Vec<(&'static str, String)> {
        let head = self.head.as_ref().map_or_else(
            || "empty log".to_owned(),
            |(seq, hash)| format!("seq {seq}, hash {hash}"),
        );
        vec![
            ("Negotiation", self.negotiation.clone()),
            ("Log head", head),
            (
                "--as-of",
                self.as_of
                    .clone()
                    .unwrap_or_else(|| "none (every date)".into()),
            ),
            (
                "--known-at",
                self.known_at
                    .clone()
                    .unwrap_or_else(|| "none (every correction recorded)".into()),
            ),
            ("Rubric", self.rubric.clone()),
            ("parley", self.version.to_owned()),
            (
                "Generated",
                self.generated
                    .clone()
                    .unwrap_or_else(|| "not recorded".into()),
            ),
        ]
    }

    /// One line for the page's header: head, view, rubric, version, time.
    pub fn line(&self) -> String {
        let head = self.head.as_ref().map_or_else(
            || "an empty log".to_owned(),
            |(seq, hash)| format!("log head #{seq} ({})", short(hash)),
        );
        let mut parts = vec![format!("From {head}")];
        if let Some(d) = &self.as_of {
            parts.push(format!("--as-of {d}"));
        }
        if let Some(k) = &self.known_at {
            parts.push(format!("--known-at {k}"));
        }
        parts.push(format!("rubric {}", self.rubric));
        parts.push(format!("parley {}", self.version));
        if let Some(g) = &self.generated {
            parts.push(format!("made {g}"));
        }
        parts.join(" · ")
    }
}

/// The first 12 hex digits of a hash, enough to tell logs apart at a glance.
fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// The provenance table for the page's end.
pub(super) fn provenance_table(out: &mut String, p: &Provenance) {
    out.push_str("<table class=\"provenance\"><caption>Provenance: the state of the log and the settings this page was made from</caption><tbody>");
    for (label, value) in p.facts() {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td><code>{}</code></td></tr>",
            escape(label),
            escape(&value)
        );
    }
    out.push_str("</tbody></table>");
}
