//! The report as a reviewer sees it in Chromium (issue 16): the summary inside the first
//! screen at 1400 × 900, no sideways page scroll at 420 px, chart text of at least 10 px
//! at 420 and 1400 px, no two labels of a chart overprinting, and with eight parties a
//! line style (colour and dash) of each party's own; and the page printed on A4: laid
//! out with the print rules at the printable width, and printed to PDF by Chromium.
//! Without Chromium these skip with a note, or fail when `CI` is set.

use std::path::Path;

use parley::projection::audit::{Rubric, audit};
use parley::report::{Report, render};
use serde_json::{Value, json};

use crate::common::TestEnv;
use crate::report::{bundled_reports, chromium, headless, probe_with, timeline};

/// What the probe measures once the page has loaded: page width against the window,
/// the rendered size of every chart text, overlapping text boxes within a chart, the
/// summary's foot against the first screen, and each party's line styles.
const LAYOUT: &str = r##"<script>
addEventListener("load", function () { setTimeout(function () {
  var all = document.createElement("style");
  all.textContent = "*{content-visibility:visible !important}";
  document.head.appendChild(all);
  function list(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  var small = [], overlapping = [];
  list("svg.chart, svg.posture-chart").forEach(function (svg, n) {
    var name = svg.id || ("posture chart " + n);
    var texts = list("text", svg).filter(function (t) { return t.getBBox().width > 0; });
    texts.forEach(function (t) {
      var m = t.getScreenCTM();
      var size = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      if (size < 9.95) { small.push(name + ": " + t.textContent + " at " + size.toFixed(1) + " px"); }
    });
    var boxes = texts.map(function (t) { return t.getBoundingClientRect(); });
    boxes.forEach(function (r, i) {
      boxes.slice(i + 1).forEach(function (s, j) {
        var w = Math.min(r.right, s.right) - Math.max(r.left, s.left);
        var h = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
        if (w > 1 && h > 1) { overlapping.push(name + ": " + texts[i].textContent + " | " + texts[i + 1 + j].textContent); }
      });
    });
  });
  var styles = {};
  list("path.step").forEach(function (p) {
    var party = p.querySelector("title").textContent.split(" ")[0];
    var cs = getComputedStyle(p);
    var style = cs.stroke + " " + cs.strokeDasharray;
    styles[party] = styles[party] || [];
    if (styles[party].indexOf(style) < 0) { styles[party].push(style); }
  });
  var page = document.documentElement;
  parent.postMessage(JSON.stringify({
    "page wider than the window": page.scrollWidth > innerWidth ? page.scrollWidth + " px" : null,
    "chart text under 10 px": small,
    "overlapping chart labels": overlapping,
    "summary inside the first screen": document.getElementById("summary").getBoundingClientRect().bottom <= innerHeight,
    "line styles": styles
  }), "*");
}, 0); });
</script>"##;

/// The probe's findings at `width`, the line styles set apart.
fn layout(browser: &Path, page: &Path, width: u32) -> (Value, Value) {
    let mut found = probe_with(browser, page, width, LAYOUT);
    let styles = found["line styles"].take();
    found.as_object_mut().unwrap().remove("line styles");
    (found, styles)
}

/// What every report shows at every width: nothing too small, nothing on top of
/// anything, no sideways page scroll; and whether the summary fits the first screen.
fn clean(summary_fits: impl Into<Value>) -> Value {
    json!({
        "page wider than the window": null,
        "chart text under 10 px": [],
        "overlapping chart labels": [],
        "summary inside the first screen": summary_fits.into(),
    })
}

#[test]
fn every_bundled_report_reads_at_1400_and_420_px() {
    let Some(browser) = chromium() else { return };
    let mut env = TestEnv::new();
    for (slug, page, _) in bundled_reports(&mut env) {
        for width in [1400, 420] {
            let (found, _) = layout(&browser, &page, width);
            assert_eq!(found, clean(width >= 1400), "{slug} at {width} px");
        }
    }
}

/// Three parties, four issues and 6,000 moves over 16 months: above the threshold where
/// the charts aggregate per week, so the aggregated marks, bands and axes are laid out too.
fn a_long_journal() -> String {
    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let mut lines = vec![
        "{\"kind\":\"opening\",\"negotiation\":\"long\",\"at\":\"2025-01-01\",\"title\":\"A long negotiation\",\"parties\":[{\"code\":\"KR\",\"name\":\"Korea\"},{\"code\":\"US\",\"name\":\"United States\"},{\"code\":\"JP\",\"name\":\"Japan\"}],\"issues\":[{\"key\":\"tariff\",\"title\":\"Tariff\",\"unit\":\"%\"},{\"key\":\"autos\",\"title\":\"Autos tariff\",\"unit\":\"%\"},{\"key\":\"fees\",\"title\":\"Investment fund\",\"unit\":\"USD bn\"},{\"key\":\"visas\",\"title\":\"Visas\"}],\"summary\":\"Talks open\"}".to_owned(),
    ];
    let kinds = [
        "offer",
        "demand",
        "concession",
        "threat",
        "statement",
        "offer",
    ];
    let issues = ["tariff", "autos", "fees", "visas"];
    for i in 0..6_000u32 {
        let at = start + chrono::Days::new(u64::from(i / 12));
        let by = ["KR", "US", "JP"][(i % 3) as usize];
        let kind = kinds[(i % 6) as usize];
        let issue = issues[(i / 3 % 4) as usize];
        let position = match (kind, issue) {
            ("threat" | "statement", _) | (_, "visas") => String::new(),
            _ => format!(",\"position\":{}", 5 + (i * 7 % 40)),
        };
        lines.push(format!(
            "{{\"kind\":\"{kind}\",\"at\":\"{at}\",\"by\":\"{by}\",\"issue\":\"{issue}\"{position},\"summary\":\"Move {i}\"}}"
        ));
    }
    lines.join("\n") + "\n"
}

#[test]
fn a_long_journal_reads_at_1400_and_420_px() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = rendered(&a_long_journal(), "long", dir.path());
    for width in [1400, 420] {
        let (mut found, _) = layout(&browser, &page, width);
        let fits = found["summary inside the first screen"].take();
        assert_eq!(found, clean(Value::Null), "at {width} px");
        if width == 1400 {
            assert_eq!(
                fits, true,
                "the summary inside the first screen at 1400 × 900"
            );
        }
    }
}

