//! The HTML report (issue 5): its structure, escaping and self-containment through the
//! library (fast, no browser), the `report` command, and the real page in headless
//! Chromium (marks per move, the slider, no external resource, a screenshot; the visible
//! text of each bundled journal's report as an insta snapshot (`INSTA_UPDATE=always`
//! writes new ones for review); the posture tables' layout at 1400 and
//! 420 px). Without Chromium the browser tests skip with a note, or fail when `CI` is set.
//!
//! Each check is of a whole value: an element as the page writes it ([`element`]), or the
//! visible text of a table or section ([`text_of`]) as a snapshot; a check that something
//! is absent scans the whole page and lists every place it found it ([`occurrences`]).

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use parley::journal::{ImportOptions, import};
use parley::model::{Kind, parse_instant};
use parley::projection::audit::{Rubric, audit};
use parley::projection::{Timeline, ViewSpec};
use parley::report::{Report, render};
use parley::store::{Access, Store};
use parley::views;
use serde_json::{Value, json};

use crate::common::{TestEnv, bundled, in_ci, journal};

/// A clock after every bundled journal's last move.
const LATER: &str = "2026-06-01T00:00:00Z";

/// A small negotiation: a public threat, a demand answering it (later corrected), two
/// concessions that close the gap, an acceptance and a meeting.
pub(crate) fn talks() -> String {
    journal(&[
        r#"{"kind":"threat","at":"2025-03-04","by":"US","issue":"tariff","position":25,"summary":"Tariff of 25% <announced> & \"feared\" by 'all'","channel":"public","ref":"th"}"#,
        r#"{"kind":"demand","at":"2025-03-10","by":"KR","issue":"tariff","position":0,"summary":"Korea asks for 0","responds_to":"th","ref":"ask"}"#,
        r#"{"kind":"correction","at":"2025-03-11","target":"ask","action":"amend","changes":{"position":5},"reason":"The ask was 5%"}"#,
        r#"{"kind":"concession","at":"2025-04-01","by":"US","issue":"tariff","position":15,"summary":"US cuts to 15","responds_to":"ask","reversibility":"executive"}"#,
        r#"{"kind":"concession","at":"2025-04-02","by":"KR","issue":"tariff","position":15,"summary":"Korea moves to 15","reversibility":"pledge"}"#,
        r#"{"kind":"acceptance","at":"2025-04-03","by":"US","issue":"tariff","summary":"Deal at 15"}"#,
        r#"{"kind":"meeting","at":"2025-04-03","by":"KR","to":["US"],"summary":"Talks in Washington"}"#,
    ])
}

/// Imports `text` into a fresh store and returns the timeline of negotiation `slug`.
pub(crate) fn timeline(text: &str, slug: &str) -> Timeline {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s"), Access::Write, Duration::from_secs(1)).unwrap();
    let options = ImportOptions {
        negotiation: None,
        dry_run: false,
        now: parse_instant(LATER).unwrap(),
        recorder: "tester".into(),
    };
    import(&store, Cursor::new(text.as_bytes()), "test", &options).unwrap();
    views::timeline(&store, slug, ViewSpec::default()).unwrap()
}

/// How often `needle` occurs in `haystack`.
fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// Timeline marks: one `<use class="mv …">` per move, in the page or the rendered DOM.
fn move_marks(html: &str) -> usize {
    count(html, "class=\"mv ")
}

/// Every reference in `html` that would make a browser fetch something: `src`, `href`,
/// `srcset`, `action`, `poster` and `data` attribute values other than in-page `#…`
/// anchors, `url(…)` other than `url(#…)`, `@import`, and elements that load by nature.
fn external_references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in [
        "src=",
        "href=",
        "srcset=",
        "action=",
        "poster=",
        "data=",
        "xlink:href=",
    ] {
        for (at, _) in html.match_indices(attr) {
            let before = html[..at].chars().last();
            if !matches!(before, Some(' ' | '\n' | '\t')) {
                continue;
            }
            let value = html[at + attr.len()..].trim_start_matches(['"', '\'']);
            if !value.starts_with('#') {
                found.push(html[at..(at + 60).min(html.len())].to_owned());
            }
        }
    }
    for (at, _) in html.match_indices("url(") {
        let value = html[at + 4..].trim_start_matches(['"', '\'']);
        if !value.starts_with('#') {
            found.push(html[at..(at + 40).min(html.len())].to_owned());
        }
    }
    for bad in [
        "@import", "<link", "<img", "<iframe", "<object", "<embed", "\"//", "'//",
    ] {
        if html.contains(bad) {
            found.push(bad.to_owned());
        }
    }
    found
}

/// The tag name an opening tag `open` (such as `<section id="x"`) starts.
fn tag_name(open: &str) -> &str {
    let name = &open[1..];
    &name[..name.find([' ', '>', '/']).unwrap_or(name.len())]
}

/// Elements that have no closing tag.
const VOID: [&str; 6] = ["input", "meta", "br", "use", "link", "img"];

/// Each element of `html` whose opening tag starts with `open` (`<section id="posture"`,
/// `<p class="meta">`), whole: from its opening tag through its matching closing tag
/// (elements of the same name nested in it included), in page order.
fn elements<'a>(html: &'a str, open: &str) -> Vec<&'a str> {
    let name = tag_name(open);
    let (opening, closing) = (format!("<{name}"), format!("</{name}>"));
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = html[from..].find(open).map(|at| from + at) {
        let first_end = html[at..].find('>').map_or(html.len(), |end| at + end + 1);
        let mut end = first_end;
        if !VOID.contains(&name) && !html[at..first_end].ends_with("/>") {
            let mut depth = 1;
            let mut cursor = first_end;
            while depth > 0 {
                let next_open = html[cursor..]
                    .match_indices(&opening)
                    .map(|(i, _)| cursor + i)
                    .find(|&i| {
                        matches!(
                            html[i + opening.len()..].chars().next(),
                            Some(' ' | '>' | '\n' | '/')
                        )
                    });
                let Some(next_close) = html[cursor..].find(&closing).map(|i| cursor + i) else {
                    cursor = html.len();
                    break;
                };
                match next_open {
                    Some(o) if o < next_close => {
                        depth += 1;
                        cursor = o + opening.len();
                    }
                    _ => {
                        depth -= 1;
                        cursor = next_close + closing.len();
                    }
                }
            }
            end = cursor;
        }
        found.push(&html[at..end]);
        from = end;
    }
    found
}

/// The first element of `html` whose opening tag starts with `open`, whole (see
/// [`elements`]); a page without one fails the test, naming `open`.
fn element<'a>(html: &'a str, open: &str) -> &'a str {
    elements(html, open)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no element {open}… in the page"))
}

