//! git's `allowed_signers` file (ssh-keygen(1), ALLOWED SIGNERS): one key a line,
//! `PRINCIPALS [OPTIONS] KEYTYPE BASE64 [COMMENT]`, `#` comments and blank lines ignored.
//!
//! Principals are comma-separated names or patterns with `*` and `?`. Of the options,
//! `namespaces="…"` (the key may sign only in these; `parley` must be one) and
//! `valid-after=` / `valid-before=` (`YYYYMMDD[HHMM[SS]]`, read as UTC, with or without a
//! trailing `Z`) are honoured against an event's `recorded_at`; a `cert-authority` line is
//! refused, since parley does not check certificates.

use ssh_key::PublicKey;
use ssh_key::public::KeyData;

use crate::model::{Invalid, Millis};
use crate::{Error, Result};

use super::NAMESPACE;

/// The keys an `allowed_signers` file lets sign, and as whom.
#[derive(Clone, Debug, Default)]
pub struct AllowedSigners {
    entries: Vec<Entry>,
}

#[derive(Clone, Debug)]
struct Entry {
    principals: Vec<String>,
    key: KeyData,
    namespaces: Option<Vec<String>>,
    valid_after: Option<Millis>,
    valid_before: Option<Millis>,
}

impl AllowedSigners {
    /// Reads the file's text; errors name `file` and the line.
    pub fn parse(text: &str, file: &str) -> Result<AllowedSigners> {
        let mut entries = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let entry = Entry::parse(line)
                .map_err(|e| Error::input(format!("{file}:{}", index + 1), Invalid::new(e)))?;
            entries.push(entry);
        }
        Ok(AllowedSigners { entries })
    }

    /// Whether `key` may sign as `principal` in the `parley` namespace at `at`.
    pub fn allows(&self, principal: &str, key: &KeyData, at: Millis) -> bool {
        self.entries.iter().any(|e| {
            e.key == *key
                && e.principals.iter().any(|p| glob(p, principal))
                && e.namespaces
                    .as_ref()
                    .is_none_or(|names| names.iter().any(|n| glob(n, NAMESPACE)))
                && e.valid_after.is_none_or(|after| at >= after)
                && e.valid_before.is_none_or(|before| at < before)
        })
    }
}

impl AllowedSigners {
    /// The ed25519 keys that may sign as `principal` in the `parley` namespace at `at`.
    pub fn ed25519_keys(&self, principal: &str, at: Millis) -> Vec<[u8; 32]> {
        self.entries
            .iter()
            .filter_map(|e| e.key.ed25519().map(|k| (e, k.0)))
            .filter(|(e, k)| self.allows(principal, &e.key, at) && k.len() == 32)
            .map(|(_, k)| k)
            .collect()
    }
}

impl Entry {
    fn parse(line: &str) -> std::result::Result<Entry, String> {
        let mut words = Words(line);
        let principals = words.next().ok_or("no principals")?;
        let mut key_type = words.next().ok_or("no key after the principals")?;
        let mut options = Options::default();
        if !is_key_type(&key_type) {
            for option in split_options(&key_type) {
                options.read(&option)?;
            }
            key_type = words.next().ok_or("no key after the options")?;
        }
        let base64 = words.next().ok_or("no key after its type")?;
        let key = PublicKey::from_openssh(&format!("{key_type} {base64}"))
            .map_err(|e| format!("the key {key_type} {base64} does not read ({e})"))?;
        Ok(Entry {
            principals: principals.split(',').map(str::to_owned).collect(),
            key: key.key_data().clone(),
            namespaces: options.namespaces,
            valid_after: options.valid_after,
            valid_before: options.valid_before,
        })
    }
}

/// The options of one line.
#[derive(Default)]
struct Options {
    namespaces: Option<Vec<String>>,
    valid_after: Option<Millis>,
    valid_before: Option<Millis>,
}

impl Options {
    fn read(&mut self, option: &str) -> std::result::Result<(), String> {
        let (name, value) = option.split_once('=').unwrap_or((option, ""));
        let value = value.trim_matches('"');
        match name.to_ascii_lowercase().as_str() {
            "namespaces" => self.namespaces = Some(value.split(',').map(str::to_owned).collect()),
            "valid-after" => self.valid_after = Some(time(value)?),
            "valid-before" => self.valid_before = Some(time(value)?),
            "cert-authority" => {
                return Err(
                    "cert-authority keys are not supported: list each signer's own key".into(),
                );
            }
            other => {
                return Err(format!(
                    "unknown option {other:?} (namespaces, valid-after, valid-before)"
                ));
            }
        }
        Ok(())
    }
}

fn is_key_type(word: &str) -> bool {
    word.starts_with("ssh-") || word.starts_with("ecdsa-") || word.starts_with("sk-")
}

/// Options split at commas outside double quotes.
fn split_options(text: &str) -> Vec<String> {
    let (mut out, mut current, mut quoted) = (Vec::new(), String::new(), false);
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    out.push(current);
    out
}

/// `YYYYMMDD[HHMM[SS]]`, optionally ending in `Z`, as UTC milliseconds.
fn time(text: &str) -> std::result::Result<Millis, String> {
    let digits = text.strip_suffix(['Z', 'z']).unwrap_or(text);
    let bad = || format!("{text:?} is not a time as YYYYMMDD[HHMM[SS]]");
    let padded = match digits.len() {
        8 => format!("{digits}000000"),
        12 => format!("{digits}00"),
        14 => digits.to_owned(),
        _ => return Err(bad()),
    };
    chrono::NaiveDateTime::parse_from_str(&padded, "%Y%m%d%H%M%S")
        .map(|t| t.and_utc().timestamp_millis())
        .map_err(|_| bad())
}

/// Whether `name` matches `pattern`, where `*` is any run and `?` any one character.
fn glob(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    fn go(p: &[char], n: &[char]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    go(&p, &n)
}

/// Whitespace-separated words, a double-quoted run kept whole.
struct Words<'a>(&'a str);

impl Iterator for Words<'_> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        let text = self.0.trim_start();
        if text.is_empty() {
            return None;
        }
        let mut quoted = false;
        let end = text
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c.is_whitespace() && !quoted
            })
            .map_or(text.len(), |(i, _)| i);
        self.0 = &text[end..];
        Some(text[..end].to_owned())
    }
}
