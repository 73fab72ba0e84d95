//! Checkpoints and proofs (issue 18): a negotiation's RFC 6962 tree head as a C2SP
//! checkpoint, one event proven to a third party with no store, and a copy checked to
//! begin with another's checkpoint; tampered proofs and forked copies refused, naming
//! the seq or the size.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::common::{TestEnv, journal};

const FIRST: &str = r#"{"kind":"offer","at":"2025-03-02","by":"KR","issue":"tariff","position":10,"summary":"Korea offers 10%"}"#;
const SECOND: &str = r#"{"kind":"demand","at":"2025-03-03","by":"US","issue":"tariff","position":25,"summary":"The US demands 25%"}"#;
const OTHER: &str = r#"{"kind":"demand","at":"2025-03-03","by":"US","issue":"tariff","position":40,"summary":"The US demands 40%"}"#;
const LATER: &str = r#"US concession tariff=20 "The US comes down to 20%" @2025-03-04"#;

/// A store holding the opening, `FIRST` and `SECOND` of negotiation `t`.
fn three_events() -> TestEnv {
    let env = TestEnv::new();
    env.import(&journal(&[FIRST, SECOND]));
    env
}

/// The recorded events of `t`, as exported.
fn events(env: &TestEnv) -> Vec<Value> {
    env.export("t")
        .lines()
        .map(|line| serde_json::from_str(line).expect("an exported line is JSON"))
        .collect()
}

/// RFC 6962 leaf hash of an event's `hash`, computed here from the definition.
fn leaf(event: &Value) -> [u8; 32] {
    let hex = event["hash"].as_str().expect("hash");
    let bytes: Vec<u8> = (0..64)
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect();
    Sha256::new()
        .chain_update([0])
        .chain_update(bytes)
        .finalize()
        .into()
}