/// Each value that follows `prefix` up to the next `"`: the ids of
/// `<section id="` or the classes after `class="mv `, in page order.
fn values_after<'a>(html: &'a str, prefix: &str) -> Vec<&'a str> {
    html.split(prefix)
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap_or(rest.len())])
        .collect()
}

/// Each run of text that starts with `start`, up to the next tag (`<`): what the page
/// says wherever it says `start`.
fn values_until_tag<'a>(html: &'a str, start: &str) -> Vec<&'a str> {
    html.match_indices(start)
        .map(|(at, _)| &html[at..html[at..].find('<').map_or(html.len(), |end| at + end)])
        .collect()
}

/// Each occurrence of `needle` anywhere in `html`, with up to 40 bytes of what surrounds
/// it, for a whole-page check that something is absent: the list is what a failure shows.
fn occurrences(html: &str, needle: &str) -> Vec<String> {
    html.match_indices(needle)
        .map(|(at, _)| {
            let mut start = at.saturating_sub(40);
            while !html.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (at + needle.len() + 40).min(html.len());
            while !html.is_char_boundary(end) {
                end += 1;
            }
            html[start..end].to_owned()
        })
        .collect()
}

/// What the page shows under `heading` (an `<h3>…</h3>` as the page writes it): the
/// heading and all after it up to the next `<h3` or the end of its section.
fn under_heading<'a>(html: &'a str, heading: &str) -> &'a str {
    let rest = &html[html
        .find(heading)
        .unwrap_or_else(|| panic!("no heading {heading} in the page"))..];
    let end = [
        rest[1..].find("<h3").map(|at| at + 1),
        rest.find("</section>"),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(rest.len());
    &rest[..end]
}

/// Elements whose text starts a line of [`text_of`].
const BLOCKS: [&str; 34] = [
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "li",
    "tr",
    "caption",
    "div",
    "section",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "header",
    "footer",
    "nav",
    "main",
    "details",
    "summary",
    "ul",
    "ol",
    "article",
    "label",
    "output",
    "br",
    "title",
    "desc",
    "text",
    "pre",
    "dl",
    "dt",
    "dd",
];

