# A throw-away PostgreSQL cluster for the benches, made as tests/parley/pg.rs and .ci/run
# make theirs: initdb into $WORK/pg (as `postgres`, else `nobody`, when run as root), trust
# on 127.0.0.1, a free port, `pg_ctl start -w`; stopped and $WORK removed when the script
# exits. Sourced, with WORK and PG_BIN set; defines PORT and psql.
AS=()
if [ "$(id -u)" = 0 ]; then
  user=postgres; id "$user" >/dev/null 2>&1 || user=nobody
  chown "$user" "$WORK"
  AS=(setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups)
fi
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
  "${AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap stop EXIT
"${AS[@]}" "$PG_BIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 --no-locale >"$WORK/initdb.log" 2>&1 \
  || { cat "$WORK/initdb.log" >&2; exit 1; }
"${AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK/pg" start >/dev/null
psql() { PGOPTIONS=--client-min-messages=warning "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }
