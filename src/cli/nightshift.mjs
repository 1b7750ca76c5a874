#!/usr/bin/env node
// The `nightshift` bin (package.json "bin"; `npx nightshift` in this repo). Plain JavaScript that
// registers tsx and then loads the TypeScript CLI, so it runs with no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import(new URL('./main.ts', import.meta.url).href);
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
// Everything is closed by now; if a handle still lingers, do not let it hold the exit.
setTimeout(() => process.exit(code), 2_000).unref();
