#!/usr/bin/env bash
# scripts/verify.sh (`npm run verify`): seed 000's proof pack, replayed with curl against a real
# server. Every step checks status codes and JSON fields, prints PASS/FAIL, and lands in
# reports/proof.md with the real outputs and a summary table; the exit code is non-zero if any
# step disagrees.
#
#   npm run verify                          # starts its own server on a temporary database
#   BASE_URL=http://host:3000 JWT_SECRET=... [SERVER_LOG=path] npm run verify   # an existing server
#
# Needs only bash, curl and node (JSON is read with node, not jq, which may be missing).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PROOF_FILE="${PROOF_FILE:-$ROOT/reports/proof.md}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/nightshift-verify.XXXXXX")"
SERVER_PID=""

# --- server lifecycle -------------------------------------------------------------------------

stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    # The server waits a bounded grace period for running jobs; do not hang past it.
    for _ in $(seq 1 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
cleanup() { stop_server; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${BASE_URL:-}" ]; then
  MODE="own server (temporary database, started and stopped by this script)"
  DB_DIR="$WORK/db"
  mkdir -p "$DB_DIR"
  export DATABASE_PATH="$DB_DIR/nightshift.db"
  JWT_SECRET="$(node -e 'process.stdout.write(require("crypto").randomBytes(48).toString("base64url"))')"
  export JWT_SECRET
  PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})')"
  BASE_URL="http://127.0.0.1:$PORT"
  SERVER_LOG="$WORK/server.log"
  echo "Starting the server on $BASE_URL (database $DATABASE_PATH, log $SERVER_LOG)"
  # Explicit settings so an inherited environment cannot turn the scheduler off or move the jobs.
  HOST=127.0.0.1 PORT="$PORT" LOG_FORMAT=pretty LOG_LEVEL=info JOBS_ENABLED=true JOBS_DIR="$ROOT/jobs" \
    node --import tsx src/app/server.ts >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  # Healthy means: HTTP answers and the scheduler has taken the lease (it logs its jobs then).
  for i in $(seq 1 120); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "FAIL: the server exited during start-up:" >&2; cat "$SERVER_LOG" >&2; exit 1
    fi
    if curl -sf --max-time 2 "$BASE_URL/api/health" 2>/dev/null | grep -q '"running":true'; then break; fi
    if [ "$i" -eq 120 ]; then echo "FAIL: no healthy /api/health after 60 s" >&2; cat "$SERVER_LOG" >&2; exit 1; fi
    sleep 0.5
  done
else
  MODE="existing server at $BASE_URL"
  BASE_URL="${BASE_URL%/}"
  if [ -z "${JWT_SECRET:-}" ]; then echo "With BASE_URL set, JWT_SECRET must be the server's secret (to mint tokens)." >&2; exit 2; fi
  SERVER_LOG="${SERVER_LOG:-}"
fi

# Tokens come from the project's own script, with the same secret the server uses.
mint() { node --import tsx scripts/token.ts --role "$1" --sub "verify-$1" --ttl 900 2>/dev/null; }
ADMIN_TOKEN="$(mint admin)"
STAFF_TOKEN="$(mint staff)"

# --- request, check and report helpers -----------------------------------------------------------

SECTIONS="$WORK/sections.md"
: >"$SECTIONS"
STEP_NAMES=()
STEP_RESULTS=()
STEP_FAILS=()
md() { printf '%s\n' "$@" >>"$SECTIONS"; }

# http METHOD PATH AUTH(admin|staff|none) [JSON]: sets HTTP_STATUS; the body is in $WORK/body.
# HTTP_CMD is the command as shown in the proof (tokens as variables, never their values).
http() {
  local method=$1 path=$2 auth=$3 data=${4-}
  local args=(-sS --max-time 60 -o "$WORK/body" -w '%{http_code}' -X "$method")
  HTTP_CMD="curl -sS -X $method"
  case $auth in
    admin) args+=(-H "Authorization: Bearer $ADMIN_TOKEN"); HTTP_CMD+=' -H "Authorization: Bearer $ADMIN_TOKEN"' ;;
    staff) args+=(-H "Authorization: Bearer $STAFF_TOKEN"); HTTP_CMD+=' -H "Authorization: Bearer $STAFF_TOKEN"' ;;
  esac
  if [ -n "$data" ]; then
    args+=(-H 'Content-Type: application/json' --data "$data")
    HTTP_CMD+=" -H 'Content-Type: application/json' -d '$data'"
  fi
  HTTP_CMD+=" \"\$BASE_URL$path\""
  : >"$WORK/body"
  HTTP_STATUS="$(curl "${args[@]}" "$BASE_URL$path" 2>"$WORK/curl.err")" || HTTP_STATUS="000"
}