fn node(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    Sha256::new()
        .chain_update([1])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

fn b64(hash: &[u8; 32]) -> String {
    STANDARD.encode(hash)
}

/// The head of the three-event tree: node(node(l1, l2), l3).
fn head_of_three(events: &[Value]) -> [u8; 32] {
    node(
        &node(&leaf(&events[0]), &leaf(&events[1])),
        &leaf(&events[2]),
    )
}

fn write_checkpoint(env: &TestEnv, name: &str) -> String {
    let text = env.run(&["checkpoint", "t"]).ok().stdout;
    env.write(name, &text);
    text
}

#[test]
fn checkpoint_names_the_rfc_6962_tree_head() {
    let env = three_events();
    let events = events(&env);
    let run = env.run(&["checkpoint", "t"]).ok();
    assert_eq!(
        run.stdout,
        format!("parley/t\n3\n{}\n", b64(&head_of_three(&events)))
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn a_proof_shows_one_event_to_a_third_party_with_no_store() {
    let env = three_events();
    let events = events(&env);
    let checkpoint = write_checkpoint(&env, "t.checkpoint");
    let proof = env.run(&["prove", "t", "2"]).ok().stdout;
    let head = b64(&head_of_three(&events));
    assert_eq!(
        serde_json::from_str::<Value>(&proof).expect("the proof is JSON"),
        json!({
            "origin": "parley/t",
            "tree_size": 3,
            "root_hash": head,
            "leaf_index": 1,
            "inclusion_proof": [b64(&leaf(&events[0])), b64(&leaf(&events[2]))],
            "event": events[1],
        })
    );

    // The third party has the proof and the checkpoint, and no store.
    let third = TestEnv::new();
    third.write("seq-2.proof.json", &proof);
    third.write("t.checkpoint", &checkpoint);
    let hash = &events[1]["hash"].as_str().expect("hash")[..16];
    let run = third
        .run(&[
            "verify-proof",
            "seq-2.proof.json",
            "--checkpoint",
            "t.checkpoint",
        ])
        .ok();
    assert_eq!(
        run.stdout,
        format!(
            "seq 2 of t (hash {hash}) is in the tree of 3 events with head {head}\n\
             that is the tree t.checkpoint names\n"
        )
    );
    let run = third.run(&["verify-proof", "seq-2.proof.json"]).ok();
    assert_eq!(
        run.stdout,
        format!(
            "seq 2 of t (hash {hash}) is in the tree of 3 events with head {head}\n\
             that head is the proof's own: check it against a checkpoint you trust (--checkpoint FILE)\n"
        )
    );
    assert!(!third.store().exists(), "verify-proof made no store");
}

/// The proof of seq 2 in the three-event store, changed by `change`, then checked.
fn tampered(change: impl FnOnce(&mut Value, &[Value])) -> (i32, String, String) {
    let env = three_events();
    let events = events(&env);
    let mut proof: Value =
        serde_json::from_str(&env.run(&["prove", "t", "2"]).ok().stdout).expect("JSON");
    change(&mut proof, &events);
    env.write("p.json", &proof.to_string());
    let run = env.run(&["verify-proof", "p.json"]).user_error();
    (run.status, run.stdout, run.stderr)
}

#[test]
fn a_proof_carrying_another_event_is_refused_naming_both_seqs() {
    let (_, stdout, stderr) = tampered(|proof, events| proof["event"] = events[2].clone());
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "parley: p.json: event seq 3 of t is not the event the proof is for: leaf 1 is seq 2 of t\n"
    );
}

#[test]
fn a_proof_whose_event_was_changed_is_refused() {
    let (_, _, stderr) =
        tampered(|proof, _| proof["event"]["summary"] = json!("The US demands 5%"));
    assert_eq!(
        stderr,
        "parley: p.json: event seq 2 does not hash to its `hash`: it was changed\n"
    );
}

#[test]
fn a_proof_moved_to_another_leaf_or_with_a_changed_hash_is_refused() {
    let (_, _, stderr) = tampered(|proof, events| {
        proof["event"] = events[2].clone();
        proof["leaf_index"] = json!(2);
    });
    let env = three_events();
    let head = b64(&head_of_three(&events(&env)));
    assert_eq!(
        stderr,
        format!(
            "parley: p.json: the proof does not lead from event seq 3 to the tree head {head} of size 3\n"
        )
    );
    let (_, _, stderr) = tampered(|proof, _| {
        proof["inclusion_proof"][0] = json!(b64(&[7; 32]));
    });
    assert_eq!(
        stderr,
        format!(
            "parley: p.json: the proof does not lead from event seq 2 to the tree head {head} of size 3\n"
        )
    );
}

#[test]
fn a_proof_of_a_bigger_tree_than_the_checkpoint_says_how_to_prove_under_it() {
    let env = three_events();
    let old = write_checkpoint(&env, "old.checkpoint");
    env.run(&["log", "t", "--line", LATER]).ok();
    let proof = env.run(&["prove", "t", "2"]).ok().stdout;
    env.write("p.json", &proof);
    let new_head = serde_json::from_str::<Value>(&proof).expect("JSON")["root_hash"]
        .as_str()
        .expect("root_hash")
        .to_owned();
    let old_head = old.lines().nth(2).expect("head line");
    let run = env
        .run(&["verify-proof", "p.json", "--checkpoint", "old.checkpoint"])
        .user_error();
    assert_eq!(
        run.stderr,
        format!(
            "parley: p.json: the proof is for the tree of 4 events of t with head {new_head}, \
             and old.checkpoint names the tree of 3 events of t with head {old_head}: \
             prove it under the checkpoint with `parley prove t SEQ --checkpoint old.checkpoint`\n"
        )
    );
    env.run(&[
        "prove",
        "t",
        "2",
        "--checkpoint",
        "old.checkpoint",
        "--out",
        "p.json",
    ])
    .ok();
    env.run(&["verify-proof", "p.json", "--checkpoint", "old.checkpoint"])
        .ok();
}

#[test]
fn a_copy_that_grew_since_the_checkpoint_is_consistent_with_it() {
    let env = three_events();
    write_checkpoint(&env, "t.checkpoint");
    env.run(&["log", "t", "--line", LATER]).ok();
    let run = env.run(&["verify", "--against", "t.checkpoint"]).ok();
    assert_eq!(
        run.stdout,
        "t: consistent with t.checkpoint: its 3 events are the first of this copy's 4 (consistency proof checked)\n"
    );
}

#[test]
fn a_copy_that_forked_before_the_checkpoint_is_refused_naming_the_size() {
    let ours = three_events();
    let checkpoint = write_checkpoint(&ours, "ours.checkpoint");
    ours.run(&["log", "t", "--line", LATER]).ok();

    let theirs = TestEnv::new();
    theirs.import(&journal(&[FIRST, OTHER]));
    theirs.write("ours.checkpoint", &checkpoint);
    let their_head = theirs.run(&["checkpoint", "t"]).ok().stdout;
    let their_head = their_head.lines().nth(2).expect("head line");
    let our_head = checkpoint.lines().nth(2).expect("head line");
    let run = theirs
        .run(&["verify", "--against", "ours.checkpoint"])
        .user_error();
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "parley: ours.checkpoint: this copy's first 3 events have the tree head {their_head}, \
             the checkpoint says {our_head}: the copies differ at or before seq 3\n"
        )
    );

    // A copy shorter than the checkpoint cannot hold it.
    let short = TestEnv::new();
    short.import(&journal(&[FIRST]));
    short.write("ours.checkpoint", &checkpoint);
    let run = short
        .run(&["verify", "--against", "ours.checkpoint"])
        .user_error();
    assert_eq!(
        run.stderr,
        "parley: ours.checkpoint: the checkpoint names 3 events and this copy holds 2: \
         it is not this copy's, or this copy lost events\n"
    );
}

