//! Statuses at the seams (issue 13): `open`, `converged` and `agreed` decided one way for
//! two parties and for more, and a `retraction` withdrawing the side's standing number, as
//! `positions`, `positions --json` and `diff` show them (docs/cli.md, "Statuses"), and the
//! audit reading a retraction the same way (audit-method.md, CB).

use serde_json::Value;

use crate::common::*;

/// Two parties, one issue per status as of 2025-03-10:
///
/// - tariff: US asks 25, Korea 0, the US "accepts" to begin talks: `open` (25 apart)
/// - autos: US offers 15, Korea concedes to 15, nobody accepts: `converged`
/// - steel: US offers 200, Korea accepts 200: `agreed`; on 2025-03-20 the US retracts
/// - security: terms only; the US proposes, Korea accepts: `agreed`
const TWO: &[&str] = &[
    r#"{"kind":"opening","negotiation":"two","at":"2025-03-01","title":"Two-party talks","parties":[{"code":"KR","name":"Korea"},{"code":"US","name":"United States"}],"issues":[{"key":"tariff","title":"Tariff","unit":"%","prefer":{"KR":"lower","US":"higher"}},{"key":"autos","title":"Auto tariff","unit":"%","prefer":{"KR":"lower","US":"higher"}},{"key":"steel","title":"Steel quota","unit":"kt","prefer":{"KR":"higher","US":"lower"}},{"key":"security","title":"Cost sharing"}],"summary":"Talks open"}"#,
    r#"{"kind":"offer","at":"2025-03-02","by":"US","issue":"tariff","position":25,"summary":"US asks 25%"}"#,
    r#"{"kind":"offer","at":"2025-03-03","by":"KR","issue":"tariff","position":0,"summary":"Korea asks 0%"}"#,
    r#"{"kind":"acceptance","at":"2025-03-04","by":"US","issue":"tariff","summary":"US agrees to begin technical talks"}"#,
    r#"{"kind":"offer","at":"2025-03-05","by":"US","issue":"autos","position":15,"summary":"US offers 15%"}"#,
    r#"{"kind":"concession","at":"2025-03-06","by":"KR","issue":"autos","position":15,"summary":"Korea comes up to 15%"}"#,
    r#"{"kind":"offer","at":"2025-03-07","by":"US","issue":"steel","position":200,"summary":"US offers a 200 kt quota"}"#,
    r#"{"kind":"acceptance","at":"2025-03-08","by":"KR","issue":"steel","position":200,"summary":"Korea accepts 200 kt"}"#,
    r#"{"kind":"offer","at":"2025-03-09","by":"US","issue":"security","terms":"Korea pays the workers' wages","summary":"US proposes that Korea pays the wages"}"#,
    r#"{"kind":"acceptance","at":"2025-03-10","by":"KR","issue":"security","summary":"Korea accepts"}"#,
    r#"{"kind":"retraction","at":"2025-03-20","by":"US","issue":"steel","summary":"US withdraws the quota offer"}"#,
];

