//! The posture section's data, read from the audit's public JSON (`audit --json`,
//! cli.md): verdict and index per side, the index per window, the measures and the flags.
//!
//! Reading is lenient on purpose: the report shows what the audit says and never fails
//! because a field is missing or has a shape this version does not know; such a field is
//! shown as "not given" or as compact JSON. It does not compute anything of its own.

use serde_json::Value;

/// The audit as the report shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Posture {
    /// One entry per side, in the order the audit lists them.
    pub sides: Vec<SidePosture>,
}

/// One side's posture.
#[derive(Clone, Debug, PartialEq)]
pub struct SidePosture {
    /// The party code.
    pub party: String,
    /// The whole-talks verdict, such as `drifted-defensive`.
    pub verdict: String,
    /// The whole-talks index in [-1, 1], when there is data.
    pub index: Option<f64>,
    /// The index per window.
    pub windows: Vec<Window>,
    /// Each measure's code and its value, in words.
    pub measures: Vec<(String, String)>,
    /// The rules that fired, with their events.
    pub flags: Vec<Flag>,
}

/// One time window of a side's moves.
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// The side's moves in it.
    pub moves: u64,
    /// Its index, when there is data.
    pub index: Option<f64>,
    /// Its verdict.
    pub verdict: String,
}

/// A flag with the seqs of its events.
#[derive(Clone, Debug, PartialEq)]
pub struct Flag {
    /// What fired.
    pub flag: String,
    /// The events behind it.
    pub events: Vec<u64>,
}

/// The measures' codes with their names (audit-method.md), in the method's order.
pub const MEASURES: [(&str, &str); 6] = [
    ("INI", "initiative share"),
    ("CB", "concession balance"),
    ("CUP", "concessions under pressure"),
    ("REC", "reciprocity"),
    ("PK", "packaging"),
    ("RV", "reversibility balance"),
];

impl Posture {
    /// Reads the `audit --json` shape; anything missing is shown as not given.
    pub fn from_json(audit: &Value) -> Posture {
        let sides = audit
            .get("sides")
            .and_then(Value::as_object)
            .map(|sides| {
                sides
                    .iter()
                    .map(|(party, side)| SidePosture::from_json(party, side))
                    .collect()
            })
            .unwrap_or_default();
        Posture { sides }
    }
}

impl SidePosture {
    fn from_json(party: &str, side: &Value) -> SidePosture {
        SidePosture {
            party: party.to_owned(),
            verdict: text(side.get("verdict")),
            index: side.get("index").and_then(Value::as_f64),
            windows: side
                .get("windows")
                .and_then(Value::as_array)
                .map(|ws| ws.iter().map(Window::from_json).collect())
                .unwrap_or_default(),
            measures: measures(side.get("measures")),
            flags: side
                .get("flags")
                .and_then(Value::as_array)
                .map(|fs| fs.iter().map(Flag::from_json).collect())
                .unwrap_or_default(),
        }
    }
}

impl Window {
    fn from_json(window: &Value) -> Window {
        Window {
            from: text(window.get("from")),
            to: text(window.get("to")),
            moves: window.get("moves").and_then(Value::as_u64).unwrap_or(0),
            index: window.get("index").and_then(Value::as_f64),
            verdict: text(window.get("verdict")),
        }
    }
}

impl Flag {
    fn from_json(flag: &Value) -> Flag {
        Flag {
            flag: text(flag.get("flag")),
            events: flag
                .get("events")
                .and_then(Value::as_array)
                .map(|es| es.iter().filter_map(Value::as_u64).collect())
                .unwrap_or_default(),
        }
    }
}

/// The known measures first, in the method's order, then any others the audit gives.
fn measures(value: Option<&Value>) -> Vec<(String, String)> {
    let Some(map) = value.and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = MEASURES
        .iter()
        .filter_map(|(code, _)| map.get(*code).map(|v| ((*code).to_owned(), describe(v))))
        .collect();
    for (code, v) in map {
        if !MEASURES.iter().any(|(known, _)| known == code) {
            out.push((code.clone(), describe(v)));
        }
    }
    out
}

/// A measure's value in words: a number to two decimals, `no data` for null, an object
/// as `field value` pairs.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "no data".into(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), fixed),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) => items.iter().map(describe).collect::<Vec<_>>().join(", "),
        Value::Object(fields) => headline_first(fields)
            .into_iter()
            .map(|(k, v)| match v {
                Value::Object(_) | Value::Array(_) => format!("{k}: {v}"),
                _ => format!("{k} {}", describe(v)),
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// An object's fields with the headline figure (`value`, `share`, `index`) first.
fn headline_first(fields: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut all: Vec<(&String, &Value)> = fields.iter().collect();
    all.sort_by_key(|(k, _)| !matches!(k.as_str(), "value" | "share" | "index"));
    all
}

fn fixed(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

fn text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "not given".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_audit_json_contract() {
        let audit = serde_json::json!({"negotiation": "t", "sides": {"KR": {
            "verdict": "drifted-defensive", "index": -0.3,
            "windows": [{"from": "2025-03-01", "to": "2025-04-01", "moves": 4, "index": 0.25, "verdict": "proactive"}],
            "measures": {"CB": {"value": 0.7, "moves": 3}, "INI": 0.5, "XX": null},
            "flags": [{"flag": "unreciprocated concession", "events": [4, 9]}]}}});
        let posture = Posture::from_json(&audit);
        let kr = &posture.sides[0];
        assert_eq!(kr.verdict, "drifted-defensive");
        assert_eq!(kr.windows[0].moves, 4);
        assert_eq!(kr.measures[0], ("INI".into(), "0.50".into()));
        assert_eq!(kr.measures[1], ("CB".into(), "value 0.70; moves 3".into()));
        assert_eq!(kr.measures[2], ("XX".into(), "no data".into()));
        assert_eq!(kr.flags[0].events, vec![4, 9]);
    }

    #[test]
    fn a_shape_it_does_not_know_is_shown_not_refused() {
        let posture = Posture::from_json(&serde_json::json!({"sides": {"US": {"index": "n/a"}}}));
        assert_eq!(posture.sides[0].verdict, "not given");
        assert_eq!(posture.sides[0].index, None);
    }
}