/// The text of an HTML `fragment` as a reader gets it: tags removed, entities decoded,
/// the text of each block element (paragraph, heading, row, caption, chart label, …) on a
/// line of its own, a row's cells set apart by ` | ` and links next to each other by
/// ` · `, scripts and styles left out.
fn text_of(fragment: &str) -> String {
    let mut out = String::new();
    let mut rest = fragment;
    // Where the last link closed, to set links that follow each other apart.
    let mut link_end = None;
    while let Some(at) = rest.find('<') {
        push_text(&mut out, &rest[..at]);
        let tag = &rest[at..];
        let end = tag.find('>').map_or(tag.len(), |end| end + 1);
        let closing = tag.starts_with("</");
        let name = tag_name(if closing { &tag[1..] } else { tag });
        let name = name.to_ascii_lowercase();
        rest = &tag[end..];
        if !closing && (name == "script" || name == "style") {
            let close = format!("</{name}>");
            rest = rest.find(&close).map_or("", |at| &rest[at + close.len()..]);
        } else if BLOCKS.contains(&name.as_str()) {
            out.push('\n');
        } else if !closing && (name == "td" || name == "th") && !out.ends_with('\n') {
            out.push_str(" | ");
        } else if name == "a" && closing {
            link_end = Some(out.len());
        } else if name == "a" && link_end == Some(out.len()) {
            out.push_str(" · ");
        }
    }
    push_text(&mut out, rest);
    unescape(&out)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Appends `text` to `out` with each run of white space as one space.
fn push_text(out: &mut String, text: &str) {
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() && !out.ends_with(['\n', ' ']) {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    if space && !out.is_empty() && !out.ends_with(['\n', ' ']) {
        out.push(' ');
    }
}

#[test]
fn the_page_has_every_section_one_mark_per_move_and_the_slider() {
    let timeline = timeline(&talks(), "t");
    let moves = timeline.moves().count();
    let html = render(&Report::build(&timeline, None, None));
    assert_eq!(moves, 6);
    assert_eq!(move_marks(&html), moves, "one timeline mark per move");
    assert_eq!(
        values_after(&html, "<section id=\""),
        [
            "summary",
            "replay",
            "dance",
            "timeline-section",
            "posture",
            "tables"
        ]
    );
    assert_eq!(
        element(&html, "<div class=\"slider\""),
        "<div class=\"slider\" role=\"group\" aria-label=\"Replay the talks\"><label for=\"as-of\">Show the talks as of</label>\
         <input type=\"range\" id=\"as-of\" min=\"0\" max=\"4\" step=\"1\" value=\"4\" aria-valuetext=\"2025-04-03 (day 5 of 5)\" >\
         <output for=\"as-of\" id=\"as-of-date\">2025-04-03</output><span id=\"as-of-moves\" aria-live=\"polite\">6 of 6 moves</span></div>"
    );
    // Four stated positions on the tariff, two of them concessions, one acceptance.
    assert_eq!(count(&html, "class=\"pm pos"), 4);
    assert_eq!(count(&html, "class=\"ring\" cx"), 2);
    assert_eq!(count(&html, "class=\"agree\""), 1);
    // Every chart has a title and a description.
    let charts = values_after(&html, "<svg class=\"chart\" id=\"");
    assert_eq!(
        charts,
        ["gaps", "dance-0", "timeline", "weekly", "pressure"]
    );
    assert_eq!(
        values_after(&html, "<desc id=\""),
        charts.iter().map(|c| format!("{c}-d")).collect::<Vec<_>>()
    );
    assert_eq!(
        values_after(&html, "<title id=\""),
        charts.iter().map(|c| format!("{c}-t")).collect::<Vec<_>>()
    );
    // A timeline mark per move in journal order, the public threat hollow (`pub`), and
    // the two answers (`responds_to`) drawn as one path of two links.
    assert_eq!(
        values_after(&html, "class=\"mv "),
        [
            "k-threat pub",
            "k-demand",
            "k-concession",
            "k-concession",
            "k-acceptance",
            "k-meeting"
        ]
    );
    assert_eq!(
        element(&html, "<path class=\"links\""),
        "<path class=\"links\" d=\"M150 125C230.7 125 230.7 33 311.4 33M311.4 33C607.4 33 607.4 79 903.3 79\"><title>responds_to links</title></path>"
    );
    // A row per side and channel, a column per kind: the public threat is the US's.
    let head = [
        "demand",
        "concession",
        "acceptance",
        "threat",
        "meeting",
        "all moves",
    ]
    .map(|k| format!("<th scope=\"col\" class=\"num\">{k}</th>"))
    .concat();
    let row = |side: &str, channel: &str, counts: [u8; 6]| {
        let cells = counts
            .map(|n| format!("<td class=\"num\">{n}</td>"))
            .concat();
        format!("<tr><th scope=\"row\">{side}</th><td>{channel}</td>{cells}</tr>")
    };
    assert_eq!(
        tables_of(&html, "channels"),
        [format!(
            "<caption>Each side's moves by kind, at the table and in public one above the other.</caption><thead><tr><th scope=\"col\">Side</th><th scope=\"col\">Channel</th>{head}</tr></thead><tbody>{}{}{}{}</tbody>",
            row("KR", "table", [1, 1, 0, 0, 1, 3]),
            row("KR", "public", [0, 0, 0, 0, 0, 0]),
            row("US", "table", [0, 1, 1, 0, 0, 2]),
            row("US", "public", [0, 0, 0, 1, 0, 1]),
        )]
    );
}

#[test]
fn a_negotiation_without_moves_still_renders_and_says_so() {
    let html = render(&Report::build(&timeline(&journal(&[]), "t"), None, None));
    assert_eq!(move_marks(&html), 0);
    // A slider with nothing to replay is disabled.
    assert_eq!(
        element(&html, "<input type=\"range\" id=\"as-of\""),
        "<input type=\"range\" id=\"as-of\" min=\"0\" max=\"0\" step=\"1\" value=\"0\" aria-valuetext=\"no moves yet\" disabled>"
    );
    // The header says "0 moves.", the summary that no side has stated a number. (The
    // log head's hash, in the header's provenance line and the footer, is left out: it
    // differs from run to run.)
    let header = element(&html, "<header");
    let header = header.replace(element(header, "<p class=\"prov\">"), "");
    insta::assert_snapshot!(
        "report-no-moves-text",
        format!("{}\n{}", text_of(&header), text_of(element(&html, "<main")))
    );
}

#[test]
fn a_concession_in_words_is_marked_where_the_side_stood() {
    let text = talks().replace(
        r#"{"kind":"acceptance""#,
        "{\"kind\":\"concession\",\"at\":\"2025-04-02\",\"by\":\"US\",\"issue\":\"tariff\",\"summary\":\"US pauses\"}\n{\"kind\":\"acceptance\"",
    );
    let html = render(&Report::build(&timeline(&text, "t"), None, None));
    assert_eq!(count(&html, "<g class=\"words\""), 1);
    // The chart's data table lists the pause as held at 15%, a concession in words.
    insta::assert_snapshot!(
        "report-concession-in-words-data",
        text_of(element(
            element(&html, "<figure class=\"dance\""),
            "<details>"
        ))
    );
}

#[test]
fn the_report_applies_corrections() {
    let html = render(&Report::build(&timeline(&talks(), "t"), None, None));
    // The demand was corrected from 0% to 5%: the opening gap is 20%, not 25%, and the
    // event log lists the demand at 5%.
    insta::assert_snapshot!(
        "report-corrected-positions-and-log",
        format!(
            "{}\n\n{}",
            text_of(under_heading(&html, "<h3>Positions now</h3>")),
            text_of(element(&html, "<details class=\"log\""))
        )
    );
    assert_eq!(
        occurrences(&html, "tariff 0%"),
        Vec::<String>::new(),
        "the original number is gone from the whole page"
    );
    assert_eq!(
        elements(&html, "<p class=\"meta\">")[1],
        "<p class=\"meta\">6 moves from 2025-03-04 to 2025-04-03. 1 correction applied.</p>"
    );
}

#[test]
fn every_journal_string_is_escaped() {
    let text = talks().replace(
        "\"unit\":\"%\",\"track\":\"trade\"",
        "\"unit\":\"</script><b>\",\"track\":\"trade\"",
    );
    let html = render(&Report::build(&timeline(&text, "t"), None, None));
    // The summary, wherever the page shows it (the timeline mark's title and the event
    // log), is text up to the next tag: escaped whole.
    let summary = "Tariff of 25% &lt;announced&gt; &amp; &quot;feared&quot; by &#39;all&#39;";
    assert_eq!(values_until_tag(&html, "Tariff of 25%"), [summary, summary]);
    assert_eq!(
        occurrences(&html, "<announced>"),
        Vec::<String>::new(),
        "no summary opens an element anywhere in the page"
    );
    assert_eq!(
        occurrences(&html, "<b>"),
        Vec::<String>::new(),
        "a unit cannot open an element anywhere in the page"
    );
    // Only the page's own two scripts open and close.
    assert_eq!(
        elements(&html, "<script")
            .iter()
            .map(|script| &script[..=script.find('>').unwrap()])
            .collect::<Vec<_>>(),
        [
            "<script type=\"application/json\" id=\"replay-data\">",
            "<script>"
        ]
    );
    assert_eq!(count(&html, "</script>"), 2);
}

#[test]
fn the_page_references_nothing_outside_itself() {
    let timeline = timeline(&talks(), "t");
    let audit = audit(&timeline, &Rubric::default());
    let html = render(&Report::build(&timeline, None, Some(&audit)));
    assert_eq!(external_references(&html), Vec::<String>::new());
    assert_eq!(
        element(&html, "<meta http-equiv=\"Content-Security-Policy\""),
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
    );
    // The checker itself finds what it is meant to find.
    assert_eq!(
        external_references("<img src=\"https://x/y.png\"> <a href=\"//x\">").len(),
        4
    );
    assert_eq!(
        external_references("<style>a{background:url(http://x)}</style>").len(),
        1
    );
}

/// The rendered tables of `class` (what lies between `<table class="…">` and
/// `</table>`), in page order.
pub(crate) fn tables_of<'a>(html: &'a str, class: &str) -> Vec<&'a str> {
    html.split(&format!("<table class=\"{class}\">"))
        .skip(1)
        .map(|rest| &rest[..rest.find("</table>").unwrap_or(rest.len())])
        .collect()
}

/// The page without the events listed under each posture figure (`report_explain`
/// checks those).
fn without_explanations(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<details class=\"why\"") {
        out.push_str(&rest[..at]);
        rest = rest[at..]
            .split_once("</details>")
            .map_or("", |(_, after)| after);
    }
    out.push_str(rest);
    out
}

/// What a report of `text` with its audit shows.
pub(crate) fn page_with_audit(text: &str) -> String {
    let timeline = timeline(text, "t");
    let audit = audit(&timeline, &Rubric::default());
    render(&Report::build(&timeline, None, Some(&audit)))
}

