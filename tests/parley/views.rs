//! The views layer through the library (issue 14): the audit a library user reads is the
//! one `parley audit` prints, from the same memo, and a memo is kept only at the head the
//! audit read.

use std::time::Duration;

use parley::journal::{Appender, ImportOptions, import};
use parley::model::{Slug, parse_instant};
use parley::projection::ViewSpec;
use parley::projection::audit::Rubric;
use parley::store::{Access, Log, MemoryLog, Store};
use parley::views::audit::{self, Begun};
use parley::views::{self, AuditForm, AuditRequest, memo};
use serde_json::json;

use crate::common::{TestEnv, bundled, journal};

const SLUG: &str = "korea-us-2025";

fn request(form: AuditForm) -> AuditRequest {
    AuditRequest {
        spec: ViewSpec::default(),
        rubric: Rubric::default(),
        form,
        toward: None,
    }
}

fn explained() -> AuditForm {
    AuditForm::Text {
        described: "now, every correction applied".into(),
        explain: true,
    }
}

fn open(env: &TestEnv) -> Store {
    Store::open(&env.store(), Access::Read, Duration::from_secs(5)).unwrap()
}

#[test]
fn the_library_reads_the_audit_the_command_line_kept_and_keeps_one_it_reads() {
    let mut env = TestEnv::new();
    env.now = crate::reliability::LATER.into();
    let file = bundled("korea-us-2025.ndjson");
    env.run(&["import", file.to_str().unwrap()]).ok();
    let printed = env.run(&["audit", SLUG, "--explain"]).ok().stdout;

    let store = open(&env);
    let text = views::audit(&store, SLUG, &request(explained())).unwrap();
    assert_eq!(
        (text.output.as_str(), text.from_memo),
        (printed.as_str(), true)
    );

    let first = views::audit(&store, SLUG, &request(AuditForm::Json)).unwrap();
    let again = views::audit(&store, SLUG, &request(AuditForm::Json)).unwrap();
    assert_eq!((first.from_memo, again.from_memo), (false, true));
    assert_eq!(again.output, first.output);
    drop(store);
    assert_eq!(
        env.run(&["audit", SLUG, "--json"]).ok().stdout,
        first.output
    );
}

#[test]
fn an_audit_whose_log_moved_on_while_it_worked_keeps_no_memo() {
    let log = MemoryLog::new();
    let options = ImportOptions {
        negotiation: None,
        dry_run: false,
        now: parse_instant("2025-05-01T00:00:00Z").unwrap(),
        recorder: "tester".into(),
    };
    let text = journal(&[
        r#"{"kind":"offer","at":"2025-03-10","by":"KR","issue":"tariff","position":10,"summary":"Korea offers 10%"}"#,
    ]);
    import(&log, text.as_bytes(), "t.ndjson", &options).unwrap();
    let request = request(AuditForm::Json);
    let Begun::Read(pending) = audit::begin(&log, "t", &request).unwrap() else {
        panic!("a fresh log has no memo");
    };
    let audited = pending.compute().unwrap();
    assert!(audited.wants_keeping());

    let mut appender = Appender::new(&log, options.now, "tester".into()).unwrap();
    let offer = json!({"kind": "offer", "at": "2025-03-11", "by": "KR", "issue": "tariff", "position": 9, "summary": "Korea offers 9%"});
    let slug = Slug::parse("t").unwrap();
    appender
        .append(offer.as_object().unwrap().clone(), Some(&slug))
        .unwrap();
    appender.commit().unwrap();

    audited.keep(&log).unwrap();
    let meta = log.require("t").unwrap();
    assert_eq!(memo::kept(&log, &meta).unwrap(), []);
    let fresh = views::audit(&log, "t", &request).unwrap();
    assert!(!fresh.from_memo);
    assert_ne!(fresh.output, audited.output);
    assert_eq!(memo::kept(&log, &meta).unwrap().len(), 1);
}
