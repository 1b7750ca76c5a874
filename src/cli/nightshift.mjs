#!/usr/bin/env node
// The `nightshift` bin. Plain JavaScript, so that it starts under plain `node` in both layouts:
//   - the published package (dist/cli/, copied there by scripts/build.mjs): main.js sits next to this
//     file and is imported directly; tsx is never loaded;
//   - this repo's sources (src/cli/, `npm run nightshift`): there is only main.ts, so tsx is
//     registered first and the TypeScript CLI runs with no build step.
import { existsSync } from 'node:fs';

const compiled = new URL('./main.js', import.meta.url);
let main = compiled;
if (!existsSync(compiled)) {
  const { register } = await import('tsx/esm/api');
  register();
  main = new URL('./main.ts', import.meta.url);
}
const { runCli } = await import(main.href);
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
// Everything is closed by now; if a handle still lingers, do not let it hold the exit.
setTimeout(() => process.exit(code), 2_000).unref();
