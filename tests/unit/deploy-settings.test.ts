// The installer's settings (deploy/settings.ts): what it refuses before writing anything.
import { describe, expect, it } from 'vitest';
import {
  freeradiusVersion,
  isLocalHost,
  older,
  parseEnvFile,
  readSettings,
  SAFE_FREERADIUS,
} from '../../deploy/settings.ts';

const GOOD = {
  SUPABASE_URL: 'https://abcd.supabase.co/',
  SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_x',
  SUPABASE_SECRET_KEY: 'sb_secret_x',
  PORTAL_API_KEY: `wb_portal_${'p'.repeat(32)}`,
  DB_HOST: 'db.abcd.supabase.co',
  DB_SSLROOTCERT: '/etc/wifi-billing/supabase-ca.crt',
  FREERADIUS_DB_PASSWORD: 'f'.repeat(32),
  WORKER_DB_PASSWORD: 'w'.repeat(32),
  PORTAL_DOMAIN: 'portal.example.co.ke',
  ADMIN_DOMAIN: 'admin.example.co.ke',
};
const file = (values: Record<string, string>) =>
  Object.entries(values)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');

describe('installer settings', () => {
  it('reads a good file with the documented defaults', () => {
    const settings = readSettings(`# comment\n\n${file(GOOD)}\n`);
    expect(settings.SUPABASE_URL).toBe('https://abcd.supabase.co');
    expect(settings.DB_PORT).toBe(5432);
    expect(settings.DB_SSLMODE).toBe('verify-full');
    expect(settings.RADIUS_AUTH_PORT).toBe(1812);
    expect(settings.PAYMENT_PROVIDERS).toBe('real');
  });

  it('refuses a loopback or private callback base with real providers, not with simulators', () => {
    for (const url of [
      'http://127.0.0.1:54321',
      'https://localhost',
      'https://10.0.0.5',
      'http://abcd.supabase.co',
    ])
      expect(() => readSettings(file({ ...GOOD, SUPABASE_URL: url }))).toThrow(
        /SUPABASE_URL: .*public https/,
      );
    expect(
      readSettings(
        file({ ...GOOD, SUPABASE_URL: 'http://127.0.0.1:54321', PAYMENT_PROVIDERS: 'simulated' }),
      ).SUPABASE_URL,
    ).toBe('http://127.0.0.1:54321');
  });

  it('lists every problem at once', () => {
    const bad = {
      ...GOOD,
      WORKER_DB_PASSWORD: 'short',
      PORTAL_DOMAIN: 'not a name',
      RADIUS_AUTH_PORT: '70000',
    };
    let message = '';
    try {
      readSettings(file(bad));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/WORKER_DB_PASSWORD/);
    expect(message).toMatch(/PORTAL_DOMAIN/);
    expect(message).toMatch(/RADIUS_AUTH_PORT/);
  });

  it('wants the project CA for verify-full against a remote database', () => {
    const { DB_SSLROOTCERT: _, ...withoutCa } = GOOD;
    expect(() => readSettings(file(withoutCa))).toThrow(/DB_SSLROOTCERT/);
    expect(readSettings(file({ ...withoutCa, DB_SSLMODE: 'require' })).DB_SSLMODE).toBe('require');
  });

  it("checks the worker's SMTP settings with the worker's own rule", () => {
    expect(() => readSettings(file({ ...GOOD, WB_SMTP_URL: 'mail.example.com' }))).toThrow(
      /WB_SMTP_URL: WB_SMTP_URL must look like/,
    );
    const smtp = { WB_SMTP_URL: 'smtps://u:p@smtp.example.com:465', WB_MAIL_FROM: 'a@example.com' };
    expect(readSettings(file({ ...GOOD, ...smtp })).WB_MAIL_FROM).toBe('a@example.com');
  });

  it('refuses keys of the wrong kind', () => {
    expect(() => readSettings(file({ ...GOOD, SUPABASE_SECRET_KEY: 'sb_publishable_x' }))).toThrow(
      /SUPABASE_SECRET_KEY/,
    );
    // The portal holds its own credential, never a Supabase key in its place.
    for (const key of [`sb_secret_${'x'.repeat(32)}`, 'short', '']) {
      expect(() => readSettings(file({ ...GOOD, PORTAL_API_KEY: key }))).toThrow(/PORTAL_API_KEY/);
    }
  });

  it('parses env files as systemd does, and refuses a line that is not KEY=value', () => {
    expect(parseEnvFile('A="x y"\nB=\'z\'\n# c\nC=1=2')).toEqual({ A: 'x y', B: 'z', C: '1=2' });
    expect(() => parseEnvFile('oops')).toThrow(/line 1/);
  });

  it('knows local addresses', () => {
    for (const host of [
      '127.0.0.1',
      'localhost',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '[::1]',
      'fd00::1',
    ])
      expect(isLocalHost(host), host).toBe(true);
    for (const host of ['abcd.supabase.co', '8.8.8.8', '172.32.0.1', '2001:db8::1'])
      expect(isLocalHost(host), host).toBe(false);
  });

  it('compares FreeRADIUS versions against the BlastRADIUS fix', () => {
    const debian12 = freeradiusVersion(
      'radiusd: FreeRADIUS Version 3.2.1, for host x86_64-pc-linux-gnu',
    );
    expect(debian12).toEqual([3, 2, 1]);
    expect(older(debian12, SAFE_FREERADIUS)).toBe(true);
    expect(older([3, 2, 5], SAFE_FREERADIUS)).toBe(false);
    expect(older([3, 10, 0], SAFE_FREERADIUS)).toBe(false);
    expect(() => freeradiusVersion('nonsense')).toThrow(/version/);
  });
});