/// Three parties:
///
/// - quota: China offers 10, Korea asks 20, Japan accepts 10: `open`; Korea comes down to
///   10 on 2025-04-02 (`converged`) and accepts on 2025-05-02 (`agreed`)
/// - fund: China proposes 5 and Japan accepts; Korea states nothing: `agreed`
/// - tariff: 10, 14 and 30; Korea retracts on 2025-04-03, the gap is then 4
const THREE: &[&str] = &[
    r#"{"kind":"opening","negotiation":"three","at":"2025-03-01","title":"Three-party talks","parties":[{"code":"CN","name":"China"},{"code":"JP","name":"Japan"},{"code":"KR","name":"Korea"}],"issues":[{"key":"quota","title":"Fishing quota","unit":"kt"},{"key":"fund","title":"Joint fund","unit":"USD bn"},{"key":"tariff","title":"Common tariff","unit":"%"}],"summary":"Talks open"}"#,
    r#"{"kind":"offer","at":"2025-03-02","by":"CN","issue":"quota","position":10,"summary":"China offers 10 kt"}"#,
    r#"{"kind":"offer","at":"2025-03-03","by":"KR","issue":"quota","position":20,"summary":"Korea asks 20 kt"}"#,
    r#"{"kind":"acceptance","at":"2025-03-04","by":"JP","issue":"quota","position":10,"summary":"Japan accepts 10 kt"}"#,
    r#"{"kind":"offer","at":"2025-03-05","by":"CN","issue":"fund","position":5,"summary":"China proposes 5 bn"}"#,
    r#"{"kind":"acceptance","at":"2025-03-06","by":"JP","issue":"fund","position":5,"summary":"Japan accepts 5 bn"}"#,
    r#"{"kind":"offer","at":"2025-03-07","by":"CN","issue":"tariff","position":10,"summary":"China proposes 10%"}"#,
    r#"{"kind":"offer","at":"2025-03-08","by":"JP","issue":"tariff","position":14,"summary":"Japan proposes 14%"}"#,
    r#"{"kind":"offer","at":"2025-03-09","by":"KR","issue":"tariff","position":30,"summary":"Korea proposes 30%"}"#,
    r#"{"kind":"concession","at":"2025-04-02","by":"KR","issue":"quota","position":10,"summary":"Korea comes down to 10 kt"}"#,
    r#"{"kind":"retraction","at":"2025-04-03","by":"KR","issue":"tariff","summary":"Korea withdraws its tariff proposal"}"#,
    r#"{"kind":"acceptance","at":"2025-05-02","by":"KR","issue":"quota","summary":"Korea accepts the 10 kt quota"}"#,
];

/// A store holding `lines` as one journal.
fn imported(lines: &[&str]) -> TestEnv {
    let env = TestEnv::new();
    let mut text = lines.join("\n");
    text.push('\n');
    env.import(&text);
    env
}

/// The stdout of a successful run of `parley args`.
fn stdout(env: &TestEnv, args: &[&str]) -> String {
    env.run(args).ok().stdout
}

/// The JSON document a successful run of `parley args` printed.
fn json(env: &TestEnv, args: &[&str]) -> Value {
    serde_json::from_str(&stdout(env, args)).expect("one JSON document")
}

/// The US acceptance of 24 April 2025 agreed to begin technical talks; Korea stood at 0
/// and the US at 25, so neither tariff is agreed.
#[test]
fn korea_us_2025_acceptance_while_25_apart_leaves_the_tariffs_open() {
    let mut env = TestEnv::new();
    env.now = crate::reliability::LATER.into();
    let journal = bundled("korea-us-2025.ndjson");
    env.run(&["import", journal.to_str().expect("utf-8 path")])
        .ok();
    assert_eq!(
        stdout(
            &env,
            &["positions", "korea-us-2025", "--as-of", "2025-04-30"]
        ),
        r#"korea-us-2025 — positions as of 2025-04-30, every correction recorded so far applied

issue         unit                      KR               US  gap  opening gap  concession share  status  last move
tariff        %             0 (2025-04-24)  25 (2025-04-09)   25           25                    open    US acceptance 2025-04-24
auto-tariff   %             0 (2025-04-24)  25 (2025-03-26)   25           25                    open    US acceptance 2025-04-24
investment    USD bn                     —                —    —            —                    open
fund-cash     USD bn                     —                —    —            —                    open
shipbuilding  USD bn                     —                —    —            —                    open    KR offer 2025-04-24
alaska-lng    USD bn                     —                —    —            —                    open    KR offer 2025-04-24
chips                                    —                —    —            —                    open    US threat 2025-03-04
troop-costs   KRW bn  1,519.2 (2025-04-14)                —    —            —                    open    KR statement 2025-04-14
agriculture                              —                —    —            —                    open

Terms stated:
  tariff · KR (2025-03-05): Trump's figure appears to compare WTO most-favoured-nation rates (13.4% vs 3.3%), which do not apply between FTA partners.
  tariff · US (2025-04-09): The 25% rate for Korea was suspended, not withdrawn; the pause ran to 8 July.
"#
    );
}