const MEASURES_HEAD: &str = "<caption>Measures, each value with the counts it comes from</caption><thead><tr><th scope=\"col\">Measure</th><th scope=\"col\">All moves (public at reduced weight)</th><th scope=\"col\">Table moves only</th></tr></thead>";

#[test]
fn posture_shows_each_measure_with_its_counts_as_the_audit_prints_them() {
    let html = without_explanations(&page_with_audit(&talks()));
    let row = |code: &str, name: &str, all: &str, table: &str| {
        format!(
            "<tr><th scope=\"row\"><abbr>{code}</abbr> {name}</th><td>{all}</td><td>{table}</td></tr>"
        )
    };
    let kr = [
        row(
            "INI",
            "initiative share",
            "0.50 · 1 of 2 moves initiated",
            "0.50 (1 of 2)",
        ),
        row(
            "CB",
            "concession balance",
            "0.50 · 0.5 of 1 units of movement given",
            "1.00 (1 of 1)",
        ),
        row(
            "CUP",
            "concessions under pressure",
            "0.00 · 0 of 1 concessions under threat",
            "0.00 (0 of 1)",
        ),
        row(
            "REC",
            "reciprocity",
            "1.00 · 1 of 1 concessions matched",
            "1.00 (1 of 1)",
        ),
        row(
            "PK",
            "packaging",
            "0.00 · 0 of 2 bundled, 0 cross-track",
            "0.00 (0 of 2)",
        ),
        row(
            "RV",
            "reversibility balance",
            "-1.0 · gave 0, received 1",
            "-1.0 (0 given, 1 received)",
        ),
    ];
    let us = [
        row(
            "INI",
            "initiative share",
            "0.20 · 0.5 of 2.5 moves initiated",
            "0.00 (0 of 2)",
        ),
        row(
            "CB",
            "concession balance",
            "0.50 · 0.5 of 1 units of movement given",
            "0.00 (0 of 1)",
        ),
        row(
            "CUP",
            "concessions under pressure",
            "0.00 · 0 of 2 concessions under threat",
            "0.00 (0 of 2)",
        ),
        row(
            "REC",
            "reciprocity",
            "1.00 · 1 of 1 concessions matched",
            "1.00 (1 of 1)",
        ),
        row(
            "PK",
            "packaging",
            "0.00 · 0 of 1 bundled, 0 cross-track",
            "0.00 (0 of 1)",
        ),
        row(
            "RV",
            "reversibility balance",
            "+1.0 · gave 1, received 0",
            "+1.0 (1 given, 0 received)",
        ),
    ];
    assert_eq!(
        tables_of(&html, "measures"),
        vec![
            format!("{MEASURES_HEAD}<tbody>{}</tbody>", kr.concat()),
            format!("{MEASURES_HEAD}<tbody>{}</tbody>", us.concat()),
        ]
    );
}

#[test]
fn posture_says_no_data_and_the_flags_give_their_findings() {
    let html = page_with_audit(&journal(&[
        r#"{"kind":"concession","at":"2025-04-01","by":"KR","issue":"tariff","position":15,"summary":"Korea gives"}"#,
    ]));
    let bare = without_explanations(&html);
    let measures = tables_of(&bare, "measures");
    let no_data = |code: &str, name: &str| {
        format!(
            "<tr><th scope=\"row\"><abbr>{code}</abbr> {name}</th><td>no data</td><td>no data</td></tr>"
        )
    };
    let us = [
        no_data("INI", "initiative share"),
        "<tr><th scope=\"row\"><abbr>CB</abbr> concession balance</th><td>0.00 · 0 of 1 units of movement given</td><td>0.00 (0 of 1)</td></tr>".into(),
        no_data("CUP", "concessions under pressure"),
        no_data("REC", "reciprocity"),
        no_data("PK", "packaging"),
        no_data("RV", "reversibility balance"),
    ];
    assert_eq!(
        measures[1],
        format!("{MEASURES_HEAD}<tbody>{}</tbody>", us.concat())
    );
    let flags = "<caption>The audit's flags, each with its finding and the events behind it</caption><thead><tr><th scope=\"col\">Side</th><th scope=\"col\">Flag</th><th scope=\"col\">Finding</th><th scope=\"col\">Events</th></tr></thead><tbody>\
        <tr><td>KR</td><td>unreciprocated-concession</td><td>no counterpart concession within 30 days of seq 2</td><td><a href=\"#ev-2\">#2</a> 2025-04-01 KR concession: Korea gives</td></tr></tbody>";
    assert_eq!(tables_of(&html, "flags"), vec![flags]);
}

#[test]
fn without_the_audit_the_page_says_posture_is_missing() {
    let html = render(&Report::build(&timeline(&talks(), "t"), None, None));
    assert_eq!(
        element(&html, "<section id=\"posture\""),
        "<section id=\"posture\" aria-labelledby=\"posture-h\"><h2 id=\"posture-h\">Posture</h2>\
         <p class=\"notice\">The posture audit is not available in this report, so no verdicts, indices or flags are shown. Run <code>parley audit SLUG</code> for it.</p></section>"
    );
    assert_eq!(
        under_heading(&html, "<h3 id=\"flags\">"),
        "<h3 id=\"flags\">Audit flags</h3><p class=\"notice\">Audit flags come from the posture audit, which is not available in this report.</p>"
    );
    assert_eq!(
        texts_between(&html, "<p class=\"notice\">", "</p>"),
        [
            "No posture audit in this report: no verdicts or audit flags.",
            "The posture audit is not available in this report, so no verdicts, indices or flags are shown. Run parley audit SLUG for it.",
            "Audit flags come from the posture audit, which is not available in this report.",
        ]
    );
}

#[test]
fn the_ledger_counts_what_each_side_gave_and_received() {
    let report = Report::build(&timeline(&talks(), "t"), None, None);
    let kr = report
        .ledger_totals
        .iter()
        .find(|t| t.party == "KR")
        .unwrap();
    // KR gave one pledge and received one executive concession from the US.
    assert_eq!(kr.given, [1, 0, 0, 0, 0]);
    assert_eq!(kr.received, [0, 1, 0, 0, 0]);
    let movement: Vec<&str> = report
        .ledger
        .iter()
        .flat_map(|e| e.movement.iter().map(String::as_str))
        .collect();
    assert_eq!(movement, vec!["tariff 25 → 15%", "tariff 5 → 15%"]);
    let row = &report.positions[0];
    assert_eq!(row.gap, Some(0.0));
    // US moved 10 toward KR, KR moved 10 toward the US.
    assert_eq!(
        row.concession_share,
        vec![("KR".into(), Some(0.5)), ("US".into(), Some(0.5))]
    );
}

