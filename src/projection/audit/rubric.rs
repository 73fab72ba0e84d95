//! The rubric: every weight, threshold and span of the posture audit, as data.
//!
//! The defaults below are the method of docs/audit-method.md. A reviewer who disagrees
//! with one writes a JSON file with just the keys to change and runs
//! `parley audit --rubric FILE`; `parley audit --print-rubric` shows the defaults.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::vocab::Code;
use crate::model::{Invalid, Reversibility};

/// The audit's parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rubric {
    /// Windows with equal numbers of the side's moves (used unless `window_days` is set).
    pub windows: usize,
    /// Calendar windows of this many days instead, counted from the side's first move.
    pub window_days: Option<u32>,
    /// A window with fewer moves than this says `too-few-moves`.
    pub min_moves: usize,
    /// Weight of a `channel: public` move (rhetoric is not substance).
    pub public_weight: f64,
    /// A window index at or above this is `proactive`.
    pub proactive_at: f64,
    /// A window index at or below this is `defensive`.
    pub defensive_at: f64,
    /// How far the index must fall (or rise) from first to last window for a drift (or turn).
    pub drift: f64,
    /// A concession within this many days after a counterpart threat or sanction on a
    /// shared issue counts as made under pressure.
    pub pressure_days: u32,
    /// A concession matched by a counterpart concession within this many days is reciprocated.
    pub reciprocity_days: u32,
    /// A public threat or offer with no table move on its issue within this many days is
    /// rhetoric without follow-up.
    pub follow_up_days: u32,
    /// Score of each reversibility level.
    pub reversibility: BTreeMap<String, f64>,
    /// Weight of each component in the index (INI, CB, CUP, REC, PK, RV).
    pub weights: BTreeMap<String, f64>,
}

impl Default for Rubric {
    fn default() -> Rubric {
        Rubric {
            windows: 3,
            window_days: None,
            min_moves: 3,
            public_weight: 0.5,
            proactive_at: 0.2,
            defensive_at: -0.2,
            drift: 0.4,
            pressure_days: 14,
            reciprocity_days: 30,
            follow_up_days: 60,
            reversibility: Reversibility::ALL
                .iter()
                .map(|r| (r.as_str().to_owned(), f64::from(r.score())))
                .collect(),
            weights: Code::ALL
                .iter()
                .map(|c| (c.as_str().to_owned(), 1.0))
                .collect(),
        }
    }
}

impl Rubric {
    /// Reads a rubric file's JSON: keys not given keep their defaults; unknown keys and
    /// out-of-range values are errors naming the key.
    pub fn from_json(text: &str) -> Result<Rubric, Invalid> {
        let mut rubric: Rubric = serde_json::from_str(text).map_err(|e| {
            // serde's words, without its own place (given first, the way people read it)
            // and with an unknown key named as such.
            let what = e.to_string();
            let what = what
                .rsplit_once(" at line ")
                .map_or(what.as_str(), |(w, _)| w);
            let what = match what
                .strip_prefix("unknown field `")
                .and_then(|r| r.split_once('`'))
            {
                Some((key, _)) => format!("unknown key {key:?}"),
                None => what.to_owned(),
            };
            Invalid::new(format!(
                "line {}, column {}: {what}; the keys are: windows, window_days, min_moves, \
                 public_weight, proactive_at, defensive_at, drift, pressure_days, \
                 reciprocity_days, follow_up_days, reversibility, weights",
                e.line(),
                e.column()
            ))
        })?;
        let defaults = Rubric::default();
        for (key, value) in defaults.reversibility {
            rubric.reversibility.entry(key).or_insert(value);
        }
        for (key, value) in defaults.weights {
            rubric.weights.entry(key).or_insert(value);
        }
        rubric.check()?;
        Ok(rubric)
    }

    fn check(&self) -> Result<(), Invalid> {
        for key in self.weights.keys() {
            if Code::parse(key).is_none() {
                let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
                return Err(Invalid::field(
                    "weights",
                    format!("{key:?} is not a measure (measures: {})", codes.join(", ")),
                ));
            }
        }
        for key in self.reversibility.keys() {
            Reversibility::parse(key)?;
        }
        if self.windows == 0 {
            return Err(Invalid::field("windows", "must be at least 1"));
        }
        if self.window_days == Some(0) {
            return Err(Invalid::field("window_days", "must be at least 1"));
        }
        if !(0.0..=1.0).contains(&self.public_weight) {
            return Err(Invalid::field("public_weight", "must be between 0 and 1"));
        }
        if self.defensive_at > self.proactive_at {
            return Err(Invalid::field(
                "defensive_at",
                "must not be above proactive_at",
            ));
        }
        if self
            .weights
            .values()
            .chain(self.reversibility.values())
            .any(|w| !w.is_finite() || *w < 0.0)
        {
            return Err(Invalid::field(
                "weights",
                "weights and scores must be finite and not negative",
            ));
        }
        Ok(())
    }

    /// The score of a reversibility level.
    pub fn score(&self, level: Reversibility) -> f64 {
        self.reversibility
            .get(level.as_str())
            .copied()
            .unwrap_or(f64::from(level.score()))
    }

    /// The weight of a component.
    pub fn weight(&self, code: Code) -> f64 {
        self.weights.get(code.as_str()).copied().unwrap_or(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_rubric_keeps_the_other_defaults() {
        let rubric = Rubric::from_json(r#"{"proactive_at": 0.3, "weights": {"RV": 2}}"#).unwrap();
        assert_eq!(rubric.proactive_at, 0.3);
        assert_eq!(rubric.windows, 3);
        assert_eq!(rubric.weight(Code::Rv), 2.0);
        assert_eq!(rubric.weight(Code::Ini), 1.0);
        assert_eq!(rubric.score(Reversibility::Sunk), 3.0);
    }

    #[test]
    fn unknown_keys_are_named() {
        let err = Rubric::from_json(r#"{"treshold": 1}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 1, column 11: unknown key \"treshold\"; the keys are: windows, window_days, \
             min_moves, public_weight, proactive_at, defensive_at, drift, pressure_days, \
             reciprocity_days, follow_up_days, reversibility, weights"
        );
        let err = Rubric::from_json(r#"{"weights": {"XX": 1}}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "weights: \"XX\" is not a measure (measures: INI, CB, CUP, REC, PK, RV)"
        );
        let err = Rubric::from_json(r#"{"reversibility": {"soft": 1}}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "reversibility: \"soft\" is not one of: pledge, executive, binding, sunk"
        );
    }
}