#[test]
fn a_bad_checkpoint_is_refused_naming_its_line() {
    let env = three_events();
    let cases = [
        (
            "",
            "x.checkpoint:1: a checkpoint's line 1 is its origin; this one ends before it",
        ),
        (
            "example.com/log\n3\nAAAA\n",
            "x.checkpoint:1: the origin \"example.com/log\" is not parley/SLUG: this is not a parley checkpoint",
        ),
        (
            "parley/t\n03\nAAAA\n",
            "x.checkpoint:2: the tree size \"03\" is not a whole number in decimal",
        ),
        (
            "parley/t\n3\nAAAA\n",
            "x.checkpoint:3: the tree head \"AAAA\" is not 32 bytes in standard base64",
        ),
    ];
    for (text, message) in cases {
        env.write("x.checkpoint", text);
        let run = env
            .run(&["verify", "--against", "x.checkpoint"])
            .user_error();
        assert_eq!(run.stderr, format!("parley: {message}\n"), "{text:?}");
    }
    env.write("x.checkpoint", "parley/u\n3\nAAAA\n");
    let run = env
        .run(&["prove", "t", "1", "--checkpoint", "x.checkpoint"])
        .user_error();
    assert_eq!(
        run.stderr,
        "parley: x.checkpoint:3: the tree head \"AAAA\" is not 32 bytes in standard base64\n"
    );
}

#[test]
fn prove_refuses_a_seq_past_the_head() {
    let env = three_events();
    let run = env.run(&["prove", "t", "4"]).user_error();
    assert_eq!(
        run.stderr,
        "parley: SEQ: t holds seqs 1 to 3 in this tree; there is no seq 4\n"
    );
}