#[test]
fn the_replay_data_holds_each_sides_positions_by_day() {
    let report = Report::build(&timeline(&talks(), "t"), None, None);
    let data: Value = serde_json::to_value(&report.replay).unwrap();
    assert_eq!(
        data["days"],
        json!([
            "2025-03-04",
            "2025-03-10",
            "2025-04-01",
            "2025-04-02",
            "2025-04-03"
        ])
    );
    assert_eq!(data["moves"], json!([1, 2, 3, 4, 6]));
    assert_eq!(
        data["issues"][0]["sides"],
        json!([
            ["KR", [[1, 5.0], [3, 15.0]]],
            ["US", [[0, 25.0], [2, 15.0]]]
        ])
    );
}

#[test]
fn the_report_command_writes_the_page_and_refuses_bad_input() {
    let env = TestEnv::new();
    env.import(&talks());
    let run = env
        .run(&["report", "t", "--out", "r.html", "--as-of", "2025-03-31"])
        .ok();
    assert_eq!(
        with_time_as_n(&run.stderr),
        "wrote the report on t (2 moves) to r.html in N ms\n"
    );
    let html = std::fs::read_to_string(env.path("r.html")).unwrap();
    assert_eq!(move_marks(&html), 2, "--as-of cuts the view");
    assert_eq!(
        elements(&html, "<p class=\"meta\">")[1],
        "<p class=\"meta\">2 moves from 2025-03-04 to 2025-03-10, as of 2025-03-31. 1 correction applied.</p>"
    );

    // Each side's posture heading names the verdict the audit gives it on the same view.
    let audit: Value = serde_json::from_str(
        &env.run(&["audit", "t", "--json", "--as-of", "2025-03-31"])
            .ok()
            .stdout,
    )
    .unwrap();
    let verdict = |side: &str| audit["sides"][side]["verdict"].as_str().unwrap().to_owned();
    assert_eq!(
        texts_between(&html, "<article class=\"side\"><h3>", "</h3>"),
        [
            format!("KR {}", verdict("KR")),
            format!("US {}", verdict("US"))
        ]
    );
    assert_eq!([verdict("KR"), verdict("US")], ["too-few-moves"; 2]);

    let bad = env.write("bad.json", "{\"proactive\": 0.3}");
    let run = env
        .run(&[
            "report",
            "t",
            "--out",
            "b.html",
            "--rubric",
            bad.to_str().unwrap(),
        ])
        .user_error();
    assert_eq!(
        run.stderr,
        format!(
            "parley: {}: line 1, column 12: unknown key \"proactive\"; the keys are: windows, window_days, min_moves, public_weight, proactive_at, defensive_at, drift, pressure_days, reciprocity_days, follow_up_days, reversibility, weights\n",
            bad.display()
        )
    );
    let run = env.run(&["report", "nope", "--out", "n.html"]).user_error();
    assert_eq!(
        run.stderr,
        "parley: no negotiation \"nope\" in the store (negotiations: t)\nhint: `parley list` shows the negotiations in this store\n"
    );
    assert!(!env.path("n.html").exists() && !env.path("b.html").exists());
}

/// `text` with the time a command says it took (" in 16 ms") as " in N ms".
fn with_time_as_n(text: &str) -> String {
    match text.rsplit_once(" in ") {
        Some((said, took))
            if took
                .strip_suffix(" ms\n")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) =>
        {
            format!("{said} in N ms\n")
        }
        _ => text.to_owned(),
    }
}

/// Where Debian installs Chromium.
const CHROMIUM: [&str; 2] = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/// The first browser of `candidates` that exists. Missing, it is an error in CI, where
/// a browser test that passes without a browser would hide a broken page, and outside
/// CI a skipped test with a note on standard error.
fn browser_at(candidates: &[&str], ci: bool) -> Result<Option<PathBuf>, String> {
    if let Some(found) = candidates.iter().map(PathBuf::from).find(|p| p.exists()) {
        return Ok(Some(found));
    }
    let missing = format!(
        "the report's browser tests need Chromium and found none at {candidates:?}: \
         install Debian's chromium (`apt-get update && apt-get install -y chromium`; \
         .ci/run does this in CI)"
    );
    if ci {
        Err(missing)
    } else {
        eprintln!("note: skipped, {missing}; with CI=true this fails");
        Ok(None)
    }
}

/// Debian's Chromium; `None` (after a note) when it is missing outside CI.
pub(crate) fn chromium() -> Option<PathBuf> {
    browser_at(&CHROMIUM, in_ci()).unwrap_or_else(|missing| panic!("{missing}"))
}

#[test]
fn a_missing_browser_fails_the_browser_tests_in_ci_and_skips_them_elsewhere() {
    let nowhere = ["/nonexistent/chromium"];
    assert_eq!(
        browser_at(&nowhere, true),
        Err("the report's browser tests need Chromium and found none at [\"/nonexistent/chromium\"]: \
             install Debian's chromium (`apt-get update && apt-get install -y chromium`; \
             .ci/run does this in CI)"
            .to_owned())
    );
    assert_eq!(browser_at(&nowhere, false), Ok(None));
    let here = env!("CARGO_BIN_EXE_parley");
    assert_eq!(browser_at(&[here], true), Ok(Some(PathBuf::from(here))));
}

/// Runs headless Chromium on `url` with a fresh profile and returns its standard output.
pub(crate) fn headless(browser: &Path, args: &[&str], url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    // Read standard output while waiting: a DOM larger than the pipe's buffer would
    // otherwise block the browser.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
    });
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("chromium did not finish within 90 s on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "chromium failed on {url}");
    reader.join().unwrap().unwrap()
}

