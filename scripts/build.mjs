// `npm run build` (and `prepack`): src/ -> dist/, the JavaScript the published package runs with
// plain `node`. Plain Node on purpose (no tsx, no new dependencies), so it runs before anything is
// compiled. Steps:
//   1. empty dist/ (a file deleted or renamed in src/ must not live on in the package);
//   2. tsc -p tsconfig.build.json: ESM .js plus .d.ts for every .ts/.tsx under src/ except src/app/;
//   3. copy what the code reads at run time and tsc does not emit (dashboard and API docs assets,
//      worker-entry.mjs, the CLI's nightshift.mjs, ambient .d.ts files) to the same relative paths;
//   4. rewrite `./x.ts` import specifiers in the emitted .d.ts files to `./x.js`:
//      rewriteRelativeImportExtensions only rewrites the .js output (TypeScript issue #61037), and
//      editors and other tools do not all resolve a .ts path in a declaration file; and point
//      `/// <reference path>`s at the copied ambient declarations rather than back into src/.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
/** Not part of the library (the reference app); tsconfig.build.json excludes it too. */
const EXCLUDED_DIRS = new Set([join(SRC, 'app')]);
/** Compiled by tsc (a .d.ts is not: it is copied). */
const COMPILED = /(?<!\.d)\.(?:[cm]?ts|tsx)$/;
const TEST_FILE = /\.test\.[a-z]+$/;

function* filesUnder(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!EXCLUDED_DIRS.has(path)) yield* filesUnder(path);
    } else if (entry.isFile()) yield path;
  }
}

rmSync(DIST, { recursive: true, force: true });

// Same TypeScript the repo typechecks with, run by this node (no npx lookup, no shell).
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
// Its diagnostics go to stderr like ours: stdout stays clean for `npm pack --json`, which runs this as prepack.
const compiled = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: ['ignore', 2, 2] });
if (compiled.status !== 0) {
  console.error(`build: tsc failed (exit ${compiled.status ?? compiled.signal})`);
  process.exit(1);
}

let copied = 0;
for (const file of filesUnder(SRC)) {
  if (COMPILED.test(file) || TEST_FILE.test(file)) continue;
  const target = join(DIST, relative(SRC, file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target); // keeps the mode: nightshift.mjs stays executable
  copied++;
}

// from './x.ts', import('../y.tsx'), export * from './z.mts' -> .js / .mjs / .cjs. Relative
// specifiers only (packages keep theirs), and a `.d.ts` specifier is already fine.
const SPECIFIER = /((?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"]))(\.{1,2}\/[^'"]*?)(?<!\.d)\.(ts|tsx|mts|cts)\2/gm;
const JS_EXTENSION = { ts: '.js', tsx: '.js', mts: '.mjs', cts: '.cjs' };
// tsc keeps a preserved `/// <reference path>` to a hand-written .d.ts (src/types/) pointing at the
// source file, which is not in the package; point it at the copy made above instead.
const REFERENCE = /^(\/\/\/\s*<reference\s+path=")([^"]+)("[^>]*\/>)/gm;
let declarations = 0;
for (const file of filesUnder(DIST)) {
  if (!file.endsWith('.d.ts')) continue;
  const text = readFileSync(file, 'utf8');
  const rewritten = text
    .replace(SPECIFIER, (_, head, quote, path, ext) => `${head}${path}${JS_EXTENSION[ext]}${quote}`)
    .replace(REFERENCE, (whole, head, path, tail) => {
      const target = resolve(dirname(file), path);
      if (!target.startsWith(SRC + sep)) return whole;
      return `${head}${relative(dirname(file), join(DIST, relative(SRC, target))).split(sep).join('/')}${tail}`;
    });
  if (rewritten !== text) writeFileSync(file, rewritten);
  declarations++;
}

console.error(`build: ${relative(ROOT, DIST) || DIST}${sep} ready (${declarations} declaration files, ${copied} files copied from src${sep})`);