/// The README's two delegations, command by command, on the bundled korea-us-2025: Korea
/// sends a checkpoint, the US checks its copy (which has one move more) against it, and a
/// third party checks one event under it with no store.
#[test]
fn the_readme_two_delegations_and_a_third_party() {
    let journal = crate::common::bundled("korea-us-2025.ndjson");
    let mut korea = TestEnv::new();
    korea.now = "2026-01-01T00:00:00Z".to_owned();
    korea
        .run(&["import", journal.to_str().expect("utf-8 path")])
        .ok();
    let mut transcript = String::new();
    let mut step = |env: &TestEnv, who: &str, args: &[&str]| {
        let run = env.run(args).ok();
        transcript.push_str(&format!("{who}$ parley {}\n{}", args.join(" "), run.stdout));
        run.stdout
    };
    let checkpoint = step(&korea, "korea", &["checkpoint", "korea-us-2025"]);

    let mut us = TestEnv::new();
    us.now = korea.now.clone();
    us.import(&korea.export("korea-us-2025"));
    us.write("round.checkpoint", &checkpoint);
    us.run(&[
        "log",
        "korea-us-2025",
        "--line",
        r#"US statement "The US welcomes the fact sheet" @2025-11-15"#,
    ])
    .ok();
    step(&us, "us", &["verify", "--against", "round.checkpoint"]);

    korea.write("round.checkpoint", &checkpoint);
    let args = [
        "prove",
        "korea-us-2025",
        "3",
        "--checkpoint",
        "round.checkpoint",
        "--out",
        "seq-3.proof.json",
    ];
    step(&korea, "korea", &args);
    let third = TestEnv::new();
    let proof = std::fs::read_to_string(korea.path("seq-3.proof.json")).expect("proof written");
    third.write("seq-3.proof.json", &proof);
    third.write("round.checkpoint", &checkpoint);
    let args = [
        "verify-proof",
        "seq-3.proof.json",
        "--checkpoint",
        "round.checkpoint",
    ];
    step(&third, "third", &args);
    insta::assert_snapshot!("transparency__readme", transcript);
}

/// Makes an unencrypted ed25519 key `name` (and `name.pub`) with ssh-keygen, and an
/// `allowed_signers` line for it as `principal`; `None` when ssh-keygen is missing
/// (which fails under CI).
fn ssh_key(env: &TestEnv, name: &str, principal: &str, options: &str) -> Option<String> {
    if !crate::common::tool_present("ssh-keygen") {
        return None;
    }
    let status = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(env.path(name))
        .status()
        .expect("run ssh-keygen");
    assert!(status.success(), "ssh-keygen made no key");
    let public = std::fs::read_to_string(env.path(&format!("{name}.pub"))).expect("public key");
    Some(format!("{principal} {options}{public}"))
}

/// The `SHA256:…` fingerprint ssh-keygen gives the key `name`.
fn fingerprint(env: &TestEnv, name: &str) -> String {
    let out = std::process::Command::new("ssh-keygen")
        .args(["-l", "-f"])
        .arg(env.path(&format!("{name}.pub")))
        .output()
        .expect("run ssh-keygen -l");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    text.split_whitespace()
        .nth(1)
        .expect("fingerprint")
        .to_owned()
}

/// Records an opening and two moves of `t`, signed with `key` (none when `None`).
fn signed_events(env: &TestEnv, key: Option<&str>) {
    let open = [
        "open",
        "t",
        "--title",
        "Test talks",
        "--party",
        "KR=Korea",
        "--party",
        "US=United States",
        "--issue",
        "tariff=Tariff;unit=%",
        "--at",
        "2025-03-01",
    ];
    let first = [
        "log",
        "t",
        "--line",
        r#"KR offer tariff=10 "Korea offers 10%" @2025-03-02"#,
    ];
    let second = [
        "log",
        "t",
        "--line",
        r#"US demand tariff=25 "The US demands 25%" @2025-03-03"#,
    ];
    let sign: Vec<&str> = key.map_or(vec![], |k| vec!["--sign-with", k]);
    for args in [&open[..], &first[..], &second[..]] {
        env.run(&[args, &sign].concat()).ok();
    }
}

