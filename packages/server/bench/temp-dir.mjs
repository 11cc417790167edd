// A bench server's data folder: made in the system's temporary folder, and removed with what
// it holds (tens of MB a run) when the bench ends the process with SIGTERM.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function benchDir() {
  const dir = mkdtempSync(join(tmpdir(), 'settle-bench-'));
  process.on('SIGTERM', () => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
  return dir;
}
