#!/bin/sh
# Size and Chromium render time of `parley report` on synthetic journals of 10^3, 10^4
# and 10^5 events in one negotiation (docs/benchmarks.md).
#
#   cargo build --release --examples && benches/report.sh
#
# PARLEY and SYNTH name the binaries (default: target/release). The render time is the
# wall time of `chromium --headless --dump-dom` (start-up included: load, script, layout).
set -eu
PARLEY=${PARLEY:-target/release/parley}
SYNTH=${SYNTH:-target/release/examples/synth}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PARLEY_NOW=2026-06-01T00:00:00Z
printf '%-8s %-10s %s\n' events bytes render_s
for n in 1000 10000 100000; do
  "$SYNTH" --events "$n" --negotiations 1 > "$work/j.ndjson"
  PARLEY_STORE="$work/s$n" "$PARLEY" import "$work/j.ndjson" > /dev/null
  slug=$(PARLEY_STORE="$work/s$n" "$PARLEY" list --json | sed -n 's/.*"slug": *"\([^"]*\)".*/\1/p' | head -1)
  PARLEY_STORE="$work/s$n" "$PARLEY" report "$slug" --out "$work/r$n.html" 2> /dev/null
  start=$(date +%s.%N)
  chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$work/p$n" \
    --dump-dom "file://$work/r$n.html" > /dev/null 2>&1
  end=$(date +%s.%N)
  printf '%-8s %-10s %.2f\n' "$n" "$(wc -c < "$work/r$n.html")" "$(echo "$end - $start" | bc)"
done
