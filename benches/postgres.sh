#!/usr/bin/env bash
# The views at server speed (issue 17): one generated journal of EVENTS events (one
# negotiation) imported into PostgreSQL and into sled, and the same commands timed on
# both, side by side, with a release build.
#
# The cluster is a throw-away one, made as tests/parley/pg.rs and .ci/run make theirs:
# initdb into a temporary directory (as `postgres`, else `nobody`, when run as root), trust
# on 127.0.0.1, a free port, `pg_ctl start -w`; stopped and removed when the script exits.
# The server keeps its defaults (fsync on, synchronous_commit on): what a team would run.
#
#   bash benches/postgres.sh                       # 100,000 events, 5 runs, 21 logs
#   EVENTS=10000 RUNS=3 LOGS=11 bash benches/postgres.sh
#
# Each figure is the median wall time of RUNS runs (LOGS for `log`), with the fastest run
# and the parley process's CPU time (user + system; the server's is not in it) beside it.
# The machine may be shared: the load average is printed at the start and the end.
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-100000}
RUNS=${RUNS:-5}
LOGS=${LOGS:-21}
SLUG=synth-7-0
WORK=$(mktemp -d /tmp/parley-pg-bench.XXXXXX)
# One pinned clock and seed on both: sled reads PARLEY_NOW, PostgreSQL its setting
# parley.now (in the URL below), so the two exports can be compared byte for byte.
export PARLEY_NOW=2026-12-01T00:00:00Z PARLEY_USER=bench PARLEY_SEED=7
unset PARLEY_STORE

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$PG_BIN/initdb" ] || { echo "no initdb in PG_BIN=$PG_BIN" >&2; exit 1; }

cargo build --release -q --bin parley --example synth
P=$PWD/target/release/parley
SYNTH=$PWD/target/release/examples/synth

# --- the cluster ---------------------------------------------------------------------
. benches/pg_cluster.sh
psql -d postgres -c 'CREATE DATABASE bench'
PG="postgres://postgres@127.0.0.1:$PORT/bench?options=-c%20parley.now%3D$PARLEY_NOW"
SLED=$WORK/sled

# --- timing --------------------------------------------------------------------------
# `timed RUNS SETUP CMD…`: "median min cpu" in milliseconds over RUNS runs of CMD (its
# output discarded); SETUP, if not empty, runs untimed before each.
timed() {
  local runs=$1 setup=$2; shift 2
  local walls=() cpus=() t0 t1 c
  for _ in $(seq "$runs"); do
    [ -n "$setup" ] && eval "$setup"
    t0=$(date +%s%N)
    c=$( { TIMEFORMAT='%U %S'; time "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }; } 2>&1 )
    t1=$(date +%s%N)
    walls+=("$(( (t1 - t0) / 1000 ))")
    cpus+=("$(awk '{printf "%d", ($1 + $2) * 1000000}' <<<"$c")")
  done
  local wall cpu
  wall=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f %.1f", a[int((NR+1)/2)]/1000, a[1]/1000}')
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]/1000}')
  echo "$wall $cpu"
}
row() { # label, sled figures, postgres figures
  printf '%-44s %9s %9s %7s   %9s %9s %7s\n' "$1" $2 $3
}

# --- the journal, in both --------------------------------------------------------------
echo "load before: $(uptime)"
"$SYNTH" --events "$EVENTS" --seed 7 --negotiations 1 >"$WORK/journal.ndjson"
imp_sled=$(timed 1 "" "$P" --store "$SLED" import "$WORK/journal.ndjson")
imp_pg=$(timed 1 "" "$P" --store "$PG" import "$WORK/journal.ndjson")
"$P" --store "$SLED" export "$SLUG" >"$WORK/sled.ndjson"
"$P" --store "$PG" export "$SLUG" >"$WORK/pg.ndjson"
cmp -s "$WORK/sled.ndjson" "$WORK/pg.ndjson" && same=yes || same=NO
cp -r "$SLED" "$WORK/sled-cold"

# Cold: the store as the import left it (no checkpoint, no memo): a fresh copy of the
# sled store, the derived tables emptied in PostgreSQL.
sled_cold='rm -rf "$WORK/c"; cp -r "$WORK/sled-cold" "$WORK/c"'
pg_cold='psql -d bench -c "DELETE FROM parley_checkpoints; DELETE FROM parley_memos"'
pos_cold_sled=$(timed "$RUNS" "$sled_cold" "$P" --store "$WORK/c" positions "$SLUG")
pos_cold_pg=$(timed "$RUNS" "$pg_cold" "$P" --store "$PG" positions "$SLUG")
"$P" --store "$SLED" positions "$SLUG" >/dev/null
"$P" --store "$PG" positions "$SLUG" >/dev/null
pos_sled=$(timed "$RUNS" "" "$P" --store "$SLED" positions "$SLUG")
pos_pg=$(timed "$RUNS" "" "$P" --store "$PG" positions "$SLUG")
audit_cold_sled=$(timed "$RUNS" "$sled_cold" "$P" --store "$WORK/c" audit "$SLUG")
audit_cold_pg=$(timed "$RUNS" "$pg_cold" "$P" --store "$PG" audit "$SLUG")
"$P" --store "$SLED" audit "$SLUG" >/dev/null
"$P" --store "$PG" audit "$SLUG" >/dev/null
audit_sled=$(timed "$RUNS" "" "$P" --store "$SLED" audit "$SLUG")
audit_pg=$(timed "$RUNS" "" "$P" --store "$PG" audit "$SLUG")
verify_sled=$(timed "$RUNS" "" "$P" --store "$SLED" verify "$SLUG")
verify_pg=$(timed "$RUNS" "" "$P" --store "$PG" verify "$SLUG")
export_sled=$(timed "$RUNS" "" "$P" --store "$SLED" export "$SLUG")
export_pg=$(timed "$RUNS" "" "$P" --store "$PG" export "$SLUG")
list_sled=$(timed "$RUNS" "" "$P" --store "$SLED" list)
list_pg=$(timed "$RUNS" "" "$P" --store "$PG" list)
by=$(head -1 "$WORK/journal.ndjson" | jq -r '.parties[0].code')
move=(log "$SLUG" offer --by "$by" --issue issue-01 --position 50 --summary "a bench move" --at 2026-11-30)
log_sled=$(timed "$LOGS" "" "$P" --store "$SLED" "${move[@]}")
log_pg=$(timed "$LOGS" "" "$P" --store "$PG" "${move[@]}")
size_pg=$(psql -d bench -A -t -c "SELECT pg_database_size('bench')")
size_sled=$(du -sb "$SLED" | cut -f1)

cat <<REPORT

$EVENTS events, one negotiation (synth --seed 7); $RUNS runs each, log $LOGS runs
export from sled and from PostgreSQL byte-identical: $same
store size: sled $size_sled B, PostgreSQL database $size_pg B
load after: $(uptime)

milliseconds                                     ---------- sled ----------   ------- PostgreSQL -------
                                                    median   fastest     cpu      median   fastest     cpu
REPORT
row "import (once)" "$imp_sled" "$imp_pg"
row "positions, cold (first after import)" "$pos_cold_sled" "$pos_cold_pg"
row "positions, checkpointed" "$pos_sled" "$pos_pg"
row "log of one move" "$log_sled" "$log_pg"
row "audit, cold (first after import)" "$audit_cold_sled" "$audit_cold_pg"
row "audit, asked again (memo)" "$audit_sled" "$audit_pg"
row "verify" "$verify_sled" "$verify_pg"
row "export" "$export_sled" "$export_pg"
row "list (open)" "$list_sled" "$list_pg"