#[test]
fn signed_events_keep_their_hashes_and_check_with_ssh_keygen_alone() {
    let env = TestEnv::new();
    let Some(allowed) = ssh_key(&env, "kim", "tester", "namespaces=\"parley\" ") else {
        return;
    };
    env.write("allowed_signers", &allowed);
    signed_events(&env, Some("kim"));
    let unsigned = TestEnv::new();
    signed_events(&unsigned, None);
    let hashes =
        |env: &TestEnv| -> Vec<Value> { events(env).iter().map(|e| e["hash"].clone()).collect() };
    assert_eq!(hashes(&env), hashes(&unsigned), "signing changes no hash");

    let good = format!(
        "Good \"parley\" signature for tester with ED25519 key {}\n",
        fingerprint(&env, "kim")
    );
    for event in events(&env) {
        assert_eq!(event["signer"], json!("tester"));
        env.write("event.sig", event["signature"].as_str().expect("signature"));
        let hash = event["hash"].as_str().expect("hash");
        let mut check = std::process::Command::new("ssh-keygen")
            .args([
                "-Y",
                "verify",
                "-f",
                "allowed_signers",
                "-I",
                "tester",
                "-n",
                "parley",
                "-s",
                "event.sig",
            ])
            .current_dir(env.dir.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("run ssh-keygen -Y verify");
        use std::io::Write;
        check
            .stdin
            .take()
            .expect("stdin")
            .write_all(hash.as_bytes())
            .expect("write hash");
        let out = check.wait_with_output().expect("ssh-keygen -Y verify");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            good,
            "seq {}",
            event["seq"]
        );
        assert!(out.status.success());
    }
    let run = env
        .run(&["verify", "--allowed-signers", "allowed_signers"])
        .ok();
    let events = events(&env);
    let head = &events[2]["hash"].as_str().expect("hash")[..16];
    assert_eq!(
        run.stdout,
        format!(
            "negotiation  events  chain  signatures  head hash\n\
             t                 3  ok     3 allowed   {head}\n"
        )
    );
}

#[test]
fn verify_names_the_seq_of_an_unknown_key_and_with_require_signed_an_unsigned_event() {
    let env = TestEnv::new();
    let Some(allowed) = ssh_key(&env, "kim", "tester", "") else {
        return;
    };
    ssh_key(&env, "lee", "lee", "");
    env.write("allowed_signers", &allowed);
    signed_events(&env, Some("kim"));
    env.run(&["log", "t", "--line", LATER]).ok();
    let head = |env: &TestEnv| {
        events(env).last().expect("events")["hash"]
            .as_str()
            .expect("hash")[..16]
            .to_owned()
    };
    let run = env
        .run(&["verify", "--allowed-signers", "allowed_signers"])
        .ok();
    assert_eq!(
        run.stdout,
        format!(
            "negotiation  events  chain  signatures             head hash\n\
             t                 4  ok     3 allowed, 1 unsigned  {}\n",
            head(&env)
        )
    );
    let run = env
        .run(&[
            "verify",
            "--allowed-signers",
            "allowed_signers",
            "--require-signed",
        ])
        .user_error();
    assert_eq!(
        run.stderr,
        "parley: t seq 4: the event is not signed, and --require-signed was given\n"
    );

    // Lee's key signs as tester: not a key the file allows for tester.
    env.run(&[
        "log",
        "t",
        "--sign-with",
        "lee",
        "--line",
        r#"KR concession tariff=12 "Korea moves to 12%" @2025-03-05"#,
    ])
    .ok();
    let run = env
        .run(&["verify", "--allowed-signers", "allowed_signers"])
        .user_error();
    assert_eq!(
        run.stdout,
        format!(
            "negotiation  events  chain  signatures            head hash\n\
             t                 5  ok     UNKNOWN KEY at seq 5  {}\n",
            head(&env)
        )
    );
    assert_eq!(
        run.stderr,
        format!(
            "parley: t seq 5: signed as tester by {}, a key the allowed signers do not let sign as tester (namespace parley) at 2025-12-01T09:00:00.000Z\n",
            fingerprint(&env, "lee")
        )
    );

    // A key allowed only before the events were recorded, or in another namespace.
    for options in ["valid-before=\"20250101\" ", "namespaces=\"git\" "] {
        let line = std::fs::read_to_string(env.path("kim.pub")).expect("key");
        env.write("allowed_signers", &format!("tester {options}{line}"));
        let run = env
            .run(&["verify", "--allowed-signers", "allowed_signers"])
            .user_error();
        assert_eq!(
            run.stderr,
            format!(
                "parley: t seq 1: signed as tester by {}, a key the allowed signers do not let sign as tester (namespace parley) at 2025-12-01T09:00:00.000Z\n",
                fingerprint(&env, "kim")
            ),
            "{options}"
        );
    }
}