pub(crate) fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Every bundled journal imported into `env` (clock at [`LATER`]), each negotiation's
/// report written by `parley report`: its slug, its page and its number of moves.
pub(crate) fn bundled_reports(env: &mut TestEnv) -> Vec<(String, PathBuf, usize)> {
    env.now = LATER.into();
    let mut journals: Vec<PathBuf> = std::fs::read_dir(bundled(""))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ndjson"))
        .collect();
    journals.sort();
    assert!(journals.iter().any(|p| p.ends_with("korea-us-2025.ndjson")));
    for journal in &journals {
        env.run(&["import", journal.to_str().unwrap()]).ok();
    }
    let listing: Value = serde_json::from_str(&env.run(&["list", "--json"]).ok().stdout).unwrap();
    let slugs: Vec<String> = listing["negotiations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["slug"].as_str().unwrap().to_owned())
        .collect();
    slugs
        .into_iter()
        .map(|slug| {
            let moves = {
                let store =
                    Store::open(&env.store(), Access::Read, Duration::from_secs(5)).unwrap();
                views::timeline(&store, &slug, ViewSpec::default())
                    .unwrap()
                    .moves()
                    .count()
            };
            let page = env.path(&format!("{slug}.html"));
            env.run(&["report", &slug, "--out", page.to_str().unwrap()])
                .ok();
            (slug, page, moves)
        })
        .collect()
}

#[test]
fn a_real_browser_renders_every_bundled_journal_without_fetching_anything() {
    let Some(browser) = chromium() else { return };
    let mut env = TestEnv::new();
    // Per page: its marks, the state its script leaves (`data-replay`), its slider and
    // its charts (dances and the timeline among them), as the browser's DOM holds them.
    let mut seen = String::new();
    for (slug, page, moves) in bundled_reports(&mut env) {
        let dom = headless(&browser, &["--dump-dom"], &file_url(&page));
        assert!(moves > 20, "{slug} has {moves} moves");
        assert_eq!(
            move_marks(&dom),
            moves,
            "{slug}: one rendered mark per move"
        );
        assert_eq!(external_references(&dom), Vec::<String>::new(), "{slug}");
        seen.push_str(&format!(
            "{slug}: {moves} moves, {} marks\n  data-replay: {:?}\n  slider: {}\n  charts: {}\n",
            move_marks(&dom),
            values_after(&dom, "data-replay=\""),
            element(&dom, "<input type=\"range\" id=\"as-of\""),
            values_after(&dom, "<svg class=\"chart\" id=\"").join(" "),
        ));
    }

    // Replaying to the first 2+2 talks: Korea asked for 0%, the US stood at 25%.
    let page = env.path("korea-us-2025.html");
    let replayed = headless(
        &browser,
        &["--dump-dom"],
        &(file_url(&page) + "#as-of=2025-04-24"),
    );
    let replay = text_of(element(&replayed, "<table class=\"replay\""));
    seen.push_str(&format!(
        "korea-us-2025 replayed to 2025-04-24\n  slider: {}\n  {}\n",
        element(&replayed, "<input type=\"range\" id=\"as-of\""),
        replay.replace('\n', "\n  ")
    ));
    insta::assert_snapshot!("report-browser-pages", seen);

    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-korea-us-2025.png");
    let _ = std::fs::remove_file(&shot);
    headless(
        &browser,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000",
        ],
        &file_url(&page),
    );
    let png = std::fs::read(&shot).expect("a screenshot was written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "a real screenshot"
    );
}

/// What the probe measures in a page, once it has loaded and its script has run: the
/// visible text (`innerText`, with every section laid out as it is when scrolled to),
/// and the layout of the posture section's tables. It posts both to the frame that
/// holds the page.
const PROBE: &str = r##"<script>
addEventListener("load", function () { setTimeout(function () {
  var all = document.createElement("style");
  all.textContent = "*{content-visibility:visible !important}";
  document.head.appendChild(all);
  function list(selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); }
  function name(cell) {
    return cell.closest("article").querySelector("h3").firstChild.textContent.trim() + " " + cell.textContent;
  }
  var cells = list("#posture table td, #posture table th");
  var overlapping = [];
  cells.forEach(function (a, i) {
    var r = a.getBoundingClientRect();
    cells.slice(i + 1).forEach(function (b) {
      var s = b.getBoundingClientRect();
      var w = Math.min(r.right, s.right) - Math.max(r.left, s.left);
      var h = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
      if (w > 1 && h > 1) { overlapping.push(name(a) + " | " + name(b)); }
    });
  });
  var page = document.documentElement;
  var columns = {};
  list("#posture article.side").forEach(function (side) { columns[Math.round(side.getBoundingClientRect().left)] = true; });
  var layout = {
    "width": innerWidth,
    "posture columns": Object.keys(columns).length,
    "overlapping cells": overlapping,
    "overflowing cells": cells.filter(function (c) { return c.scrollWidth > c.clientWidth + 1; }).map(name),
    "posture tables wider than their box": list("#posture .scroll").filter(function (box) {
      return box.scrollWidth > box.clientWidth + 1;
    }).map(function (box) { return name(box.querySelector("caption")); }),
    "page wider than the window": page.scrollWidth > innerWidth ? page.scrollWidth + " px" : null
  };
  parent.postMessage(JSON.stringify({ text: document.body.innerText, layout: layout }), "*");
}, 0); });
</script>"##;

/// What [`PROBE`] found in a page.
struct Probed {
    /// The page's visible text.
    text: String,
    /// The posture tables' layout.
    layout: Value,
}

/// Loads `page` in a frame `width` px wide (a window's viewport cannot be narrower than
/// 500 px) and returns what [`PROBE`] found there.
fn probe(browser: &Path, page: &Path, width: u32) -> Probed {
    let mut posted = probe_with(browser, page, width, PROBE);
    Probed {
        text: posted["text"].as_str().unwrap().to_owned(),
        layout: posted["layout"].take(),
    }
}

/// Loads `page` with `script` added in a frame `width` px wide and 900 px tall, and
/// returns the JSON the script posts to its parent.
pub(crate) fn probe_with(browser: &Path, page: &Path, width: u32, script: &str) -> Value {
    let html = std::fs::read_to_string(page).unwrap();
    let probed = page.with_extension("probed.html");
    std::fs::write(
        &probed,
        html.replace("</body>", &format!("{script}</body>")),
    )
    .unwrap();
    let frame = page.with_extension(format!("frame-{width}.html"));
    std::fs::write(
        &frame,
        format!(
            "<!DOCTYPE html><html><body style=\"margin:0\"><pre id=\"probe\"></pre>\
             <iframe src=\"{}\" style=\"border:0;width:{width}px;height:900px\"></iframe>\
             <script>addEventListener(\"message\", function (e) {{ document.getElementById(\"probe\").textContent = e.data; document.querySelector(\"iframe\").remove(); }});</script></body></html>",
            file_url(&probed)
        ),
    )
    .unwrap();
    let dom = headless(
        browser,
        &[
            "--window-size=1500,900",
            "--virtual-time-budget=10000",
            "--dump-dom",
        ],
        &file_url(&frame),
    );
    let posted = dom
        .split_once("<pre id=\"probe\">")
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map(|(text, _)| unescape(text))
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| panic!("the probe reported nothing on {}", page.display()));
    serde_json::from_str(&posted).unwrap()
}

/// Text content as the DOM serialiser wrote it, back to the text.
fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[test]
fn a_real_browser_shows_each_bundled_report_as_its_snapshot() {
    let Some(browser) = chromium() else { return };
    let mut env = TestEnv::new();
    for (slug, page, _) in bundled_reports(&mut env) {
        let probed = probe(&browser, &page, 1400);
        insta::assert_snapshot!(format!("report-{slug}"), probed.text.trim_end());
    }
}

