//! Synthetic journals for benchmarks and property tests: realistic in shape, fixed by a
//! seed, any size from a handful of events to millions.
//!
//! A generated journal holds several negotiations of two to four parties, each with many
//! numeric issues and a `prefer` per party, and interleaves their lines the way a busy
//! record-keeper would: offers, demands and concessions that drift toward the other
//! side, packages over several issues, responses (`responds_to`) to earlier labelled
//! moves, moves on the public channel, late-recorded moves (an `at` earlier than lines
//! already written), agenda growth, annotations, and corrections that amend or void an
//! earlier move. Every line is in authored form and passes `parley import`.
//!
//! What it does not try to be: a model of real bargaining. The numbers wander; the shape
//! (kinds, fields, references, corrections) is what the store and the views care about.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use crate::splitmix::SplitMix64;

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SynthOptions {
    /// Event lines to write, openings included.
    pub events: u64,
    /// The seed: the same options always give the same bytes.
    pub seed: u64,
    /// How many negotiations the lines are spread over.
    pub negotiations: usize,
}

impl Default for SynthOptions {
    fn default() -> SynthOptions {
        SynthOptions {
            events: 1_000,
            seed: 7,
            negotiations: 3,
        }
    }
}

/// The first `at` of a generated journal; each line then advances the clock a few
/// minutes, so a million events end around 2010, safely before any recording time.
const START_MS: i64 = 978_307_200_000; // 2001-01-01T00:00:00Z