/// The report of negotiation `slug` of `journal`, with its audit, written in `dir`.
fn rendered(journal: &str, slug: &str, dir: &Path) -> std::path::PathBuf {
    let timeline = timeline(journal, slug);
    let audit = audit(&timeline, &Rubric::default());
    let page = dir.join(format!("{slug}.html"));
    std::fs::write(&page, render(&Report::build(&timeline, None, Some(&audit)))).unwrap();
    page
}

const PARTIES: [&str; 8] = ["KR", "US", "JP", "CN", "DE", "FR", "IN", "BR"];

/// Eight parties on one tariff: each states two numbers, and six of them accept on the
/// same day, when three reviewers' notes fall together too.
fn eight_parties() -> String {
    let parties: Vec<String> = PARTIES
        .iter()
        .map(|p| format!("{{\"code\":\"{p}\",\"name\":\"Party {p}\"}}"))
        .collect();
    let mut lines = vec![format!(
        "{{\"kind\":\"opening\",\"negotiation\":\"eight\",\"at\":\"2025-03-01\",\"title\":\"Eight parties\",\"parties\":[{}],\"issues\":[{{\"key\":\"tariff\",\"title\":\"Tariff\",\"unit\":\"%\"}},{{\"key\":\"visas\",\"title\":\"Visas\"}}],\"summary\":\"Talks open\"}}",
        parties.join(",")
    )];
    for (i, p) in PARTIES.iter().enumerate() {
        lines.push(format!(
            "{{\"kind\":\"offer\",\"at\":\"2025-03-{:02}\",\"by\":\"{p}\",\"issue\":\"tariff\",\"position\":{},\"summary\":\"{p} opens\"}}",
            2 + i,
            5 * i
        ));
        lines.push(format!(
            "{{\"kind\":\"concession\",\"at\":\"2025-04-{:02}\",\"by\":\"{p}\",\"issue\":\"tariff\",\"position\":{},\"summary\":\"{p} moves\"}}",
            1 + i,
            10 + i
        ));
    }
    for p in &PARTIES[..6] {
        lines.push(format!(
            "{{\"kind\":\"acceptance\",\"at\":\"2025-04-20\",\"by\":\"{p}\",\"issue\":\"tariff\",\"summary\":\"{p} accepts\"}}"
        ));
    }
    for label in ["turning-point", "deadlock", "stall"] {
        lines.push(format!(
            "{{\"kind\":\"annotation\",\"at\":\"2025-04-20\",\"note\":\"A note\",\"label\":\"{label}\"}}"
        ));
    }
    lines.join("\n") + "\n"
}