/// Each status with two parties, in the text table.
#[test]
fn two_parties_each_status() {
    let env = imported(TWO);
    assert_eq!(
        stdout(&env, &["positions", "two", "--as-of", "2025-03-10"]),
        r#"two — positions as of 2025-03-10, every correction recorded so far applied

issue     unit                KR                US  gap  opening gap  concession share  status     last move
tariff    %       0 (2025-03-03)   25 (2025-03-02)   25           25                    open       US acceptance 2025-03-04
autos     %      15 (2025-03-06)   15 (2025-03-05)    0            0                    converged  KR concession 2025-03-06
steel     kt    200 (2025-03-08)  200 (2025-03-07)    0            0                    agreed     KR acceptance 2025-03-08
security                       —             terms    —            —                    agreed     KR acceptance 2025-03-10

Terms stated:
  security · US (2025-03-09): Korea pays the workers' wages
"#
    );
}

/// The US retraction leaves the US with no steel position: no gap, and no agreement.
#[test]
fn two_parties_retraction_withdraws_the_number() {
    let env = imported(TWO);
    assert_eq!(
        stdout(&env, &["positions", "two"]),
        r#"two — positions now, every correction applied

issue     unit                KR               US  gap  opening gap  concession share  status     last move
tariff    %       0 (2025-03-03)  25 (2025-03-02)   25           25                    open       US acceptance 2025-03-04
autos     %      15 (2025-03-06)  15 (2025-03-05)    0            0                    converged  KR concession 2025-03-06
steel     kt    200 (2025-03-08)                —    —            0                    open       US retraction 2025-03-20
security                       —            terms    —            —                    agreed     KR acceptance 2025-03-10

Terms stated:
  security · US (2025-03-09): Korea pays the workers' wages
"#
    );
}

/// The same in `positions --json`: the retracted side has `position` null since the
/// retraction.
#[test]
fn two_parties_json() {
    let env = imported(TWO);
    let expected: Value = serde_json::from_str(
        r#"{
  "as_of": null,
  "issues": [
    {
      "concession_share": {
        "KR": null,
        "US": null
      },
      "gap": 25.0,
      "issue": "tariff",
      "last_move": {
        "at": "2025-03-04",
        "by": "US",
        "kind": "acceptance",
        "seq": 4
      },
      "opening_gap": 25.0,
      "sides": {
        "KR": {
          "position": 0.0,
          "seq": 3,
          "since": "2025-03-03",
          "terms": null
        },
        "US": {
          "position": 25.0,
          "seq": 2,
          "since": "2025-03-02",
          "terms": null
        }
      },
      "status": "open",
      "title": "Tariff",
      "unit": "%"
    },
    {
      "concession_share": {
        "KR": null,
        "US": null
      },
      "gap": 0.0,
      "issue": "autos",
      "last_move": {
        "at": "2025-03-06",
        "by": "KR",
        "kind": "concession",
        "seq": 6
      },
      "opening_gap": 0.0,
      "sides": {
        "KR": {
          "position": 15.0,
          "seq": 6,
          "since": "2025-03-06",
          "terms": null
        },
        "US": {
          "position": 15.0,
          "seq": 5,
          "since": "2025-03-05",
          "terms": null
        }
      },
      "status": "converged",
      "title": "Auto tariff",
      "unit": "%"
    },
    {
      "concession_share": {},
      "gap": null,
      "issue": "steel",
      "last_move": {
        "at": "2025-03-20",
        "by": "US",
        "kind": "retraction",
        "seq": 11
      },
      "opening_gap": 0.0,
      "sides": {
        "KR": {
          "position": 200.0,
          "seq": 8,
          "since": "2025-03-08",
          "terms": null
        },
        "US": {
          "position": null,
          "seq": 11,
          "since": "2025-03-20",
          "terms": null
        }
      },
      "status": "open",
      "title": "Steel quota",
      "unit": "kt"
    },
    {
      "concession_share": {},
      "gap": null,
      "issue": "security",
      "last_move": {
        "at": "2025-03-10",
        "by": "KR",
        "kind": "acceptance",
        "seq": 10
      },
      "opening_gap": null,
      "sides": {
        "US": {
          "position": null,
          "seq": 9,
          "since": "2025-03-09",
          "terms": "Korea pays the workers' wages"
        }
      },
      "status": "agreed",
      "title": "Cost sharing",
      "unit": null
    }
  ],
  "known_at": null,
  "negotiation": "two"
}
"#,
    )
    .expect("expected JSON");
    assert_eq!(json(&env, &["positions", "two", "--json"]), expected);
}

