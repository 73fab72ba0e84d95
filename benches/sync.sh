#!/usr/bin/env bash
# Offline, then shared (issue 17, item 4): `push` and `pull` between a sled store and a
# journal on PostgreSQL, timed with a release build on one generated journal of EVENTS
# events (one negotiation).
#
# The cluster is a throw-away one, made as benches/postgres.sh makes its own (initdb into
# a temporary directory, as `postgres`, else `nobody`, when run as root; trust on
# 127.0.0.1, a free port), with the server's defaults (fsync on, synchronous_commit on).
#
#   bash benches/sync.sh                 # 10,000 events, 5 runs
#   EVENTS=100000 RUNS=3 bash benches/sync.sh
#
# Each figure is the median wall time of RUNS runs with the fastest beside it; what each
# run starts from is restored before it, untimed.
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-10000}
RUNS=${RUNS:-5}
SLUG=synth-7-0
WORK=$(mktemp -d /tmp/parley-sync-bench.XXXXXX)
export PARLEY_NOW=2026-12-01T00:00:00Z PARLEY_USER=bench PARLEY_SEED=7
unset PARLEY_STORE

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$PG_BIN/initdb" ] || { echo "no initdb in PG_BIN=$PG_BIN" >&2; exit 1; }

cargo build --release -q --bin parley --example synth
P=$PWD/target/release/parley
SYNTH=$PWD/target/release/examples/synth

# --- the cluster ---------------------------------------------------------------------
. benches/pg_cluster.sh
PG="postgres://postgres@127.0.0.1:$PORT/shared"
L=$WORK/local

# --- timing --------------------------------------------------------------------------
# `timed SETUP CMD…`: "median fastest" in milliseconds over RUNS runs of CMD (output
# discarded); SETUP runs untimed before each.
timed() {
  local setup=$1; shift
  local walls=() t0 t1
  for _ in $(seq "$RUNS"); do
    eval "$setup"
    t0=$(date +%s%N)
    "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
    t1=$(date +%s%N)
    walls+=("$(( (t1 - t0) / 1000 ))")
  done
  printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f %.1f", a[int((NR+1)/2)]/1000, a[1]/1000}'
}
row() { printf '%-52s %9s %9s\n' "$1" $2; }

# --- the states each run starts from -------------------------------------------------
echo "load before: $(uptime)"
"$SYNTH" --events "$EVENTS" --seed 7 --negotiations 1 >"$WORK/journal.ndjson"
"$P" --store "$WORK/offline" import "$WORK/journal.ndjson" >/dev/null
empty_shared='psql -d postgres -c "DROP DATABASE IF EXISTS shared" -c "CREATE DATABASE shared"'
offline='rm -rf "$L" "$L".before-pull-*; cp -r "$WORK/offline" "$L"'
# The shared journal holding the pushed copy, saved once as a template database.
eval "$empty_shared"; eval "$offline"
"$P" --store "$L" push --to "$PG" >/dev/null
psql -d postgres -c "CREATE DATABASE pushed TEMPLATE shared"
pushed_shared='psql -d postgres -c "DROP DATABASE IF EXISTS shared" -c "CREATE DATABASE shared TEMPLATE pushed"'
"$P" --store "$L" pull --from "$PG" >/dev/null
cp -r "$L" "$WORK/pulled"
pulled='rm -rf "$L"; cp -r "$WORK/pulled" "$L"'

first=$(timed "$empty_shared; $offline" "$P" --store "$L" push --to "$PG")
again=$(timed "$pushed_shared; $offline" "$P" --store "$L" push --to "$PG")
rebuild=$(timed "$pushed_shared; $offline" "$P" --store "$L" pull --from "$PG")
after=$(timed "$pushed_shared; $pulled" "$P" --store "$L" push --to "$PG")
same=$(timed "$pushed_shared; $pulled" "$P" --store "$L" pull --from "$PG")
copy=$(timed "$pushed_shared; rm -rf $WORK/copy" "$P" --store "$WORK/copy" pull --from "$PG")
"$P" --store "$L" export "$SLUG" >"$WORK/local.ndjson"
"$P" --store "$PG" export "$SLUG" >"$WORK/shared.ndjson"
cmp -s "$WORK/local.ndjson" "$WORK/shared.ndjson" && identical=yes || identical=NO

cat <<REPORT

$EVENTS events, one negotiation (synth --seed 7), sled <-> PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on loopback; $RUNS runs each
local export after pull byte-identical to the shared one: $identical
load after: $(uptime)

milliseconds                                            median   fastest
REPORT
row "push, shared journal empty" "$first"
row "push again (every event held, under other seqs)" "$again"
row "pull that rebuilds the local store" "$rebuild"
row "push after that pull (nothing to push)" "$after"
row "pull, copies identical (nothing to pull)" "$same"
row "pull into an empty store (copy)" "$copy"
