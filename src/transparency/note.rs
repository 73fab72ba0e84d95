//! Checkpoints as C2SP signed notes: the checkpoint body, a blank line, and one line per
//! signature, `— NAME BASE64`, where BASE64 holds the 4-byte key id and the 64-byte
//! ed25519 signature of the body (every byte of it, its last newline included).
//!
//! The key id of an ed25519 key is the first 4 bytes of SHA-256(NAME ‖ 0x0A ‖ 0x01 ‖ the
//! 32-byte public key), as C2SP signed-note specifies; NAME is the signer's `--as` name.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::model::{Invalid, Millis};
use crate::signing::{AllowedSigners, Signer, verify_raw};
use crate::{Error, Result};

use super::Checkpoint;

/// What starts a signature line.
const DASH: &str = "\u{2014} ";

/// A checkpoint and the signature lines under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The checkpoint the body names.
    pub checkpoint: Checkpoint,
    /// The body as signed.
    pub body: String,
    /// The signature lines, without their newlines.
    pub signatures: Vec<String>,
}

impl Note {
    /// An unsigned note of `checkpoint`.
    pub fn of(checkpoint: Checkpoint) -> Note {
        Note {
            body: checkpoint.render(),
            checkpoint,
            signatures: Vec::new(),
        }
    }

    /// Reads a checkpoint with any signature lines; errors name `file` and the line.
    pub fn parse(text: &str, file: &str) -> Result<Note> {
        let checkpoint = Checkpoint::parse(text, file)?;
        let (body, rest) = match text.split_once("\n\n") {
            Some((body, rest)) => (format!("{body}\n"), rest),
            None => (text.to_owned(), ""),
        };
        let first = body.lines().count() + 2;
        let mut signatures = Vec::new();
        for (i, line) in rest.lines().enumerate() {
            if !line.starts_with(DASH) || line.split(' ').count() != 3 {
                return Err(Error::input(
                    format!("{file}:{}", first + i),
                    Invalid::new("a signature line is `— NAME BASE64`"),
                ));
            }
            signatures.push(line.to_owned());
        }
        Ok(Note {
            checkpoint,
            body,
            signatures,
        })
    }

    /// Adds `signer`'s signature line.
    pub fn sign(&mut self, signer: &Signer) -> Result<()> {
        let public = signer
            .ed25519_public()
            .ok_or_else(|| Error::Invalid(Invalid::new("the signing key is not ed25519")))?;
        let mut blob = key_id(signer.name(), &public).to_vec();
        blob.extend(signer.sign_raw(self.body.as_bytes())?);
        self.signatures
            .push(format!("{DASH}{} {}", signer.name(), STANDARD.encode(blob)));
        Ok(())
    }

    /// The note as text.
    pub fn render(&self) -> String {
        let mut text = self.body.clone();
        if !self.signatures.is_empty() {
            text.push('\n');
            for line in &self.signatures {
                text.push_str(line);
                text.push('\n');
            }
        }
        text
    }

    /// The names whose signatures verify under a key `allowed` lets sign at `at`; an
    /// error names a signature line whose key is allowed but whose signature fails.
    pub fn signed_by(
        &self,
        allowed: &AllowedSigners,
        at: Millis,
        file: &str,
    ) -> Result<Vec<String>> {
        let mut names = Vec::new();
        for line in &self.signatures {
            let mut words = line[DASH.len()..].split(' ');
            let (Some(name), Some(blob)) = (words.next(), words.next()) else {
                continue;
            };
            let blob = STANDARD.decode(blob).unwrap_or_default();
            let Some((id, sig)) = blob.split_at_checked(4) else {
                continue;
            };
            for key in allowed.ed25519_keys(name, at) {
                if key_id(name, &key) != id {
                    continue;
                }
                if !verify_raw(&key, self.body.as_bytes(), sig) {
                    return Err(Error::input(
                        file,
                        Invalid::new(format!(
                            "the signature of {name} does not verify over the checkpoint: it was changed"
                        )),
                    ));
                }
                names.push(name.to_owned());
            }
        }
        Ok(names)
    }
}

/// The C2SP signed-note key id of an ed25519 key.
pub fn key_id(name: &str, public: &[u8; 32]) -> [u8; 4] {
    let digest = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update([0x0a, 0x01])
        .chain_update(public)
        .finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}