/// `diff` across the retraction: steel goes from agreed to open.
#[test]
fn two_parties_diff_shows_the_agreement_withdrawn() {
    let env = imported(TWO);
    assert_eq!(
        stdout(&env, &["diff", "two", "2025-03-10", "2025-03-31"]),
        r#"two — what moved between 2025-03-10 and 2025-03-31

issue  side  from   to  change  moves  gap    status
steel  KR     200  200       0      0  0 → —  agreed → open
       US     200    —              1

side  posture then   index  posture now    index
KR    too-few-moves  -0.40  too-few-moves  -0.40
US    too-few-moves  +0.40  too-few-moves  +0.40
"#
    );
}

/// Japan accepting China's 10 while Korea asks 20 leaves the quota open.
#[test]
fn three_parties_one_acceptance_is_not_agreement_for_all() {
    let env = imported(THREE);
    assert_eq!(
        stdout(&env, &["positions", "three", "--as-of", "2025-03-31"]),
        r#"three — positions as of 2025-03-31, every correction recorded so far applied

issue   unit                 CN               JP               KR  gap  opening gap  concession share  status  last move
quota   kt      10 (2025-03-02)  10 (2025-03-04)  20 (2025-03-03)   10           10                    open    JP acceptance 2025-03-04
fund    USD bn   5 (2025-03-05)   5 (2025-03-06)                —    0            0                    agreed  JP acceptance 2025-03-06
tariff  %       10 (2025-03-07)  14 (2025-03-08)  30 (2025-03-09)   20           20                    open    KR offer 2025-03-09

Pairwise gaps:
  quota: CN–JP 0 · CN–KR 10 · JP–KR 10
  fund: CN–JP 0
  tariff: CN–JP 4 · CN–KR 20 · JP–KR 16
"#
    );
}

/// Korea at 10 without accepting: converged; the tariff gap is over China and Japan
/// after Korea's retraction.
#[test]
fn three_parties_converged_then_retraction_narrows_the_gap() {
    let env = imported(THREE);
    assert_eq!(
        stdout(&env, &["positions", "three", "--as-of", "2025-04-30"]),
        r#"three — positions as of 2025-04-30, every correction recorded so far applied

issue   unit                 CN               JP               KR  gap  opening gap  concession share  status     last move
quota   kt      10 (2025-03-02)  10 (2025-03-04)  10 (2025-04-02)    0           10                    converged  KR concession 2025-04-02
fund    USD bn   5 (2025-03-05)   5 (2025-03-06)                —    0            0                    agreed     JP acceptance 2025-03-06
tariff  %       10 (2025-03-07)  14 (2025-03-08)                —    4           20                    open       KR retraction 2025-04-03

Pairwise gaps:
  quota: CN–JP 0 · CN–KR 0 · JP–KR 0
  fund: CN–JP 0
  tariff: CN–JP 4
"#
    );
}

/// Korea accepts: every side on the quota stands on 10 and all but China, whose number
/// it is, accepted it.
#[test]
fn three_parties_agreed_once_all_but_the_proposer_accepted() {
    let env = imported(THREE);
    assert_eq!(
        stdout(&env, &["positions", "three", "--as-of", "2025-05-31"]),
        r#"three — positions as of 2025-05-31, every correction recorded so far applied

issue   unit                 CN               JP               KR  gap  opening gap  concession share  status  last move
quota   kt      10 (2025-03-02)  10 (2025-03-04)  10 (2025-04-02)    0           10                    agreed  KR acceptance 2025-05-02
fund    USD bn   5 (2025-03-05)   5 (2025-03-06)                —    0            0                    agreed  JP acceptance 2025-03-06
tariff  %       10 (2025-03-07)  14 (2025-03-08)                —    4           20                    open    KR retraction 2025-04-03

Pairwise gaps:
  quota: CN–JP 0 · CN–KR 0 · JP–KR 0
  fund: CN–JP 0
  tariff: CN–JP 4
"#
    );
}

