#!/usr/bin/env bash
# A throwaway PostgreSQL for tests: a fresh cluster in a temp folder, listening on 127.0.0.1 only
# (and a Unix socket in the same folder), with one database, stopped and deleted on exit.
#
#   scripts/with-postgres.sh npm test          # runs the command with NIGHTSHIFT_TEST_DATABASE_URL set
#   scripts/with-postgres.sh                   # starts one, prints its URL, keeps it until Ctrl-C
#
# Needs PostgreSQL's server binaries (Debian/Ubuntu: apt-get install postgresql; the package's own
# cluster is not used). Found in $PG_BIN, else the newest /usr/lib/postgresql/*/bin, else on PATH.
# As root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail

find_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  local newest
  newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then echo "$newest"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  echo "PostgreSQL's initdb was not found: install it (Debian/Ubuntu: apt-get install postgresql) or set PG_BIN" >&2
  exit 1
}

BIN="$(find_bin)"
DIR="$(mktemp -d "${TMPDIR:-/tmp}/nightshift-pg.XXXXXX")"
DATA="$DIR/data"
PORT="${NIGHTSHIFT_PG_PORT:-$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}"
DBNAME="${NIGHTSHIFT_PG_DATABASE:-nightshift_test}"

# As root, every server command runs as postgres, who must own the folder.
as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "Running as root needs a 'postgres' user to run the server" >&2; exit 1; }
  chown postgres "$DIR"
fi

stop() {
  as_server "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop EXIT
trap 'exit 130' INT TERM

# trust: only this machine can reach it (127.0.0.1 and a socket in a private folder), and it lives
# for one test run. C collation: the same order for ids on every machine.
as_server "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C >"$DIR/initdb.log" 2>&1 ||
  { cat "$DIR/initdb.log" >&2; exit 1; }
# fsync off: a crash loses the throwaway cluster anyway, and tests run much faster without it.
# NIGHTSHIFT_PG_DURABLE=1 keeps PostgreSQL's durable defaults (benchmarks: bench/postgres-store/).
DURABILITY="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${NIGHTSHIFT_PG_DURABLE:-0}" = "1" ] && DURABILITY=""
as_server "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 $DURABILITY -c max_connections=200" \
  start >/dev/null || { cat "$DIR/server.log" >&2; exit 1; }
as_server "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DBNAME"

export NIGHTSHIFT_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/$DBNAME"
echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') at $NIGHTSHIFT_TEST_DATABASE_URL (data in $DATA)" >&2

if [ $# -gt 0 ]; then
  "$@"
else
  echo "export NIGHTSHIFT_TEST_DATABASE_URL=$NIGHTSHIFT_TEST_DATABASE_URL" >&2
  echo "Ctrl-C stops and deletes it." >&2
  while true; do sleep 3600; done
fi
