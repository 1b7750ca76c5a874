#!/usr/bin/env node
// The `nightshift` command. Placeholder until the CLI lands.
console.error('nightshift: the CLI is not built yet');
process.exit(1);
