import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { maskUserName } from '../../radius/log-mask.ts';
import { formatVoucherCode } from '../../supabase/functions/_shared/domain/voucher-code.ts';
import { describeFinding, logFiles, scanLogs, scanText } from '../../stack/log-scan.ts';

const code = 'PFM8N98YXQ';
const prefixed = 'HSABCDEFGHJK';
const secret = 'sb_secret_abcdefghijklmnop';
const routerSecret = 'f3a9c2e1d4b5a6978877665544332211';
const sensitive = { secrets: [routerSecret, secret, 'short'], codes: [code, prefixed] };
const kinds = (line: string) => scanText(line, 'x.log', sensitive).map((f) => f.kind);

describe('log scan', () => {
  it('finds a planted voucher code, however it is cased, dashed or embedded', () => {
    for (const line of [
      `disconnect 1 (${code} at 127.0.0.1:3799): ack`,
      `user=${code.toLowerCase()}`,
      `code ${formatVoucherCode(code)} redeemed`,
      `printed ${formatVoucherCode(prefixed)}`,
      `GET /s/demo/status?code%3D${code}`,
      `{"code":"${prefixed}"}`,
    ]) {
      expect(kinds(line), line).toContain('voucher code');
    }
  });

  it('finds full Kenyan phone numbers in every written form', () => {
    for (const phone of ['+254712345678', '254712345678', '0712345678', '0110123456']) {
      expect(kinds(`sms to ${phone} sent`), phone).toEqual(['phone']);
      expect(kinds(`{"phone":"${phone}"}`), phone).toEqual(['phone']);
    }
  });

  it('finds secrets it was given and credentials of any value', () => {
    expect(kinds(`router secret ${routerSecret}`)).toEqual(['secret']);
    expect(kinds(`apikey: ${secret}`)).toContain('secret');
    expect(kinds('apikey: sb_secret_someOtherKey123')).toEqual(['token']);
    expect(kinds('authorization: Bearer eyJhbGciOi.eyJyb2xlIjoi.c2lnbmF0dXJl')).toEqual(['token']);
  });

  it('ignores masked forms and look-alikes', () => {
    for (const line of [
      `disconnect 1 (${maskUserName(code)} at 127.0.0.1:3799): ack`,
      'sms to 2547*****678 sent',
      'sms to 0712***678 sent',
      'receipt TJK4ABC123 for 20 KES',
      'payment 5998a51b-1c77-4a97-bd57-058186cb0abc: {"outcome":"unmatched","callback_id":127}',
      '06/Dec/2026:07:05:53 +0000: Listening on port 38275',
      'id 100712345678 and 07123456789 are not phones',
      'a short secret is not looked for: short',
      'publishable sb_publishable_abcdefghijklmnop',
    ]) {
      expect(kinds(line), line).toEqual([]);
    }
  });

  const dir = mkdtempSync(join(tmpdir(), 'log-scan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every .log of the stack but the simulators, and reports file:line masked', () => {
    mkdirSync(join(dir, 'nested'));
    writeFileSync(join(dir, 'worker.log'), `started\ndisconnect 1 (${code} at x): ack\n`);
    writeFileSync(join(dir, 'nested', 'radius.log'), 'Ready to process requests\n');
    writeFileSync(join(dir, 'sim-daraja.log'), 'push to 254712345678\n');
    writeFileSync(join(dir, 'notes.txt'), `${code}\n`);
    expect(logFiles(dir)).toEqual(['nested/radius.log', 'worker.log']);
    const findings = scanLogs(dir, sensitive);
    expect(findings.map(describeFinding)).toEqual(['worker.log:2: voucher code PF******XQ']);
  });
});