/// Writes the journal `options` describes to `out`, one line per event.
pub fn write_journal(options: &SynthOptions, out: &mut impl Write) -> io::Result<()> {
    for line in Synth::new(options) {
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The journal as one string (for tests and small benchmarks).
pub fn journal(options: &SynthOptions) -> String {
    let mut out = Vec::new();
    write_journal(options, &mut out).unwrap_or_default();
    String::from_utf8(out).unwrap_or_default()
}

/// The synthetic journals' random choices, from a fixed seed.
#[derive(Clone, Debug)]
struct Rng(SplitMix64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(SplitMix64::new(seed))
    }

    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A number in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// One issue of a generated negotiation.
struct Issue {
    key: String,
    /// Per party: wants the number higher?
    higher: Vec<bool>,
    /// Per party: its latest stated number.
    position: Vec<Option<f64>>,
}

/// A labelled move that later lines may answer or correct.
#[derive(Clone)]
struct Labelled {
    label: String,
    party: usize,
    /// Set when the move states one position on one issue, so `position` can be amended.
    single_issue: bool,
}

/// One negotiation being generated.
struct Negotiation {
    slug: String,
    parties: Vec<String>,
    issues: Vec<Issue>,
    opened_at: i64,
    recent: Vec<Labelled>,
    next_label: u64,
    next_package: u64,
}

const PARTY_CODES: [&str; 8] = ["KR", "US", "JP", "EU", "CN", "IN", "BR", "UK"];
const TRACKS: [&str; 5] = ["trade", "security", "energy", "industry", "technology"];
const UNITS: [&str; 4] = ["%", "USD bn", "units", "years"];
const LEVELS: [&str; 4] = ["leader", "minister", "senior", "working"];
const REVERSIBILITY: [&str; 4] = ["pledge", "executive", "binding", "sunk"];
/// Move kinds with their weights out of 100.
const MOVES: [(&str, u64); 13] = [
    ("offer", 24),
    ("demand", 12),
    ("concession", 15),
    ("acceptance", 4),
    ("rejection", 8),
    ("rebuttal", 4),
    ("threat", 5),
    ("sanction", 2),
    ("implementation", 3),
    ("meeting", 8),
    ("statement", 10),
    ("linkage", 3),
    ("retraction", 2),
];
/// How many recent labelled moves each negotiation remembers for answers and corrections.
const RECENT: usize = 64;

/// The line iterator behind [`write_journal`].
struct Synth {
    rng: Rng,
    remaining: u64,
    clock: i64,
    negotiations: Vec<Negotiation>,
    opened: usize,
}

impl Synth {
    fn new(options: &SynthOptions) -> Synth {
        let mut rng = Rng::new(options.seed);
        let count = options.negotiations.clamp(1, 64);
        let negotiations = (0..count)
            .map(|i| Negotiation::new(&mut rng, i, options.seed))
            .collect();
        Synth {
            rng,
            remaining: options.events,
            clock: START_MS,
            negotiations,
            opened: 0,
        }
    }

    fn line(&mut self) -> Map<String, Value> {
        self.clock += 60_000 * (1 + self.rng.below(10) as i64);
        if self.opened < self.negotiations.len() {
            let n = &mut self.negotiations[self.opened];
            self.opened += 1;
            n.opened_at = self.clock;
            return n.opening(self.clock);
        }
        let index = self.rng.below(self.negotiations.len() as u64) as usize;
        let clock = self.clock;
        let n = &mut self.negotiations[index];
        let roll = self.rng.below(1000);
        match roll {
            0..=1 if n.issues.len() < 60 => n.agenda(&mut self.rng, clock),
            0..=14 if !n.recent.is_empty() => n.correction(&mut self.rng, clock),
            15..=24 => n.annotation(&mut self.rng, clock),
            _ => n.party_move(&mut self.rng, clock),
        }
    }
}

impl Iterator for Synth {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let map = self.line();
        Some(Value::Object(map).to_string())
    }
}

impl Negotiation {
    fn new(rng: &mut Rng, index: usize, seed: u64) -> Negotiation {
        let party_count = 2 + rng.below(3) as usize;
        let first = rng.below(PARTY_CODES.len() as u64) as usize;
        let parties: Vec<String> = (0..party_count)
            .map(|i| PARTY_CODES[(first + i) % PARTY_CODES.len()].to_owned())
            .collect();
        let mut n = Negotiation {
            slug: format!("synth-{seed}-{index}"),
            parties,
            issues: Vec::new(),
            opened_at: START_MS,
            recent: Vec::new(),
            next_label: 0,
            next_package: 0,
        };
        let issue_count = 8 + rng.below(17) as usize;
        for _ in 0..issue_count {
            n.new_issue(rng);
        }
        n
    }

    /// Adds an issue with opposed preferences: the first party wants it one way, every
    /// other party the other way, so every side's movement has a direction.
    fn new_issue(&mut self, rng: &mut Rng) -> usize {
        let first_higher = rng.chance(50);
        let higher = (0..self.parties.len())
            .map(|i| (i == 0) == first_higher)
            .collect();
        self.issues.push(Issue {
            key: format!("issue-{:02}", self.issues.len() + 1),
            higher,
            position: vec![None; self.parties.len()],
        });
        self.issues.len() - 1
    }

    fn issue_json(&self, index: usize, rng: &mut Rng) -> Value {
        let issue = &self.issues[index];
        let prefer: Map<String, Value> = self
            .parties
            .iter()
            .zip(&issue.higher)
            .map(|(p, h)| (p.clone(), json!(if *h { "higher" } else { "lower" })))
            .collect();
        json!({
            "key": issue.key,
            "title": format!("Synthetic issue {}", index + 1),
            "track": rng.pick(&TRACKS),
            "unit": rng.pick(&UNITS),
            "prefer": prefer,
        })
    }

    fn opening(&mut self, clock: i64) -> Map<String, Value> {
        let mut rng = Rng::new(clock as u64 ^ self.issues.len() as u64);
        let parties: Vec<Value> = self
            .parties
            .iter()
            .map(|p| json!({"code": p, "name": format!("Party {p}")}))
            .collect();
        let issues: Vec<Value> = (0..self.issues.len())
            .map(|i| self.issue_json(i, &mut rng))
            .collect();
        let mut map = self.base("opening", clock);
        map.insert(
            "title".into(),
            json!(format!("Synthetic talks {}", self.slug)),
        );
        map.insert("parties".into(), Value::Array(parties));
        map.insert("issues".into(), Value::Array(issues));
        map.insert("summary".into(), json!("Talks open"));
        map
    }

    fn agenda(&mut self, rng: &mut Rng, clock: i64) -> Map<String, Value> {
        let index = self.new_issue(rng);
        let mut map = self.base("agenda", clock);
        map.insert(
            "issues".into(),
            Value::Array(vec![self.issue_json(index, rng)]),
        );
        map.insert("summary".into(), json!("A new issue joins the agenda"));
        map
    }

    fn base(&self, kind: &str, at: i64) -> Map<String, Value> {
        let mut map = Map::new();
        map.insert("kind".into(), json!(kind));
        map.insert("negotiation".into(), json!(self.slug));
        map.insert("at".into(), json!(format_at(at)));
        map
    }

    fn party_move(&mut self, rng: &mut Rng, clock: i64) -> Map<String, Value> {
        let kind = weighted_kind(rng);
        let party = rng.below(self.parties.len() as u64) as usize;
        // A few moves are recorded late: they happened days or weeks before the line.
        let at = if rng.chance(3) {
            (clock - 86_400_000 * (1 + rng.below(45) as i64)).max(self.opened_at)
        } else {
            clock
        };
        let mut map = self.base(kind, at);
        let by = self.parties[party].clone();
        map.insert("by".into(), json!(by));
        let needs_issue = matches!(
            kind,
            "offer"
                | "demand"
                | "concession"
                | "acceptance"
                | "rejection"
                | "linkage"
                | "retraction"
        );
        let numeric = matches!(kind, "offer" | "demand" | "concession");
        let mut single_issue = false;
        let summary;
        if matches!(kind, "offer" | "linkage") && rng.chance(15) {
            let package = self.package(rng, party, &mut map);
            summary = format!("{by} offers package {package}");
        } else if needs_issue || rng.chance(40) {
            let issue = rng.below(self.issues.len() as u64) as usize;
            map.insert("issue".into(), json!(self.issues[issue].key));
            if numeric || (kind == "acceptance" && rng.chance(50)) {
                let value = self.step(rng, issue, party, kind);
                map.insert("position".into(), number(value));
                single_issue = true;
                summary = format!("{by} {kind}: {} at {value}", self.issues[issue].key);
            } else {
                summary = format!("{by} {kind} on {}", self.issues[issue].key);
            }
        } else {
            summary = format!("{by} {kind}");
        }
        map.insert("summary".into(), json!(summary));
        self.decorate(rng, kind, party, &mut map);
        if rng.chance(45) {
            let label = format!("m{}", self.next_label);
            self.next_label += 1;
            map.insert("ref".into(), json!(label));
            if self.recent.len() == RECENT {
                self.recent.remove(0);
            }
            self.recent.push(Labelled {
                label,
                party,
                single_issue,
            });
        }
        map
    }

    /// Optional fields: channel, level, speaker, reversibility, answers, conditions.
    fn decorate(&mut self, rng: &mut Rng, kind: &str, party: usize, map: &mut Map<String, Value>) {
        let channel = match rng.below(100) {
            0..=11 => Some("public"),
            12..=14 => Some("back"),
            _ => None,
        };
        if let Some(channel) = channel {
            map.insert("channel".into(), json!(channel));
        }
        if rng.chance(60) {
            map.insert("level".into(), json!(rng.pick(&LEVELS)));
        }
        if rng.chance(20) {
            map.insert("speaker".into(), json!(format!("Envoy {}", rng.below(40))));
        }
        if matches!(kind, "offer" | "concession" | "implementation") && rng.chance(50) {
            map.insert("reversibility".into(), json!(rng.pick(&REVERSIBILITY)));
        }
        if rng.chance(35) {
            let others: Vec<&Labelled> = self.recent.iter().filter(|l| l.party != party).collect();
            if let Some(target) = others.last() {
                map.insert("responds_to".into(), json!(target.label));
            }
        }
        if rng.chance(4) {
            let issue = rng.below(self.issues.len() as u64) as usize;
            map.insert("conditional_on".into(), json!([self.issues[issue].key]));
        }
        if rng.chance(5) {
            map.insert("source".into(), json!("https://example.org/press"));
        }
    }

    /// Fills a package offer over two to four issues; returns its label.
    fn package(&mut self, rng: &mut Rng, party: usize, map: &mut Map<String, Value>) -> String {
        let size = 2 + rng.below(3) as usize;
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < size.min(self.issues.len()) {
            let issue = rng.below(self.issues.len() as u64) as usize;
            if !chosen.contains(&issue) {
                chosen.push(issue);
            }
        }
        let mut positions = Map::new();
        for issue in chosen {
            let value = self.step(rng, issue, party, "offer");
            positions.insert(self.issues[issue].key.clone(), number(value));
        }
        map.insert("positions".into(), Value::Object(positions));
        let label = format!("pkg-{}", self.next_package);
        self.next_package += 1;
        map.insert("package".into(), json!(label));
        label
    }

    /// The party's next number on an issue: a first stance far on its own side, then
    /// small steps, mostly toward the other side (concessions always are).
    fn step(&mut self, rng: &mut Rng, issue: usize, party: usize, kind: &str) -> f64 {
        let state = &mut self.issues[issue];
        let higher = state.higher[party];
        let current = state.position[party].unwrap_or(if higher { 80.0 } else { 20.0 });
        let size = (1 + rng.below(8)) as f64 * 0.5;
        let toward = kind == "concession" || rng.chance(65);
        // Toward the other side means against the party's own preference.
        let up = toward != higher;
        let next = if up { current + size } else { current - size };
        let next = next.clamp(0.0, 100.0);
        state.position[party] = Some(next);
        next
    }

    fn correction(&mut self, rng: &mut Rng, clock: i64) -> Map<String, Value> {
        let index = rng.below(self.recent.len() as u64) as usize;
        let target = self.recent[index].clone();
        let mut map = self.base("correction", clock);
        map.insert("target".into(), json!(target.label));
        if rng.chance(25) {
            map.insert("action".into(), json!("void"));
            map.insert(
                "reason".into(),
                json!("The move was reported in error and did not happen"),
            );
            // A voided move is not corrected again.
            self.recent.remove(index);
        } else {
            let changes = if target.single_issue && rng.chance(70) {
                json!({"position": number((rng.below(200) as f64) * 0.5)})
            } else {
                json!({"summary": format!("Corrected account of {}", target.label)})
            };
            map.insert("action".into(), json!("amend"));
            map.insert("changes".into(), changes);
            map.insert(
                "reason".into(),
                json!("The first report had the figure wrong"),
            );
        }
        map
    }

    fn annotation(&mut self, rng: &mut Rng, clock: i64) -> Map<String, Value> {
        let mut map = self.base("annotation", clock);
        map.insert("note".into(), json!("A reviewer's note on the exchange"));
        if let Some(target) = self.recent.last() {
            map.insert("target".into(), json!(target.label));
        }
        if rng.chance(20) {
            map.insert("label".into(), json!("turning-point"));
        }
        map
    }
}

fn weighted_kind(rng: &mut Rng) -> &'static str {
    let mut roll = rng.below(100);
    for (kind, weight) in MOVES {
        if roll < weight {
            return kind;
        }
        roll -= weight;
    }
    "statement"
}

/// A whole number as an integer, a half as a decimal: the way a person would write them.
fn number(value: f64) -> Value {
    if value.fract() == 0.0 {
        json!(value as i64)
    } else {
        json!(value)
    }
}

fn format_at(millis: i64) -> String {
    chrono::DateTime::from_timestamp_millis(millis)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_journal() {
        let options = SynthOptions {
            events: 500,
            ..SynthOptions::default()
        };
        assert_eq!(journal(&options), journal(&options));
        let other = SynthOptions { seed: 8, ..options };
        assert_ne!(journal(&options), journal(&other));
        assert_eq!(journal(&options).lines().count(), 500);
    }
}