#[test]
fn import_refuses_a_changed_or_moved_signature_naming_the_line() {
    let env = TestEnv::new();
    if ssh_key(&env, "kim", "tester", "").is_none() {
        return;
    }
    signed_events(&env, Some("kim"));
    let events = events(&env);
    let write = |events: &[Value]| {
        let text: String = events.iter().map(|e| format!("{e}\n")).collect();
        env.write("changed.ndjson", &text);
    };
    let fresh = TestEnv::new();
    let import = |fresh: &TestEnv| {
        let path = env.path("changed.ndjson");
        fresh
            .run(&["import", path.to_str().expect("utf-8")])
            .user_error()
            .stderr
            .replace(path.to_str().expect("utf-8"), "FILE")
    };
    let moved: Vec<Value> = events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut e = e.clone();
            if i == 1 {
                e["signature"] = events[0]["signature"].clone();
            }
            e
        })
        .collect();
    write(&moved);
    assert_eq!(
        import(&fresh),
        format!(
            "parley: FILE:2: signature: the signature by tester ({}) does not verify over this event's hash: it was changed or belongs to another event\n",
            fingerprint(&env, "kim")
        )
    );
    let mut changed = events.clone();
    let signature = changed[0]["signature"]
        .as_str()
        .expect("signature")
        .to_owned();
    let mut lines: Vec<String> = signature.lines().map(str::to_owned).collect();
    let last = lines.len() - 2;
    let flipped = if lines[last].starts_with("AA") {
        "AB"
    } else {
        "AA"
    };
    lines[last].replace_range(..2, flipped);
    changed[0]["signature"] = json!(format!("{}\n", lines.join("\n")));
    write(&changed);
    assert_eq!(
        import(&fresh),
        format!(
            "parley: FILE:1: signature: the signature by tester ({}) does not verify over this event's hash: it was changed or belongs to another event\n",
            fingerprint(&env, "kim")
        )
    );
    let mut changed = events.clone();
    changed[2].as_object_mut().expect("object").remove("signer");
    write(&changed);
    assert_eq!(
        import(&fresh),
        "parley: FILE:3: signature: `signer` and `signature` must both be there, as text\n"
    );
    assert!(!fresh.store().exists(), "a refused import leaves no store");
}

/// A C2SP signed-note signature line's parts: the name, the key id and the signature.
fn note_signature(line: &str) -> (String, Vec<u8>, Vec<u8>) {
    let rest = line.strip_prefix("\u{2014} ").expect("a signature line");
    let (name, blob) = rest.split_once(' ').expect("name and signature");
    let blob = STANDARD.decode(blob).expect("base64");
    (name.to_owned(), blob[..4].to_vec(), blob[4..].to_vec())
}

/// The raw ed25519 public key in an OpenSSH `.pub` file.
fn raw_public(env: &TestEnv, name: &str) -> [u8; 32] {
    let text = std::fs::read_to_string(env.path(&format!("{name}.pub"))).expect("public key");
    let blob = STANDARD
        .decode(text.split_whitespace().nth(1).expect("base64"))
        .expect("base64");
    blob[blob.len() - 32..].try_into().expect("32 bytes")
}

