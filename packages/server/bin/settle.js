#!/usr/bin/env node
// Committed shim: npm links bins at install time, before `npm run build` writes dist/.
// The embedded store needs `node:sqlite` without a flag, from Node 22.13: say so plainly
// rather than let loading the CLI fail with ERR_UNKNOWN_BUILTIN_MODULE.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  console.error(`settle needs Node.js 22.13 or later; this is Node.js ${process.versions.node}.`);
  process.exit(1);
}
await import('../dist/node/cli.js');
