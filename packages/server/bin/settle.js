#!/usr/bin/env node
// Committed shim: npm links bins at install time, before `npm run build` writes dist/.
import '../dist/node/cli.js';