#[test]
fn two_delegations_sign_and_cosign_a_checkpoint() {
    let korea = three_events();
    let Some(kim) = ssh_key(&korea, "kim", "kim", "namespaces=\"parley\" ") else {
        return;
    };
    let signed = korea
        .run(&["checkpoint", "t", "--sign-with", "kim", "--as", "kim"])
        .ok()
        .stdout;
    let body = korea.run(&["checkpoint", "t"]).ok().stdout;
    let kim_line = signed
        .strip_prefix(&format!("{body}\n"))
        .expect("the body, a blank line, then signatures")
        .strip_suffix('\n')
        .expect("a newline after the signature");
    // The key id and signature are C2SP signed-note's, computed here from the definition.
    let (name, id, _) = note_signature(kim_line);
    assert_eq!(name, "kim");
    let key = raw_public(&korea, "kim");
    let digest = Sha256::new()
        .chain_update(b"kim\n\x01")
        .chain_update(key)
        .finalize();
    assert_eq!(id, digest[..4]);

    let us = TestEnv::new();
    us.import(&korea.export("t"));
    us.run(&["log", "t", "--line", LATER]).ok();
    let lee = ssh_key(&us, "lee", "lee", "namespaces=\"parley\" ").expect("ssh-keygen");
    us.write("korea.checkpoint", &signed);
    let cosigned = us
        .run(&[
            "cosign",
            "korea.checkpoint",
            "--sign-with",
            "lee",
            "--as",
            "lee",
        ])
        .ok()
        .stdout;
    let lee_line = cosigned
        .strip_prefix(&signed)
        .expect("the signed note, then one more line");
    assert_eq!(note_signature(lee_line.trim_end()).0, "lee");

    korea.write("cosigned.checkpoint", &cosigned);
    korea.write("allowed_signers", &format!("{kim}{lee}"));
    let run = korea
        .run(&[
            "verify",
            "--against",
            "cosigned.checkpoint",
            "--allowed-signers",
            "allowed_signers",
        ])
        .ok();
    assert_eq!(
        run.stdout,
        "t: consistent with cosigned.checkpoint: its 3 events are the first of this copy's 3 (consistency proof checked)\n\
         signed by kim, lee\n"
    );

    // A checkpoint whose size was changed keeps no signature; one by nobody allowed fails.
    let changed = cosigned.replacen("\n3\n", "\n2\n", 1);
    korea.write("changed.checkpoint", &changed);
    let run = korea
        .run(&[
            "verify",
            "--against",
            "changed.checkpoint",
            "--allowed-signers",
            "allowed_signers",
        ])
        .user_error();
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "parley: changed.checkpoint: the signature of kim does not verify over the checkpoint: it was changed\n"
    );
    korea.write("allowed_signers", "");
    let run = korea
        .run(&[
            "verify",
            "--against",
            "cosigned.checkpoint",
            "--allowed-signers",
            "allowed_signers",
        ])
        .user_error();
    assert_eq!(
        run.stderr,
        "parley: cosigned.checkpoint: no signature on the checkpoint is by a key the allowed signers allow\n"
    );

    // Cosigning a checkpoint of a copy that forked is refused.
    let forked = TestEnv::new();
    forked.import(&journal(&[FIRST, OTHER]));
    ssh_key(&forked, "lee", "lee", "").expect("ssh-keygen");
    forked.write("korea.checkpoint", &signed);
    let run = forked
        .run(&["cosign", "korea.checkpoint", "--sign-with", "lee"])
        .user_error();
    assert_eq!(run.stdout, "");
    let forked_head = forked.run(&["checkpoint", "t"]).ok().stdout;
    let forked_head = forked_head.lines().nth(2).expect("head line");
    let korea_head = body.lines().nth(2).expect("head line");
    assert_eq!(
        run.stderr,
        format!(
            "parley: korea.checkpoint: this copy's first 3 events have the tree head {forked_head}, \
             the checkpoint says {korea_head}: the copies differ at or before seq 3\n"
        )
    );
}

#[test]
fn a_bad_allowed_signers_line_or_a_key_with_a_passphrase_is_refused_naming_it() {
    let env = three_events();
    let Some(allowed) = ssh_key(&env, "kim", "tester", "") else {
        return;
    };
    env.write(
        "allowed_signers",
        &format!("# trusted\n{allowed}tester cert-authority {allowed}"),
    );
    let run = env
        .run(&["verify", "--allowed-signers", "allowed_signers"])
        .user_error();
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "parley: allowed_signers:3: cert-authority keys are not supported: list each signer's own key\n"
    );
    env.write(
        "allowed_signers",
        "tester valid-after=\"2025\" ssh-ed25519 AAAA\n",
    );
    let run = env
        .run(&["verify", "--allowed-signers", "allowed_signers"])
        .user_error();
    assert_eq!(
        run.stderr,
        "parley: allowed_signers:1: \"2025\" is not a time as YYYYMMDD[HHMM[SS]]\n"
    );

    let status = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "a passphrase", "-f"])
        .arg(env.path("locked"))
        .status()
        .expect("run ssh-keygen");
    assert!(status.success());
    let run = env
        .run(&["log", "t", "--sign-with", "locked", "--line", LATER])
        .user_error();
    assert_eq!(
        run.stderr,
        "parley: --sign-with: locked: the key has a passphrase; parley signs with an unencrypted key (ssh-keygen -t ed25519 -N '')\n"
    );
    assert_eq!(events(&env).len(), 3, "nothing recorded");
}

