//! The report as a reviewer sees it in Chromium (issue 16): the summary inside the first
//! screen at 1400 × 900, no sideways page scroll at 420 px, chart text of at least 10 px
//! at 420 and 1400 px, no two labels of a chart overprinting, and with eight parties a
//! line style (colour and dash) of each party's own. Without Chromium these skip with a
//! note, or fail when `CI` is set.

use std::path::Path;

use parley::projection::audit::{Rubric, audit};
use parley::report::{Report, render};
use serde_json::{Value, json};

use crate::common::TestEnv;
use crate::report::{bundled_reports, chromium, probe_with, timeline};

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
fn clean(summary_fits: bool) -> Value {
    json!({
        "page wider than the window": null,
        "chart text under 10 px": [],
        "overlapping chart labels": [],
        "summary inside the first screen": summary_fits,
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
    let timeline = timeline(&eight_parties(), "eight");
    let audit = audit(&timeline, &Rubric::default());
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("eight.html");
    std::fs::write(&page, render(&Report::build(&timeline, None, Some(&audit)))).unwrap();
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
