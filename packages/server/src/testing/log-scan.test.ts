import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLeaks, readCaptured, type Secret, sandboxPans } from './log-scan.js';

const secrets: Secret[] = [
  { kind: 'pan', value: '4000002500000003' },
  { kind: 'cvc', value: '123' },
  { kind: 'pin', value: '914273' },
  { kind: 'otp', value: '042917' },
];

describe('the scan of test logs for secrets', () => {
  it('finds a card number, a CVC, a PIN and an SMS code wherever a log line puts them', () => {
    expect(findLeaks('{"event":"charge","card":"4000002500000003"}', secrets)).toEqual(['pan 40…']);
    expect(findLeaks('pan=4000002500000003 exp=12/30 123', secrets)).toContain('cvc 12…');
    expect(findLeaks('{"body":{"cvc":"999"}}', secrets)[0]).toMatch(/^a CVC field/);
    expect(findLeaks('{"pin":"914273"}', secrets)).toEqual(['pin 91…']);
    // A request's duration is not a PIN, even when it has the digits of one.
    const trivial: Secret[] = [{ kind: 'pin', value: '1234' }];
    expect(findLeaks('{"event":"request","status":201,"ms":1234}', trivial)).toEqual([]);
    expect(findLeaks('{"pin":1234}', trivial)).toEqual(['pin 12…']);
    expect(findLeaks('Your Settle code is 042917.', secrets)).toEqual(['otp 04…']);
    expect(findLeaks('x 4000008260000000 y', sandboxPans)).toEqual(['pan 40…']);
  });

  it('does not mistake digits inside ids, timestamps or longer numbers for a PIN or code', () => {
    const clean = [
      '{"requestId":"a914273b-0429-17aa","ms":12}',
      '{"time":"2025-01-01T09:14:27.300Z","id":"tr_9142731"}',
      '{"amount":1914273,"seq":10429170}',
    ].join('\n');
    expect(findLeaks(clean, secrets)).toEqual([]);
  });

  it('ignores values that cannot be a PIN or a code', () => {
    expect(findLeaks('{"ms":12}', [{ kind: 'pin', value: '12' }])).toEqual([]);
    // A request id is a UUID: its groups of digits are not PINs.
    const id = '{"requestId":"6b408892-1234-47a4-90a4-f9a7303b0f84"}';
    expect(findLeaks(id, [{ kind: 'pin', value: '1234' }])).toEqual([]);
  });

  it('reads what every worker captured, each secret once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'settle-scan-'));
    try {
      writeFileSync(join(dir, '1-1.log'), 'line one\n');
      writeFileSync(join(dir, '2-1.log'), 'line two {"pin":"914273"}\n');
      const pin = JSON.stringify({ kind: 'pin', value: '914273' });
      writeFileSync(join(dir, '1-1.secrets'), `${pin}\n${pin}\n`);
      const captured = readCaptured(dir);
      expect(captured.secrets).toEqual([{ kind: 'pin', value: '914273' }]);
      expect(findLeaks(captured.text, captured.secrets)).toEqual(['pin 91…']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