# jget EXPR: prints a value from the last response; `b` is the parsed body.
jget() { node -e 'const b=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));process.stdout.write(String(new Function("b","return ("+process.argv[2]+")")(b)))' "$WORK/body" "$1"; }

# The checker: evaluates "label" "expression" pairs against s (status), b (parsed body) and
# v (process.env, for values kept from earlier steps); prints "ok<TAB>label" or "FAIL<TAB>label",
# and writes the body pretty-printed to $WORK/pretty.
CHECK_JS='
const fs = require("fs");
const [file, status, ...pairs] = process.argv.slice(1);
const text = fs.readFileSync(file, "utf8");
let b; try { b = JSON.parse(text); } catch { b = undefined; }
fs.writeFileSync(file + ".pretty", b === undefined ? text : JSON.stringify(b, null, 2));
for (let i = 0; i < pairs.length; i += 2) {
  let ok = false;
  try { ok = Boolean(new Function("s", "b", "v", "return (" + pairs[i + 1] + ")")(Number(status), b, process.env)); } catch {}
  console.log((ok ? "ok" : "FAIL") + "\t" + pairs[i]);
}'

# check TITLE "label" "expr" ...: checks the last response and writes it to the proof section.
check() {
  local title=$1; shift
  local results line
  results="$(node -e "$CHECK_JS" "$WORK/body" "$HTTP_STATUS" "$@")"
  md "### $title" '```' "\$ $HTTP_CMD" '```' '```json' "$(cat "$WORK/body.pretty")" "HTTP Status: $HTTP_STATUS" '```'
  if [ "$HTTP_STATUS" = "000" ]; then md "curl error: $(cat "$WORK/curl.err")"; fi
  while IFS=$'\t' read -r verdict line; do
    if [ "$verdict" = ok ]; then md "- ✅ $line"; else md "- ❌ $line"; STEP_FAILS+=("$title: $line"); fi
  done <<<"$results"
  md ''
}

# expect_true "label" CONDITION_EXIT_CODE: for checks that are not about an HTTP response.
expect_true() {
  if [ "$2" -eq 0 ]; then md "- ✅ $1"; else md "- ❌ $1"; STEP_FAILS+=("$1"); fi
}

