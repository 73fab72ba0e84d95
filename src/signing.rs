//! Signed events: an SSH signature (the SSHSIG format git uses, namespace `parley`) over
//! the 64 lowercase hex characters of an event's `hash`, kept in the event as `signer`
//! (the `--as` name) and `signature` (the armored `-----BEGIN SSH SIGNATURE-----` text).
//!
//! Both fields are outside the hash: the chain hash covers the event without `hash`,
//! `signer` and `signature`, so an unsigned journal keeps its hashes, and a signature
//! signs the hash that covers everything else. A signature carries its public key, so
//! whether it verifies needs nothing else; who may sign is an `allowed_signers` file
//! ([`AllowedSigners`]).

use std::path::Path;

use serde_json::{Map, Value};
use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

use crate::model::{Digest32, Invalid, Millis};
use crate::{Error, Result};

mod allowed;

pub use allowed::AllowedSigners;

/// The SSHSIG namespace of every parley signature.
pub const NAMESPACE: &str = "parley";

/// The envelope fields that hold a signature, outside the hash.
pub const SIGNATURE_FIELDS: [&str; 2] = ["signer", "signature"];

/// An ed25519 private key, and the name its signatures are made under.
pub struct Signer {
    key: PrivateKey,
    name: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signer({})", self.name)
    }
}

impl Signer {
    /// Reads an unencrypted OpenSSH ed25519 private key (`ssh-keygen -t ed25519 -N ''`);
    /// `place` is how errors name it (the flag).
    pub fn load(path: &Path, name: &str, place: &str) -> Result<Signer> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let bad =
            |why: String| Error::input(place, Invalid::new(format!("{}: {why}", path.display())));
        let key = PrivateKey::from_openssh(&text)
            .map_err(|e| bad(format!("is not an OpenSSH private key ({e})")))?;
        if key.is_encrypted() {
            return Err(bad(
                "the key has a passphrase; parley signs with an unencrypted key (ssh-keygen -t ed25519 -N '')".into(),
            ));
        }
        if key.algorithm() != ssh_key::Algorithm::Ed25519 {
            return Err(bad(format!(
                "is an {} key; parley signs with ed25519",
                key.algorithm()
            )));
        }
        Ok(Signer {
            key,
            name: name.to_owned(),
        })
    }

    /// The armored SSH signature of `hash`.
    pub fn sign(&self, hash: &Digest32) -> Result<String> {
        self.key
            .sign(NAMESPACE, HashAlg::Sha512, &hash.hex_bytes())
            .and_then(|sig| sig.to_pem(LineEnding::LF))
            .map_err(|e| Error::Invalid(Invalid::new(format!("signing failed: {e}"))))
    }

    /// The name signatures are made under.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The raw ed25519 public key.
    pub fn ed25519_public(&self) -> Option<[u8; 32]> {
        self.key.public_key().key_data().ed25519().map(|k| k.0)
    }

    /// A raw ed25519 signature of `message` (for signed notes, not SSHSIG).
    pub fn sign_raw(&self, message: &[u8]) -> Result<Vec<u8>> {
        use signature::Signer as _;
        let keypair = self
            .key
            .key_data()
            .ed25519()
            .ok_or_else(|| Error::Invalid(Invalid::new("the signing key is not ed25519")))?;
        keypair
            .try_sign(message)
            .map(|sig| sig.as_bytes().to_vec())
            .map_err(|e| Error::Invalid(Invalid::new(format!("signing failed: {e}"))))
    }

    /// Adds `signer` and `signature` to an event object whose `hash` is `hash`.
    pub fn sign_into(&self, map: &mut Map<String, Value>, hash: &Digest32) -> Result<()> {
        map.insert("signer".into(), Value::String(self.name.clone()));
        map.insert("signature".into(), Value::String(self.sign(hash)?));
        Ok(())
    }
}

/// An event's signature, read from its object.
#[derive(Clone, Debug)]
pub struct Signature {
    /// Who it says signed.
    pub signer: String,
    /// The key that signed.
    pub key: PublicKey,
}