#[test]
fn eight_parties_get_eight_line_styles_and_no_label_overprints() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = rendered(&eight_parties(), "eight", dir.path());
    for width in [1400, 420] {
        let (found, styles) = layout(&browser, &page, width);
        assert_eq!(found, clean(width >= 1400), "eight parties at {width} px");
        let styles = styles.as_object().unwrap();
        let mut seen: Vec<&str> = styles
            .values()
            .map(|s| {
                assert_eq!(s.as_array().unwrap().len(), 1, "one style per party: {s}");
                s[0].as_str().unwrap()
            })
            .collect();
        assert_eq!(
            styles.keys().map(String::as_str).collect::<Vec<_>>().len(),
            PARTIES.len(),
            "{styles:?}"
        );
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(
            seen.len(),
            PARTIES.len(),
            "distinct line styles: {styles:?}"
        );
    }
}

/// A4's printable width in CSS pixels (96 per inch): 210 mm less the page's two 14 mm
/// margins (report.css `@page`).
const PRINTABLE_WIDTH: u32 = 688;

/// What the page shows in print, measured at the printable width with the page's print
/// rules in force (each `@media print` rule switched to all media, in its place, and
/// the `beforeprint` handlers run): anything wider than the page, any box that cuts or
/// scrolls its content (paper does neither), interactive parts still shown, the
/// provenance as printed, and every `<details>` left closed with its summary as printed.
const PRINT: &str = r##"<script>
addEventListener("load", function () { setTimeout(function () {
  function list(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  Array.prototype.forEach.call(document.styleSheets, function (sheet) {
    Array.prototype.forEach.call(sheet.cssRules, function (rule) {
      if (rule.media && rule.media.mediaText === "print") { rule.media.mediaText = "all"; }
    });
  });
  var all = document.createElement("style");
  all.textContent = "*{content-visibility:visible !important}";
  document.head.appendChild(all);
  dispatchEvent(new Event("beforeprint"));
  function shown(e) {
    for (var up = e.parentElement; up; up = up.parentElement) {
      if (up.tagName === "DETAILS" && !up.open && !e.closest("summary")) { return false; }
    }
    return e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
  }
  function name(e) {
    var cls = typeof e.className === "string" && e.className ? "." + e.className.trim().split(/\s+/).join(".") : "";
    var own = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + cls;
    var section = e.closest("section[id], figure[id], header, footer");
    if (e.tagName === "text") { own += " " + e.textContent; }
    return (section ? (section.id || section.tagName.toLowerCase()) + " " : "") + own;
  }
  function unique(names) { return names.filter(function (n, i) { return names.indexOf(n) === i; }); }
  var elements = list("body *").filter(shown);
  var wide = elements.filter(function (e) {
    var r = e.getBoundingClientRect();
    return r.width > 0 && (r.right > innerWidth + 0.5 || r.left < -0.5);
  });
  /* The outermost of each: a table, not every cell of it, named by its caption. */
  wide = wide.filter(function (e) { return wide.indexOf(e.parentElement) < 0; }).map(function (e) {
    var caption = e.tagName === "TABLE" && e.querySelector("caption");
    return name(e) + (caption ? " " + caption.innerText.split(/[,:.(]/)[0] : "");
  });
  var cut = elements.filter(function (e) {
    if (e.closest("svg")) { return false; }
    var cs = getComputedStyle(e);
    var clips = cs.overflowX !== "visible" || cs.overflowY !== "visible";
    return clips && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1);
  }).map(name);
  var prov = document.querySelector("header .prov");
  parent.postMessage(JSON.stringify({
    "page wider than the paper": document.documentElement.scrollWidth > innerWidth ? document.documentElement.scrollWidth + " px" : null,
    "elements wider than the paper": unique(wide),
    "boxes that cut or scroll their content": unique(cut),
    "interactive parts printed": unique(list("nav, .slider, input, button, select").filter(shown).map(name)),
    "provenance in the header": prov && shown(prov) ? prov.innerText : null,
    "provenance table printed": list("footer table.provenance").filter(shown).length === 1,
    "details printed open": list("details").filter(function (d) { return d.open && shown(d); }).length,
    "details printed closed": unique(list("details").filter(function (d) { return !d.open && shown(d); }).map(function (d) {
      return d.querySelector("summary").innerText.replace(/^the [0-9][0-9,]* /, "the N ");
    }))
  }, null, 1), "*");
}, 0); });
</script>"##;

/// The page size of every page of `pdf` in points (the `MediaBox` entries) and the
/// number of pages.
fn pdf_pages(pdf: &[u8]) -> (Vec<String>, usize) {
    let text = String::from_utf8_lossy(pdf);
    let mut sizes: Vec<String> = text
        .split("/MediaBox")
        .skip(1)
        .filter_map(|rest| {
            let inner = rest.trim_start().strip_prefix('[')?.split(']').next()?;
            let n: Vec<f64> = inner
                .split_whitespace()
                .filter_map(|v| v.parse().ok())
                .collect();
            (n.len() == 4).then(|| format!("{:.0} × {:.0} pt", n[2] - n[0], n[3] - n[1]))
        })
        .collect();
    let pages = sizes.len();
    sizes.sort();
    sizes.dedup();
    (sizes, pages)
}

/// What [`PRINT`] finds in `page`, once it has checked what every printed page must
/// hold: nothing wider than the paper but the `known` elements (charts that draw a
/// label past their end), nothing cut or scrolling, nothing interactive, the provenance
/// table.
fn printed(browser: &Path, page: &Path, name: &str) -> Value {
    let found = probe_with(browser, page, PRINTABLE_WIDTH, PRINT);
    assert_eq!(
        found["elements wider than the paper"],
        json!([]),
        "{name}: wider than the paper"
    );
    for clean in [
        "boxes that cut or scroll their content",
        "interactive parts printed",
    ] {
        assert_eq!(found[clean], json!([]), "{name}: {clean}");
    }
    assert_eq!(found["page wider than the paper"], Value::Null, "{name}");
    assert_eq!(found["provenance table printed"], true, "{name}");
    found
}

#[test]
fn eight_parties_print_within_the_page() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = rendered(&eight_parties(), "eight", dir.path());
    printed(&browser, &page, "eight parties");
}

#[test]
fn every_bundled_report_prints_on_a4_within_the_page() {
    let Some(browser) = chromium() else { return };
    let mut env = TestEnv::new();
    for (slug, page, _) in bundled_reports(&mut env) {
        let found = printed(&browser, &page, &slug);
        insta::assert_snapshot!(
            format!("report-print-{slug}"),
            serde_json::to_string_pretty(&found).unwrap()
        );
        let pdf = page.with_extension("pdf");
        headless(
            &browser,
            &[
                "--no-pdf-header-footer",
                &format!("--print-to-pdf={}", pdf.display()),
            ],
            &crate::report::file_url(&page),
        );
        let (sizes, pages) = pdf_pages(&std::fs::read(&pdf).unwrap());
        assert_eq!(sizes, ["595 × 842 pt"], "{slug}: every page A4");
        assert!((3..=40).contains(&pages), "{slug}: {pages} pages");
    }
}
