#!/usr/bin/env bash
# Node 20's test runner does not expand globs, so list the test files here: every *.test.ts under
# src/, jobs/ and test/. Extra arguments go to node (e.g. --test-name-pattern).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find src jobs test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
if [ ${#files[@]} -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
# Each test is bounded (--test-timeout) and so is the whole run: a regression that leaves a worker
# thread or port alive must fail CI, not hang it.
exec timeout --kill-after=15 "${TEST_RUN_TIMEOUT_S:-2400}" \
  node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-1}" --test-timeout="${TEST_TIMEOUT_MS:-180000}" "$@" "${files[@]}"