/// Three parties in `positions --json`, as of 2025-04-30.
#[test]
fn three_parties_json() {
    let env = imported(THREE);
    let expected: Value = serde_json::from_str(
        r#"{
  "as_of": "2025-04-30",
  "issues": [
    {
      "concession_share": {},
      "gap": 0.0,
      "issue": "quota",
      "last_move": {
        "at": "2025-04-02",
        "by": "KR",
        "kind": "concession",
        "seq": 10
      },
      "opening_gap": 10.0,
      "pairwise_gaps": [{"between": ["CN", "JP"], "gap": 0.0}, {"between": ["CN", "KR"], "gap": 0.0}, {"between": ["JP", "KR"], "gap": 0.0}],
      "sides": {
        "CN": {
          "position": 10.0,
          "seq": 2,
          "since": "2025-03-02",
          "terms": null
        },
        "JP": {
          "position": 10.0,
          "seq": 4,
          "since": "2025-03-04",
          "terms": null
        },
        "KR": {
          "position": 10.0,
          "seq": 10,
          "since": "2025-04-02",
          "terms": null
        }
      },
      "status": "converged",
      "title": "Fishing quota",
      "unit": "kt"
    },
    {
      "concession_share": {},
      "gap": 0.0,
      "issue": "fund",
      "last_move": {
        "at": "2025-03-06",
        "by": "JP",
        "kind": "acceptance",
        "seq": 6
      },
      "opening_gap": 0.0,
      "pairwise_gaps": [{"between": ["CN", "JP"], "gap": 0.0}],
      "sides": {
        "CN": {
          "position": 5.0,
          "seq": 5,
          "since": "2025-03-05",
          "terms": null
        },
        "JP": {
          "position": 5.0,
          "seq": 6,
          "since": "2025-03-06",
          "terms": null
        }
      },
      "status": "agreed",
      "title": "Joint fund",
      "unit": "USD bn"
    },
    {
      "concession_share": {},
      "gap": 4.0,
      "issue": "tariff",
      "last_move": {
        "at": "2025-04-03",
        "by": "KR",
        "kind": "retraction",
        "seq": 11
      },
      "opening_gap": 20.0,
      "pairwise_gaps": [{"between": ["CN", "JP"], "gap": 4.0}],
      "sides": {
        "CN": {
          "position": 10.0,
          "seq": 7,
          "since": "2025-03-07",
          "terms": null
        },
        "JP": {
          "position": 14.0,
          "seq": 8,
          "since": "2025-03-08",
          "terms": null
        },
        "KR": {
          "position": null,
          "seq": 11,
          "since": "2025-04-03",
          "terms": null
        }
      },
      "status": "open",
      "title": "Common tariff",
      "unit": "%"
    }
  ],
  "known_at": null,
  "negotiation": "three"
}
"#,
    )
    .expect("expected JSON");
    assert_eq!(
        json(
            &env,
            &["positions", "three", "--as-of", "2025-04-30", "--json"]
        ),
        expected
    );
}

/// `diff` for three parties: the quota from open to agreed, the tariff gap from 20 to 4.
#[test]
fn three_parties_diff() {
    let env = imported(THREE);
    assert_eq!(
        stdout(&env, &["diff", "three", "2025-03-31", "2025-05-31"]),
        r#"three — what moved between 2025-03-31 and 2025-05-31

issue   side  from  to  change  moves  gap     status
quota   CN      10  10       0      0  10 → 0  open → agreed
        JP      10  10       0      0
        KR      20  10     -10      2
tariff  CN      10  10       0      0  20 → 4  open
        JP      14  14       0      0
        KR      30   —              1

side  posture then   index  posture now    index
CN    too-few-moves  +0.00  too-few-moves  +0.33
JP    too-few-moves  -0.11  too-few-moves  +0.17
KR    too-few-moves      —  too-few-moves  -0.30
"#
    );
}