begin_step() { STEP_FAILS=(); }
# end_step NAME [SKIP reason]: prints and records the verdict of the checks since begin_step.
end_step() {
  local name=$1 verdict
  if [ "${2-}" = SKIP ]; then verdict=SKIP
  elif [ ${#STEP_FAILS[@]} -eq 0 ]; then verdict=PASS
  else verdict=FAIL; fi
  STEP_NAMES+=("$name"); STEP_RESULTS+=("$verdict")
  md '' "**$name: $verdict**${3:+ ($3)}" '' '---' ''
  printf '%-28s %s\n' "$name" "$verdict"
  if [ "$verdict" = FAIL ]; then printf '    - %s\n' "${STEP_FAILS[@]}"; fi
  return 0
}

# --- the proof, section by section as in seed 000 -----------------------------------------------

md '## 0) HEALTH' ''
begin_step
http GET /api/health none
check 'GET /api/health (public)' 'status 200' 's === 200' 'database ok' 'b.database.ok === true' \
  'scheduler enabled and running' 'b.scheduler.enabled === true && b.scheduler.running === true'
end_step 'Server healthy'

md '## A) SCHEDULER START LOGS' ''
if [ -n "$SERVER_LOG" ] && [ -f "$SERVER_LOG" ]; then
  begin_step
  START_LINES="$(grep -E 'Jobs scheduler enabled|Scheduled jobs:|  - [A-Za-z0-9._-]+: ' "$SERVER_LOG" || true)"
  md '```' "\$ grep -E 'Jobs scheduler enabled|Scheduled jobs:|  - [A-Za-z0-9._-]+: ' server.log" "$START_LINES" '```' ''
  md '### A1) Scheduler enabled'
  grep -q 'Jobs scheduler enabled' "$SERVER_LOG"; expect_true 'log says "Jobs scheduler enabled"' $?
  grep -q 'Scheduled jobs:' "$SERVER_LOG"; expect_true 'log lists "Scheduled jobs:"' $?
  end_step 'Scheduler starts'
  begin_step
  md '### A2) Both jobs registered with their cron expressions'
  grep -F 'cleanupPreviewSessions: ' <<<"$START_LINES" | grep -qF '(0 */6 * * *)'; expect_true 'cleanupPreviewSessions logged with (0 */6 * * *)' $?
  grep -F 'cleanupPreviewSessions: ' <<<"$START_LINES" | grep -qiF 'every 6 hours'; expect_true 'cleanupPreviewSessions described as "every 6 hours"' $?
  grep -F 'cleanupI18nCache: ' <<<"$START_LINES" | grep -qF '(0 3 * * *)'; expect_true 'cleanupI18nCache logged with (0 3 * * *)' $?
  end_step '2 jobs registered'
else
  md 'No server log (set SERVER_LOG to the log of the server behind BASE_URL to check it).' ''
  begin_step; end_step 'Scheduler starts' SKIP 'no server log'
  begin_step; end_step '2 jobs registered' SKIP 'no server log'
fi

md '## B) API PROOF' ''
begin_step
http GET /api/jobs/status admin
check 'B1) GET /api/jobs/status (admin token)' 'status 200' 's === 200' 'running:true, enabled:true' 'b.running === true && b.enabled === true' \
  'cleanupPreviewSessions scheduled 0 */6 * * *' 'b.jobs.some(j => j.name === "cleanupPreviewSessions" && j.schedule === "0 */6 * * *")' \
  'cleanupI18nCache scheduled 0 3 * * *' 'b.jobs.some(j => j.name === "cleanupI18nCache" && j.schedule === "0 3 * * *")' \
  'every job has name, schedule, description, lastRun, nextRun' 'b.jobs.every(j => ["name","schedule","description","lastRun","nextRun"].every(k => k in j))'
end_step 'GET /api/jobs/status'

begin_step
http POST /api/jobs/run/cleanupPreviewSessions admin
check 'B2) POST /api/jobs/run/cleanupPreviewSessions (manual trigger)' 'status 200' 's === 200' \
  'job is cleanupPreviewSessions' 'b.job === "cleanupPreviewSessions"' 'result.success is true' 'b.result.success === true' \
  'details has expiredCount and revokedCount' 'Number.isInteger(b.result.details.expiredCount) && Number.isInteger(b.result.details.revokedCount)'
export V_MANUAL_RUN_ID="$(jget 'b.runId' 2>/dev/null || true)"
end_step 'Manual job trigger'

begin_step
http GET '/api/jobs/runs?limit=50' admin
check 'B3) GET /api/jobs/runs (job history)' 'status 200' 's === 200' 'runs is a non-empty list' 'Array.isArray(b.runs) && b.runs.length > 0' \
  'the manual run is recorded as success' 'b.runs.some(r => r.id === v.V_MANUAL_RUN_ID && r.name === "cleanupPreviewSessions" && r.status === "success" && r.endedAt)' \
  'newest first' 'b.runs.every((r, i) => i === 0 || Date.parse(b.runs[i - 1].startedAt) >= Date.parse(r.startedAt))'
end_step 'Job history recorded'

md '## C) FUNCTIONAL PROOF: Preview Session Cleanup' ''
begin_step
export V_EXPIRES_AT="$(node -e 'process.stdout.write(new Date(Date.now() - 86400000).toISOString())')"
http POST /api/preview-sessions admin "{\"expiresAt\":\"$V_EXPIRES_AT\"}"
check 'C1) Created expired preview session' 'status 201' 's === 201' 'answers {id, token, expiresAt}' \
  'typeof b.id === "string" && typeof b.token === "string" && b.expiresAt === v.V_EXPIRES_AT'
PREVIEW_TOKEN="$(jget 'encodeURIComponent(b.token)' 2>/dev/null || echo missing)"
http GET "/api/preview-sessions/$PREVIEW_TOKEN/validate" none
check 'C2) Validate BEFORE cleanup' 'status 410' 's === 410' 'body is {"error":"Preview session expired","code":"EXPIRED"}' \
  'JSON.stringify(b) === JSON.stringify({ error: "Preview session expired", code: "EXPIRED" })'
http POST /api/jobs/run/cleanupPreviewSessions admin
check 'C3) Run cleanup job' 'status 200' 's === 200' 'success' 'b.job === "cleanupPreviewSessions" && b.result.success === true' \
  'expiredCount >= 1' 'b.result.details.expiredCount >= 1'
http GET "/api/preview-sessions/$PREVIEW_TOKEN/validate" none
check 'C4) Validate AFTER cleanup (session deleted)' 'status 404' 's === 404' 'body is {"error":"Preview session not found","code":"NOT_FOUND"}' \
  'JSON.stringify(b) === JSON.stringify({ error: "Preview session not found", code: "NOT_FOUND" })'
end_step 'Preview cleanup works'

md '## D) FUNCTIONAL PROOF: i18n Cache Cleanup' ''
begin_step
export V_CACHE_EXPIRES="$(node -e 'process.stdout.write(new Date(Date.now() - 3600000).toISOString())')"
HASH="verify-cleanup-$(date +%s)-$$"
http POST /api/i18n-cache admin "{\"promptHash\":\"$HASH\",\"value\":\"Bonjour\",\"expiresAt\":\"$V_CACHE_EXPIRES\"}"
check 'D1) Created expired i18n cache entry' 'status 201' 's === 201' 'answers {id, promptHash, expiresAt}' \
  "typeof b.id === 'string' && b.promptHash === '$HASH' && b.expiresAt === v.V_CACHE_EXPIRES"
http GET /api/i18n-cache/stats admin
check 'D1) Stats before cleanup' 'status 200' 's === 200' 'count >= 1 and expired >= 1' 'b.count >= 1 && b.expired >= 1'
export V_COUNT_BEFORE="$(jget 'b.count' 2>/dev/null || echo -1)"
http POST /api/jobs/run/cleanupI18nCache admin
check 'D2) Run cleanup job' 'status 200' 's === 200' 'success' 'b.job === "cleanupI18nCache" && b.result.success === true' \
  'cleanedCount >= 1' 'b.result.details.cleanedCount >= 1'
export V_CLEANED="$(jget 'b.result.details.cleanedCount' 2>/dev/null || echo -1)"
http GET /api/i18n-cache/stats admin
check 'D3) Stats after cleanup' 'status 200' 's === 200' 'no expired entry left' 'b.expired === 0' \
  'count went down by cleanedCount' 'b.count === Number(v.V_COUNT_BEFORE) - Number(v.V_CLEANED)'
md "Count before: $V_COUNT_BEFORE, cleaned: $V_CLEANED" ''
end_step 'i18n cache cleanup works'

md '## E) SECURITY PROOF (RBAC)' ''
begin_step
http GET /api/jobs/runs staff
check 'E1) GET /api/jobs/runs with STAFF token' 'status 403' 's === 403' 'body is {"error":"Insufficient permissions"}' 'b.error === "Insufficient permissions"'
http POST /api/jobs/run/cleanupPreviewSessions staff
check 'E2) POST /api/jobs/run/cleanupPreviewSessions with STAFF token' 'status 403' 's === 403' 'body is {"error":"Insufficient permissions"}' 'b.error === "Insufficient permissions"'
end_step 'Staff user blocked (403)'

begin_step
http GET /api/jobs/runs none
check 'E3) GET /api/jobs/runs without a token' 'status 401' 's === 401' 'code UNAUTHORIZED' 'b.code === "UNAUTHORIZED" && typeof b.error === "string"'
http POST /api/jobs/run/cleanupPreviewSessions none
check 'E4) POST /api/jobs/run/cleanupPreviewSessions without a token' 'status 401' 's === 401' 'code UNAUTHORIZED' 'b.code === "UNAUTHORIZED"'
end_step 'No token rejected (401)'

# --- the report ----------------------------------------------------------------------------------

failed=0
passed=0
for r in "${STEP_RESULTS[@]}"; do
  if [ "$r" = FAIL ]; then failed=$((failed + 1)); elif [ "$r" = PASS ]; then passed=$((passed + 1)); fi
done
mkdir -p "$(dirname "$PROOF_FILE")"
{
  echo '# Nightshift: seed 000 proof pack (scripts/verify.sh)'
  echo
  echo "**Date:** $(date -u +%Y-%m-%dT%H:%M:%SZ)  "
  echo "**Target:** $MODE  "
  echo "**Status:** $([ "$failed" -eq 0 ] && echo COMPLETE || echo FAILED) ($passed passed, $failed failed, ${#STEP_NAMES[@]} steps)"
  echo
  echo 'Commands are shown with `$BASE_URL`, `$ADMIN_TOKEN` and `$STAFF_TOKEN` in place of their values;'
  echo 'the outputs are the real ones.'
  echo
  echo '---'
  echo
  cat "$SECTIONS"
  echo '## SUMMARY'
  echo
  echo '| Test | Result |'
  echo '|------|--------|'
  for i in "${!STEP_NAMES[@]}"; do
    case ${STEP_RESULTS[$i]} in PASS) icon='✅' ;; SKIP) icon='⚠️' ;; *) icon='❌' ;; esac
    echo "| ${STEP_NAMES[$i]} | $icon ${STEP_RESULTS[$i]} |"
  done
} >"$PROOF_FILE"

stop_server # before reporting, so the shutdown lines are in the copied log
if [ -n "$SERVER_LOG" ] && [ -f "$SERVER_LOG" ] && [[ "$SERVER_LOG" == "$WORK"/* ]]; then
  cp "$SERVER_LOG" "$(dirname "$PROOF_FILE")/verify-server.log"
fi
echo "Proof written to ${PROOF_FILE#"$ROOT"/}: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