#[test]
fn the_posture_tables_fit_side_by_side_at_1400_px_and_scroll_at_420_px() {
    let Some(browser) = chromium() else { return };
    let mut env = TestEnv::new();
    for (slug, page, _) in bundled_reports(&mut env) {
        for (width, columns) in [(1400, 2), (420, 1)] {
            assert_eq!(
                probe(&browser, &page, width).layout,
                json!({
                    "width": width,
                    "posture columns": columns,
                    "overlapping cells": [],
                    "overflowing cells": [],
                    "posture tables wider than their box": [],
                    "page wider than the window": null,
                }),
                "{slug} at {width} px"
            );
        }
    }
}

#[test]
fn a_ten_thousand_move_report_aggregates_and_stays_light() {
    let mut lines = Vec::new();
    for i in 0..10_000u32 {
        let day = i / 45;
        let (month, day) = (3 + day / 28, 1 + day % 28);
        let by = if i % 2 == 0 { "KR" } else { "US" };
        let kind = [Kind::Offer, Kind::Demand, Kind::Statement, Kind::Threat][(i % 4) as usize];
        let channel = if i % 3 == 0 { "public" } else { "table" };
        let answers = if i > 0 {
            format!(",\"responds_to\":\"m{}\"", i - 1)
        } else {
            String::new()
        };
        let position = if kind == Kind::Offer {
            format!(",\"position\":{}", 25 - (i % 25) as i32)
        } else {
            String::new()
        };
        lines.push(format!(
            "{{\"kind\":\"{kind}\",\"at\":\"{year}-{month:02}-{day:02}\",\"by\":\"{by}\",\"issue\":\"tariff\",\"summary\":\"Move {i} <&>\",\"channel\":\"{channel}\",\"ref\":\"m{i}\"{answers}{position}}}",
            year = 2025 + (month - 1) / 12,
            month = (month - 1) % 12 + 1,
        ));
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let timeline = timeline(&journal(&refs), "t");
    let html = render(&Report::build(&timeline, None, None));
    // Above 2,000 moves the timeline draws a bar per lane and bucket, not a mark per
    // move, and the log lists its first 200 moves with the command for the rest.
    assert_eq!(move_marks(&html), 0);
    assert!(count(&html, "class=\"mvb\"") > 10);
    assert_eq!(
        elements(&html, "<p class=\"more\">"),
        [
            "<p class=\"more\">The first 20 of 2,500 rows; <code>parley events t --issue tariff</code> lists them all.</p>",
            "<p class=\"more\">The first 200 of 10,000 rows; <code>parley events t</code> lists them all.</p>",
            "<p class=\"more\">The first 200 of 399 rows; <code>parley events t --kind concession,implementation</code> lists the concessions and implementations among them; the others are moves that took a number toward the other side.</p>",
        ]
    );
    assert_eq!(count(&html, "<tr id=\"ev-"), 200);
    assert_eq!(
        occurrences(&html, "filter"),
        Vec::<String>::new(),
        "no SVG filters (nor the word) anywhere in the page"
    );
    assert!(html.len() < 1_000_000, "page of {} bytes", html.len());
}

#[test]
fn many_acceptances_become_ticks_instead_of_labels() {
    let accept =
        r#"{"kind":"acceptance","at":"2025-04-05","by":"KR","issue":"tariff","summary":"Fine"}"#;
    let mut lines = vec![
        r#"{"kind":"offer","at":"2025-04-01","by":"US","issue":"tariff","position":15,"summary":"15"}"#,
    ];
    lines.extend(std::iter::repeat_n(accept, 13));
    let html = render(&Report::build(&timeline(&journal(&lines), "t"), None, None));
    assert_eq!(count(&html, "class=\"tick-mark\""), 13);
    // The chart's labels: one for the 13 acceptances together, none per acceptance.
    insta::assert_snapshot!(
        "report-many-acceptances-labels",
        elements(element(&html, "<figure class=\"dance\""), "<text")
            .into_iter()
            .map(text_of)
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(occurrences(&html, "✓ KR accepts"), Vec::<String>::new());
}

#[test]
fn a_voided_move_is_left_out_and_the_header_says_so() {
    let text = journal(&[
        r#"{"kind":"offer","at":"2025-04-01","by":"US","issue":"tariff","position":15,"summary":"15","ref":"o"}"#,
        r#"{"kind":"threat","at":"2025-04-02","by":"US","summary":"Or else"}"#,
        r#"{"kind":"correction","at":"2025-04-03","target":"o","action":"void","reason":"Never offered"}"#,
    ]);
    let html = render(&Report::build(&timeline(&text, "t"), None, None));
    assert_eq!(move_marks(&html), 1);
    assert_eq!(
        elements(&html, "<p class=\"meta\">")[1],
        "<p class=\"meta\">1 move from 2025-04-02 to 2025-04-02. 1 event voided.</p>"
    );
}

/// The list of `class` (what lies between `<ul class="…">` and `</ul>`).
fn list_of<'a>(html: &'a str, class: &str) -> &'a str {
    let open = format!("<ul class=\"{class}\">");
    let rest = &html[html.find(&open).map_or(html.len(), |at| at + open.len())..];
    &rest[..rest.find("</ul>").unwrap_or(rest.len())]
}

/// The text of each piece of `html` between `open` and the next `close`, tags removed.
fn texts_between(html: &str, open: &str, close: &str) -> Vec<String> {
    html.split(open)
        .skip(1)
        .map(|rest| {
            let piece = &rest[..rest.find(close).unwrap_or(rest.len())];
            let mut text = String::new();
            let mut in_tag = false;
            for c in piece.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            unescape(&text)
        })
        .collect()
}

#[test]
fn a_mediator_shows_its_role_and_not_judged_and_a_weak_verdict_says_what_it_rests_on() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/three-party.ndjson");
    let text = std::fs::read_to_string(path).unwrap();
    let timeline = timeline(&text, "three-party");
    let one_window = Rubric {
        windows: 1,
        ..Rubric::default()
    };
    let audit = audit(&timeline, &one_window);
    let html = render(&Report::build(&timeline, None, Some(&audit)));
    assert_eq!(
        texts_between(&html, "<article class=\"side\"><h3>", "</h3>"),
        [
            "AA mixed weak: 3 moves, 1 judged window",
            "BB mixed weak: 5 moves, 1 judged window",
            "CH mediator · not judged",
        ]
    );
    assert_eq!(
        texts_between(list_of(&html, "sum-sides"), "<li class=\"card\">", "</li>"),
        [
            "AA mixed weak: 3 moves, 1 judged windowAA: index per window (top: share of table moves at leader or minister level) −0.17 (top 0%) index −0.17windows went balanced; index -0.17 in the first judged window, -0.17 in the last (+0.00)",
            "BB mixed weak: 5 moves, 1 judged windowBB: index per window (top: share of table moves at leader or minister level) 0.13 (top 0%) index 0.13windows went balanced; index +0.13 in the first judged window, +0.13 in the last (+0.00)",
            "CH mediator · not judgedCH: index per window (top: share of table moves at leader or minister level) no data (top 0%) index no dataa mediator gets no posture verdict",
        ]
    );
}