impl Signature {
    /// The signature an event object carries: `None` when unsigned; an error saying what
    /// is wrong when the fields are there but do not read or do not verify over `hash`.
    pub fn of(
        map: &Map<String, Value>,
        hash: &Digest32,
    ) -> std::result::Result<Option<Signature>, String> {
        let (signer, armored) = match (map.get("signer"), map.get("signature")) {
            (None, None) => return Ok(None),
            (Some(Value::String(signer)), Some(Value::String(armored))) => (signer, armored),
            _ => return Err("`signer` and `signature` must both be there, as text".into()),
        };
        let sig = SshSig::from_pem(armored)
            .map_err(|e| format!("the signature is not an SSH signature ({e})"))?;
        let key = PublicKey::from(sig.public_key().clone());
        key.verify(NAMESPACE, &hash.hex_bytes(), &sig).map_err(|_| {
            format!(
                "the signature by {signer} ({}) does not verify over this event's hash: it was changed or belongs to another event",
                key.fingerprint(HashAlg::Sha256)
            )
        })?;
        Ok(Some(Signature {
            signer: signer.clone(),
            key,
        }))
    }

    /// The signing key's SHA-256 fingerprint, as ssh-keygen prints it.
    pub fn fingerprint(&self) -> String {
        self.key.fingerprint(HashAlg::Sha256).to_string()
    }

    /// Whether `allowed` lets this key sign as its signer at `at`.
    pub fn allowed(&self, allowed: &AllowedSigners, at: Millis) -> bool {
        allowed.allows(&self.signer, self.key.key_data(), at)
    }
}

/// Whether the raw ed25519 `signature` of `message` verifies under `public`.
pub fn verify_raw(public: &[u8; 32], message: &[u8], signature: &[u8]) -> bool {
    use signature::Verifier as _;
    let Ok(sig) = ssh_key::Signature::new(ssh_key::Algorithm::Ed25519, signature.to_vec()) else {
        return false;
    };
    ssh_key::public::Ed25519PublicKey(*public)
        .verify(message, &sig)
        .is_ok()
}

/// `map` without `hash` and the signature fields: what the chain hash covers.
pub fn hashed_content(map: &Map<String, Value>) -> Map<String, Value> {
    let mut content = map.clone();
    content.remove("hash");
    for field in SIGNATURE_FIELDS {
        content.remove(field);
    }
    content
}

/// How the events of one negotiation are signed, against an `allowed_signers` file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Signers {
    /// Events signed by a key allowed to sign as their signer.
    pub allowed: u64,
    /// Events with no signature, by seq.
    pub unsigned: Vec<u64>,
    /// The first event signed by a key the file does not allow: its seq, and why.
    pub unknown: Option<(u64, String)>,
}

/// Reads `meta`'s events and sorts their signatures by `allowed`. A signature that
/// does not verify is an error naming its seq (as `verify` reports it).
pub fn signers(
    store: &dyn crate::store::Log,
    meta: &crate::store::StreamMeta,
    allowed: &AllowedSigners,
) -> Result<Signers> {
    let mut tally = Signers::default();
    for event in crate::journal::recorded_events(store, meta)? {
        let envelope = &event.envelope;
        let integrity = |what: String| Error::Integrity {
            slug: meta.slug.to_string(),
            seq: envelope.seq,
            what,
        };
        match Signature::of(&event.raw(), &envelope.hash).map_err(integrity)? {
            None => tally.unsigned.push(envelope.seq),
            Some(signature) if signature.allowed(allowed, envelope.recorded_at) => {
                tally.allowed += 1
            }
            Some(signature) => {
                tally.unknown.get_or_insert_with(|| {
                    (
                        envelope.seq,
                        format!(
                            "signed as {} by {}, a key the allowed signers do not let sign as {} (namespace parley) at {}",
                            signature.signer,
                            signature.fingerprint(),
                            signature.signer,
                            crate::model::format_instant(envelope.recorded_at),
                        ),
                    )
                });
            }
        }
    }
    Ok(tally)
}
