#!/usr/bin/env node
// Launcher only: everything lives in dist/cli/main.js (compiled by `npm ci` via `prepare`).
import('../dist/cli/main.js').catch((error) => {
  process.stderr.write(`gclip: cannot start (${error.message}). Run \`npm ci\` (or \`npm run build\`) first.\n`);
  process.exitCode = 3;
});