#[test]
fn the_trend_chart_names_each_windows_index_and_top_level_share() {
    let timeline = timeline(&talks(), "t");
    let every_move = Rubric {
        min_moves: 1,
        ..Rubric::default()
    };
    let html = render(&Report::build(
        &timeline,
        None,
        Some(&audit(&timeline, &every_move)),
    ));
    let descs: Vec<String> = (0..2)
        .map(|n| texts_between(&html, &format!("<desc id=\"trend-{n}-d\">"), "</desc>").concat())
        .collect();
    // KR has two windows with an index and US three: a point each; the US's first window
    // holds only its public threat, so it has no top-level share.
    assert_eq!(
        descs,
        [
            "2025-03-10 to 2025-03-10: index −0.17, top 0%; 2025-04-02 to 2025-04-02: index 0.17, top 0%; 2025-04-03 to 2025-04-03: index no data, top 0%",
            "2025-03-04 to 2025-03-04: index 1.00, top —; 2025-04-01 to 2025-04-01: index −0.06, top 0%; 2025-04-03 to 2025-04-03: index 0.00, top 0%",
        ]
    );
    assert_eq!(count(&html, "<circle class=\"pt "), 5);
    assert_eq!(count(&html, "<svg class=\"posture-chart trend\""), 2);
}

/// The timeline of the bundled journal `slug` (`journals/SLUG.ndjson`).
fn bundled_timeline(slug: &str) -> Timeline {
    let text = std::fs::read_to_string(bundled(&format!("{slug}.ndjson"))).unwrap();
    timeline(&text, slug)
}

/// The text of the chart `id`'s `<desc>` and of the data table after it (one line per
/// row, cells set apart by ` | `), as a reader of the page gets them.
fn chart_words(html: &str, id: &str, table_after: Option<&str>) -> String {
    let desc = texts_between(html, &format!("<desc id=\"{id}-d\">"), "</desc>").concat();
    let mut out = format!("{desc}\n");
    if let Some(marker) = table_after {
        let rest = &html[html.find(marker).unwrap()..];
        let body = &rest[rest.find("<tbody>").unwrap()..rest.find("</tbody>").unwrap()];
        for row in body.split("<tr>").skip(1) {
            // Each cell's text is what follows the last tag before its closing tag.
            let cells: Vec<String> = row
                .split("</t")
                .filter_map(|cell| cell.rsplit_once('>').map(|(_, text)| unescape(text)))
                .filter(|text| !text.is_empty())
                .collect();
            out.push_str(&cells.join(" | "));
            out.push('\n');
        }
    }
    out
}

#[test]
fn the_gap_chart_gives_each_numeric_issue_as_a_share_of_its_first_gap() {
    let timeline = bundled_timeline("korea-us-2025");
    let report = Report::build(&timeline, None, None);
    let mut series = String::new();
    for gap in &report.gaps {
        series.push_str(&format!("{} ({})\n", gap.title, gap.issue));
        let opening = gap.opening().map(|(_, g)| g);
        for p in &gap.points {
            let share = match (p.gap, opening) {
                (Some(g), Some(o)) if o > 0.0 => {
                    format!("{}%", parley::format::number(g / o * 100.0))
                }
                _ => "—".into(),
            };
            series.push_str(&format!(
                "  {:<28} #{:<3} gap {:>6}  share {share}\n",
                p.date,
                p.seq,
                parley::format::optional(p.gap)
            ));
        }
    }
    let html = render(&report);
    insta::assert_snapshot!(
        "report-gap-shares-korea-us-2025",
        format!(
            "{series}\n{}",
            chart_words(&html, "gaps", Some("<figure class=\"gaps\""))
        )
    );
}

#[test]
fn the_pressure_chart_counts_each_sides_concessions_and_the_threats_and_sanctions_made_to_it() {
    let mut out = String::new();
    for slug in ["korea-us-2025", "six-party-talks-2003-2009"] {
        let timeline = bundled_timeline(slug);
        let report = Report::build(&timeline, None, None);
        out.push_str(&format!("{slug}\n"));
        let days = |times: &[i64]| match times {
            [] => "—".to_owned(),
            _ => times
                .iter()
                .map(|&t| parley::report::model::day_text(t))
                .collect::<Vec<_>>()
                .join(" "),
        };
        for side in &report.pressure {
            out.push_str(&format!(
                "  {} concessions: {}\n  {} threats: {}\n  {} sanctions: {}\n",
                side.party,
                days(&side.concessions),
                side.party,
                days(&side.threats),
                side.party,
                days(&side.sanctions)
            ));
        }
        out.push_str(&chart_words(&render(&report), "pressure", None));
        out.push('\n');
    }
    insta::assert_snapshot!("report-pressure", out);
}

#[test]
fn moves_per_week_counts_each_iso_week_by_side() {
    // Monday 2024-12-30 opens ISO week 2025-W01; Sunday 2025-01-05 closes it.
    let text = journal(&[
        r#"{"kind":"offer","at":"2024-12-30","by":"US","issue":"tariff","position":25,"summary":"25"}"#,
        r#"{"kind":"demand","at":"2025-01-05T23:30:00Z","by":"KR","issue":"tariff","position":0,"summary":"0"}"#,
        r#"{"kind":"threat","at":"2025-01-06","by":"US","issue":"tariff","summary":"Or else"}"#,
        r#"{"kind":"concession","at":"2025-01-20","by":"KR","issue":"tariff","position":10,"summary":"10"}"#,
    ]);
    let html = render(&Report::build(&timeline(&text, "t"), None, None));
    let bundled = render(&Report::build(
        &bundled_timeline("korea-us-2025"),
        None,
        None,
    ));
    insta::assert_snapshot!(
        "report-moves-per-week",
        format!(
            "{}\nkorea-us-2025\n{}",
            chart_words(&html, "weekly", Some("<figure class=\"weekly\"")),
            chart_words(&bundled, "weekly", Some("<figure class=\"weekly\""))
        )
    );
    assert_eq!(count(&html, "class=\"week-bars\""), 2, "one path per side");
}