/// The US withdraws its 25% demand and then asks 10%: a new start, not a 15-point
/// concession, so the audit's concession balance counts only Korea's move (0 → 5).
const WITHDRAWN: &[&str] = &[
    r#"{"kind":"opening","negotiation":"withdrawn","at":"2025-03-01","title":"A withdrawn offer","parties":[{"code":"KR","name":"Korea"},{"code":"US","name":"United States"}],"issues":[{"key":"tariff","title":"Tariff","unit":"%","prefer":{"KR":"lower","US":"higher"}}],"summary":"Talks open"}"#,
    r#"{"kind":"offer","at":"2025-03-02","by":"US","issue":"tariff","position":25,"summary":"US asks 25%"}"#,
    r#"{"kind":"offer","at":"2025-03-03","by":"KR","issue":"tariff","position":0,"summary":"Korea asks 0%"}"#,
    r#"{"kind":"concession","at":"2025-03-04","by":"KR","issue":"tariff","position":5,"summary":"Korea comes up to 5%"}"#,
    r#"{"kind":"retraction","at":"2025-03-05","by":"US","issue":"tariff","summary":"US withdraws its 25% demand"}"#,
    r#"{"kind":"offer","at":"2025-03-06","by":"US","issue":"tariff","position":10,"summary":"US asks 10%"}"#,
];

/// The audit reads a retraction as `positions` does: no step leads from the withdrawn
/// number to the next one.
#[test]
fn audit_takes_the_number_after_a_retraction_as_a_new_start() {
    let env = imported(WITHDRAWN);
    assert_eq!(
        stdout(&env, &["audit", "withdrawn", "--window", "1"]),
        r#"withdrawn — posture audit, now, every correction applied
method: docs/audit-method.md; verdicts: stayed-proactive, drifted-defensive, stayed-defensive, turned-proactive, mixed, too-few-moves, not-judged

KR  Korea: TOO-FEW-MOVES   (2 moves, 0 judged windows; weak)
  index — with every move (public at reduced weight) · — from table moves only
  · 2 moves: no window has the 3 moves and the data a verdict needs

  window                   moves  index  top  verdict        -1 ─── 0 ─── +1
  2025-03-03 … 2025-03-04      2      —   0%  too-few-moves

  measure                         value  counts, all moves                   table moves only
  INI initiative share             1.00  2 of 2 moves initiated              1.00 (2 of 2)
  CB concession balance            1.00  0.2 of 0.2 units of movement given  1.00 (0.2 of 0.2)
  CUP concessions under pressure   0.00  0 of 1 concessions under threat     0.00 (0 of 1)
  REC reciprocity                  0.00  0 of 1 concessions matched          0.00 (0 of 1)
  PK packaging                     0.00  0 of 2 bundled, 0 cross-track       0.00 (0 of 2)
  RV reversibility balance            —  no data                             no data
  left out of the index (no data): RV

  flags (1)
  flag                       events  finding
  unreciprocated-concession  4       no counterpart concession within 30 days of seq 4

US  United States: STAYED-PROACTIVE   (3 moves, 1 judged window; weak)
  index +0.33 with every move (public at reduced weight) · +0.33 from table moves only
  · no window defensive
  · last window proactive (≥ +0.20)
  · index +0.33 in the first judged window, +0.33 in the last (+0.00)

  window                   moves  index  top  verdict    -1 ─── 0 ─── +1
  2025-03-02 … 2025-03-06      3  +0.33   0%  proactive  │─────┼─●───│

  measure                         value  counts, all moves                 table moves only
  INI initiative share             1.00  2 of 2 moves initiated            1.00 (2 of 2)
  CB concession balance            0.00  0 of 0.2 units of movement given  0.00 (0 of 0.2)
  CUP concessions under pressure      —  no data                           no data
  REC reciprocity                     —  no data                           no data
  PK packaging                     0.00  0 of 2 bundled, 0 cross-track     0.00 (0 of 2)
  RV reversibility balance            —  no data                           no data
  left out of the index (no data): CUP, REC, RV

  no flags

"#
    );
}