#[test]
fn import_signs_authored_lines_and_keeps_recorded_signatures() {
    let env = TestEnv::new();
    let Some(allowed) = ssh_key(&env, "kim", "tester", "") else {
        return;
    };
    env.write("allowed_signers", &allowed);
    env.write("authored.ndjson", &journal(&[FIRST, SECOND]));
    env.run(&["import", "authored.ndjson", "--sign-with", "kim"])
        .ok();
    let signers: Vec<Value> = events(&env).iter().map(|e| e["signer"].clone()).collect();
    assert_eq!(signers, [json!("tester"), json!("tester"), json!("tester")]);

    let copy = TestEnv::new();
    copy.import(&env.export("t"));
    assert_eq!(
        copy.export("t"),
        env.export("t"),
        "recorded lines keep their signatures"
    );
    copy.write("allowed_signers", &allowed);
    let head = &events(&copy)[2]["hash"].as_str().expect("hash")[..16].to_owned();
    let run = copy
        .run(&["verify", "--allowed-signers", "allowed_signers"])
        .ok();
    assert_eq!(
        run.stdout,
        format!(
            "negotiation  events  chain  signatures  head hash\n\
             t                 3  ok     3 allowed   {head}\n"
        )
    );
}

#[test]
fn verify_names_the_seq_of_a_signature_changed_in_the_store() {
    let env = TestEnv::new();
    if ssh_key(&env, "kim", "tester", "").is_none() {
        return;
    }
    signed_events(&env, Some("kim"));
    {
        let store = parley::store::Store::open(
            &env.store(),
            parley::store::Access::Write,
            std::time::Duration::from_secs(5),
        )
        .expect("open store");
        let meta = parley::store::Log::require(&store, "t").expect("negotiation t");
        store
            .tamper_with_segment(&meta, 2, |bytes| {
                let end = b"\\n-----END SSH SIGNATURE-----";
                let at = bytes
                    .windows(end.len())
                    .position(|w| w == end)
                    .expect("seq 2's signature is stored");
                let byte = &mut bytes[at - 12];
                *byte = if *byte == b'A' { b'B' } else { b'A' };
            })
            .expect("tamper");
    }
    let run = env.run(&["verify"]).user_error();
    assert_eq!(
        run.stderr,
        format!(
            "parley: integrity failure in t at seq 2: the signature by tester ({}) does not verify over this event's hash: it was changed or belongs to another event\n\
             hint: the store has been altered or damaged; restore it from an export or a backup\n",
            fingerprint(&env, "kim")
        )
    );
}

#[test]
fn verify_proof_says_who_signed_the_event() {
    let env = TestEnv::new();
    if ssh_key(&env, "kim", "tester", "").is_none() {
        return;
    }
    signed_events(&env, Some("kim"));
    let events = events(&env);
    env.run(&["prove", "t", "2", "--out", "p.json"]).ok();
    let run = env.run(&["verify-proof", "p.json"]).ok();
    assert_eq!(
        run.stdout,
        format!(
            "seq 2 of t (hash {}) is in the tree of 3 events with head {}\n\
             signed by tester ({})\n\
             that head is the proof's own: check it against a checkpoint you trust (--checkpoint FILE)\n",
            &events[1]["hash"].as_str().expect("hash")[..16],
            b64(&head_of_three(&events)),
            fingerprint(&env, "kim"),
        )
    );
}
