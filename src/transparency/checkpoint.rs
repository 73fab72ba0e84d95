//! Checkpoints: the C2SP tlog-checkpoint note body that names a negotiation's tree head.
//!
//! ```text
//! parley/kr-us-2025
//! 42
//! 3Fq1Ly7cA2ZqVg0Bf0tUaC5r2hbL8Xo0nWJm5fQm0cE=
//! ```
//!
//! The origin line is `parley/` and the negotiation's slug: the same on every copy of
//! the same talks, so two delegations' checkpoints of one negotiation compare. Then the
//! tree size in decimal and the tree head in standard base64, each line ending in a
//! newline. A blank line and signature lines may follow (a C2SP signed note); reading a
//! checkpoint stops at the blank line.

use crate::merkle::{Hash, Tree};
use crate::model::{Invalid, Slug};
use crate::{Error, Result};

use super::{base64, hash_from_base64};

/// What every parley origin line begins with; the slug follows.
pub const ORIGIN_PREFIX: &str = "parley/";

/// A tree head of one negotiation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The negotiation.
    pub slug: Slug,
    /// The number of events (leaves).
    pub size: u64,
    /// The tree head.
    pub root: Hash,
}

impl Checkpoint {
    /// The checkpoint of the first `size` events of `tree` (at most its size).
    pub fn of(slug: &Slug, tree: &Tree, size: usize) -> Checkpoint {
        let size = size.min(tree.size());
        Checkpoint {
            slug: slug.clone(),
            size: size as u64,
            root: tree.root(size).unwrap_or_else(crate::merkle::empty_root),
        }
    }

    /// The origin line, without its newline.
    pub fn origin(&self) -> String {
        format!("{ORIGIN_PREFIX}{}", self.slug)
    }

    /// The note body: origin, size and head, one a line.
    pub fn render(&self) -> String {
        format!("{}\n{}\n{}\n", self.origin(), self.size, base64(&self.root))
    }

    /// Reads a checkpoint from `text`; errors name `file` and the line.
    pub fn parse(text: &str, file: &str) -> Result<Checkpoint> {
        let at = |line: usize, problem: String| {
            Error::input(format!("{file}:{line}"), Invalid::new(problem))
        };
        let mut lines = text.split('\n');
        let mut next = |line: usize, what: &str| {
            lines.next().filter(|l| !l.is_empty()).ok_or_else(|| {
                at(
                    line,
                    format!("a checkpoint's line {line} is its {what}; this one ends before it"),
                )
            })
        };
        let origin = next(1, "origin")?;
        let slug = origin
            .strip_prefix(ORIGIN_PREFIX)
            .and_then(|slug| Slug::parse(slug).ok())
            .ok_or_else(|| at(1, format!("the origin {origin:?} is not {ORIGIN_PREFIX}SLUG: this is not a parley checkpoint")))?;
        let size_text = next(2, "tree size")?;
        let size = parse_size(size_text).ok_or_else(|| {
            at(
                2,
                format!("the tree size {size_text:?} is not a whole number in decimal"),
            )
        })?;
        let root_text = next(3, "tree head")?;
        let root = hash_from_base64(root_text).ok_or_else(|| {
            at(
                3,
                format!("the tree head {root_text:?} is not 32 bytes in standard base64"),
            )
        })?;
        Ok(Checkpoint { slug, size, root })
    }
}

/// A decimal number with no sign and no leading zero (but `0` itself).
fn parse_size(text: &str) -> Option<u64> {
    let digits = text.bytes().all(|b| b.is_ascii_digit());
    let leading_zero = text.len() > 1 && text.starts_with('0');
    (digits && !leading_zero)
        .then(|| text.parse().ok())
        .flatten()
}
