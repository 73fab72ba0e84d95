#!/usr/bin/env bash
# Side-by-side figures on one generated journal: parley against the obvious sled design
# and against jq, store size against NDJSON size, and median wall times of the commands a
# record-keeper and a reviewer run. Ratios measured in the same run are robust to a shared
# machine; absolute times are medians of RUNS runs.
#
#   bash benches/compare.sh                  # 1,000,000 events, 3 runs
#   EVENTS=100000 RUNS=5 bash benches/compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-1000000}
RUNS=${RUNS:-3}
LOG_EVENTS=${LOG_EVENTS:-100000}
WORK=${WORK:-$(mktemp -d /tmp/parley-compare.XXXXXX)}
SLUG=synth-7-0
export PARLEY_NOW=2026-12-01T00:00:00Z PARLEY_USER=bench

cargo build --release -q --bin parley --example synth --example sled_baseline
P=target/release/parley
SYNTH=target/release/examples/synth
BASE=target/release/examples/sled_baseline

# median SECONDS of RUNS runs of a command (setup, if given, runs untimed before each)
median() {
  local runs=$1 setup=$2; shift 2
  local times=()
  for _ in $(seq "$runs"); do
    [ -n "$setup" ] && eval "$setup"
    local t0 t1
    t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N)
    times+=("$(echo "$t1 - $t0" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.3f", (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'
}
ratio() { echo "scale=2; $1 / $2" | bc -l; }

echo "journal: $EVENTS events, one negotiation, seed 7 (work dir $WORK)"
$SYNTH --events "$EVENTS" --seed 7 --negotiations 1 > "$WORK/big.ndjson"
$SYNTH --events "$LOG_EVENTS" --seed 7 --negotiations 1 > "$WORK/log.ndjson"

# 1. import, parley against one sled key per event, alternating
t_import=(); t_base=()
for _ in $(seq "$RUNS"); do
  rm -rf "$WORK/store" "$WORK/base"
  t_import+=("$(median 1 "" $P --store "$WORK/store" import "$WORK/big.ndjson")")
  t_base+=("$(median 1 "" $BASE import "$WORK/big.ndjson" "$WORK/base")")
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {printf "%.3f", (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
imp=$(med "${t_import[@]}"); base=$(med "${t_base[@]}")

# 2. sizes
$P --store "$WORK/store" export $SLUG > "$WORK/export.ndjson"
size_store=$(du -sb "$WORK/store" | cut -f1)
size_base=$(du -sb "$WORK/base" | cut -f1)
size_export=$(stat -c %s "$WORK/export.ndjson")
size_authored=$(stat -c %s "$WORK/big.ndjson")

# 3. positions, cold (first view after import: full replay, writes the checkpoint) and
#    warm (checkpoint), against jq's latest number per issue and side
cp -r "$WORK/store" "$WORK/cold"
pos_cold=$(median "$RUNS" 'rm -rf "$WORK/c"; cp -r "$WORK/cold" "$WORK/c"' $P --store "$WORK/c" positions $SLUG)
$P --store "$WORK/store" positions $SLUG >/dev/null
pos_warm=$(median "$RUNS" "" $P --store "$WORK/store" positions $SLUG)
JQ='reduce (inputs | select(.by != null) | . as $e
  | (if (.issue != null and .position != null) then [[.issue, .position]]
     elif .positions != null then (.positions | to_entries | map([.key, .value])) else [] end)
  | .[] | {at: $e.at, seq: $e.seq, by: $e.by, issue: .[0], value: .[1]}) as $p
  ({}; if (.[$p.issue][$p.by] == null) or ([$p.at, $p.seq] >= [.[$p.issue][$p.by].at, .[$p.issue][$p.by].seq])
       then .[$p.issue][$p.by] = {at: $p.at, seq: $p.seq, position: $p.value} else . end)'
jqt=$(median "$RUNS" "" jq -n -c "$JQ" "$WORK/export.ndjson")
late=$(jq -r '.last_at' <<<"$($P --store "$WORK/store" list --json | jq -c '.negotiations[0]')" | cut -c1-10)
late=$(date -u -d "$late - 10 days" +%F)
asof=$(median "$RUNS" "" $P --store "$WORK/store" positions $SLUG --as-of "$late")

# 4. the other commands
# audit, cold (the first after import, on a fresh copy each run) and asked again (the memo)
audit_cold=$(median "$RUNS" 'rm -rf "$WORK/c"; cp -r "$WORK/cold" "$WORK/c"' $P --store "$WORK/c" audit $SLUG)
$P --store "$WORK/store" audit $SLUG >/dev/null
audit=$(median "$RUNS" "" $P --store "$WORK/store" audit $SLUG)
replay=$(median "$RUNS" "" $P --store "$WORK/store" replay $SLUG --json)
open=$(median "$RUNS" "" $P --store "$WORK/store" list)
verify=$(median "$RUNS" "" $P --store "$WORK/store" verify)
rm -rf "$WORK/log"; $P --store "$WORK/log" import "$WORK/log.ndjson" >/dev/null
by=$(head -1 "$WORK/log.ndjson" | jq -r '.parties[0].code')
log=$(median 11 "" $P --store "$WORK/log" log $SLUG offer --by "$by" --issue issue-01 --position 50 --summary "a bench move" --at 2026-11-30)

cat <<REPORT

ratios (same run)
  import: parley $imp s, one-key-per-event sled $base s        → parley $(ratio "$base" "$imp")× faster
  positions (checkpointed) $pos_warm s vs jq $jqt s             → $(ratio "$jqt" "$pos_warm")× faster
  positions (cold, first after import) $pos_cold s vs jq        → $(ratio "$jqt" "$pos_cold")× faster
  store $size_store B / exported NDJSON $size_export B          = $(ratio "$size_store" "$size_export")
  store / authored NDJSON $size_authored B                      = $(ratio "$size_store" "$size_authored")
  baseline store $size_base B / exported NDJSON                 = $(ratio "$size_base" "$size_export")

median wall times ($RUNS runs; log: 11 runs)
  log on a $LOG_EVENTS-event store       $log s
  import $EVENTS                         $imp s
  positions $EVENTS (checkpointed)       $pos_warm s
  positions $EVENTS (cold)               $pos_cold s
  positions --as-of $late                $asof s
  audit $EVENTS (asked again: memo)      $audit s
  audit $EVENTS (cold, first after import) $audit_cold s
  replay --json $EVENTS                  $replay s
  open (list) $EVENTS                    $open s
  verify $EVENTS                         $verify s
REPORT
