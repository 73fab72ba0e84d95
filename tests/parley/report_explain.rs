//! The events behind each posture figure, one click away (issue 16): under each
//! measure's value a `<details>` lists the events `parley audit --explain` names for it
//! (seq linking to the log's row, date, side, kind, what it counted as, weight, summary);
//! it lists the first 50, on a journal the charts aggregate the first 20, and then the
//! command for the rest.

use parley::projection::audit::{Rubric, audit};
use parley::report::{Report, render};

use crate::common::journal;
use crate::report::{page_with_audit, tables_of, talks, timeline};

/// Each `<details>` under a figure of the measures table `table`, its list items one to
/// a line.
fn explanations(table: &str) -> String {
    table
        .split("<tr>")
        .skip(2)
        .map(|row| {
            let code = row
                .split_once("<abbr>")
                .and_then(|(_, rest)| rest.split_once("</abbr>"))
                .map_or("?", |(code, _)| code);
            let why = row
                .split_once("<details class=\"why\"")
                .and_then(|(_, rest)| rest.split_once("</details>"))
                .map_or("(none)".to_owned(), |(why, _)| {
                    format!("<details class=\"why\"{why}</details>").replace("<li>", "\n  <li>")
                });
            format!("{code}: {why}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn each_measure_lists_the_events_behind_its_figure() {
    let html = page_with_audit(&talks());
    let tables = tables_of(&html, "measures");
    let sides = ["KR", "US"]
        .iter()
        .zip(&tables)
        .map(|(party, table)| format!("{party}\n{}", explanations(table)))
        .collect::<Vec<_>>()
        .join("\n\n");
    insta::assert_snapshot!("report-measure-explanations", sides);
}

#[test]
fn on_a_long_journal_each_list_shows_its_first_20_events_and_the_command_for_all() {
    let lines: Vec<String> = (0..2_500u32)
        .map(|i| {
            let by = if i % 2 == 0 { "KR" } else { "US" };
            let kind = ["offer", "demand", "concession", "threat"][(i % 4) as usize];
            format!(
                "{{\"kind\":\"{kind}\",\"at\":\"2025-{:02}-{:02}\",\"by\":\"{by}\",\"issue\":\"tariff\",\"position\":{},\"summary\":\"Move {i}\"}}",
                3 + i / 560,
                1 + (i / 20) % 28,
                25 - (i % 25) as i32
            )
        })
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let timeline = timeline(&journal(&refs), "t");
    let audit = audit(&timeline, &Rubric::default());
    let html = render(&Report::build(&timeline, None, Some(&audit)));
    let tables = tables_of(&html, "measures");
    let first = explanations(tables[0]);
    insta::assert_snapshot!(
        "report-measure-explanations-long",
        first.lines().take(24).collect::<Vec<_>>().join("\n")
    );
}
