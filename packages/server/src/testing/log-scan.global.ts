// vitest globalSetup: gives the workers a folder for their captured log output, and at the end
// of the run scans all of it for the card numbers, CVCs, PINs and SMS codes the tests used.
// A leak fails the run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findLeaks, readCaptured, sandboxPans } from './log-scan.js';

export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'settle-test-logs-'));
  project.provide('logCaptureDir', dir);
  return () => {
    const { text, secrets, files } = readCaptured(dir);
    const leaks = findLeaks(text, [...sandboxPans, ...secrets]);
    const lines = text.split('\n').length - 1;
    if (leaks.length > 0) {
      throw new Error(
        `Secrets in the log output of the tests (kept in ${dir}):\n  ${leaks.join('\n  ')}`,
      );
    }
    console.log(
      `Log scan: ${lines} lines of log output from ${files} files, checked for ${secrets.length} secrets the tests used and ${sandboxPans.length} test card numbers: none found.`,
    );
    rmSync(dir, { recursive: true, force: true });
  };
}
