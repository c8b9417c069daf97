// The worker's mail settings (worker/mail.ts): WB_SMTP_URL and WB_MAIL_FROM, read strictly and
// never echoed back with the password in them.
import { describe, expect, it } from 'vitest';
import { readMailSettings, smtpServer, transportOptions } from '../../worker/mail.ts';

const FROM = 'billing@example.co.ke';
const read = (url: string | undefined, from: string | undefined = FROM) =>
  readMailSettings({ WB_SMTP_URL: url, WB_MAIL_FROM: from });
const failure = (url: string | undefined, from?: string) => {
  try {
    read(url, from);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('no error');
};

describe('readMailSettings', () => {
  it('is nothing without WB_SMTP_URL (no mail), even when WB_MAIL_FROM is missing', () => {
    expect(readMailSettings({})).toBeUndefined();
    expect(read('', undefined)).toBeUndefined();
  });

  it('reads smtps:// with its login, and smtp:// that must use STARTTLS', () => {
    const smtps = read('smtps://alerts%40example.co.ke:p%40ss%2Fword@smtp.example.co.ke')!;
    expect(smtps.from).toBe(FROM);
    expect(transportOptions(smtps)).toMatchObject({
      host: 'smtp.example.co.ke',
      port: 465,
      secure: true,
      requireTLS: false,
      auth: { user: 'alerts@example.co.ke', pass: 'p@ss/word' },
    });
    expect(transportOptions(read('smtp://relay.example.co.ke')!)).toMatchObject({
      port: 587,
      secure: false,
      requireTLS: true,
      auth: undefined,
    });
    expect(transportOptions(read('smtp://user:pw@mail.example.co.ke:2525')!)).toMatchObject({
      port: 2525,
      requireTLS: true,
    });
  });

  it('lets only a server on this host go without TLS', () => {
    for (const host of ['127.0.0.1:1025', 'localhost:25', '[::1]:25']) {
      expect(transportOptions(read(`smtp://${host}`)!).requireTLS, host).toBe(false);
    }
    expect(transportOptions(read('smtp://[::1]:25')!).host).toBe('::1');
  });

  it('accepts "Name <address>" as the sender', () => {
    expect(read('smtp://127.0.0.1:25', 'WiFi Billing <noreply@example.co.ke>')!.from).toBe(
      'WiFi Billing <noreply@example.co.ke>',
    );
  });

  it('refuses a malformed URL, naming the setting but not the password', () => {
    for (const url of [
      'smtps://alerts:hunter2@',
      'https://alerts:hunter2@smtp.example.co.ke',
      'alerts:hunter2@smtp.example.co.ke:465',
      'smtps://alerts:hunter2@smtp.example.co.ke/path',
      'smtps://alerts:hunter2@smtp.example.co.ke?x=1',
      'not a url hunter2',
    ]) {
      const message = failure(url);
      expect(message, url).toContain('WB_SMTP_URL must look like smtps://');
      expect(message, url).not.toContain('hunter2');
    }
  });

  it('refuses a missing or invalid WB_MAIL_FROM', () => {
    const url = 'smtps://alerts:hunter2@smtp.example.co.ke';
    expect(() => readMailSettings({ WB_SMTP_URL: url })).toThrow('WB_MAIL_FROM is not set');
    for (const from of ['', 'billing', 'Billing <billing>', 'a@b@c']) {
      const message = failure(url, from);
      expect(message, from).toContain('WB_MAIL_FROM must be an address');
      expect(message, from).not.toContain('hunter2');
    }
  });

  it('shows the server without the password', () => {
    const settings = read('smtps://alerts:hunter2@smtp.example.co.ke:465')!;
    expect(smtpServer(settings)).toBe('smtps://alerts@smtp.example.co.ke:465');
  });
});
