// The installer's one settings file (deploy/server.env.example), parsed and checked before
// anything is written: a bad value is a clear error and an unchanged server.
import { isIP } from 'node:net';
import { z } from 'zod';
import { readMailSettings } from '../worker/mail.ts';

/** `KEY=value` lines as systemd's EnvironmentFile= reads them (# comments, optional quotes). */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`line ${index + 1}: expected KEY=value, found "${line}"`);
    values[match[1]!] = match[2]!.replace(/^(["'])(.*)\1$/, '$2');
  }
  return values;
}

/** Addresses that only this machine or its own network can reach. */
export function isLocalHost(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 6) return name === '::1' || /^f[cd]|^fe80/.test(name);
  if (isIP(name) !== 4) return false;
  const [a, b] = name.split('.').map(Number) as [number, number];
  return (
    a === 127 ||
    a === 10 ||
    a === 0 ||
    (a === 172 && b >= 16 && b < 32) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254)
  );
}

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i, 'a DNS name');
const password = z.string().min(16, 'at least 16 characters (use openssl rand -hex 24)');
const apiKey = (prefix: string) =>
  z
    .string()
    .refine(
      (key) => key.startsWith(prefix) || /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(key),
      `a ${prefix}… key (or the project's legacy JWT key)`,
    );

export const settingsSchema = z
  .object({
    // The hosted Supabase project.
    SUPABASE_URL: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')),
    SUPABASE_PUBLISHABLE_KEY: apiKey('sb_publishable_'),
    SUPABASE_SECRET_KEY: apiKey('sb_secret_'),
    // The portal server's own credential (the functions' secret PORTAL_API_KEY): the portal gets
    // this instead of the secret key, and only pay-start and portal-rpc accept it.
    PORTAL_API_KEY: z
      .string()
      .regex(/^[\w-]{32,}$/, 'at least 32 letters, digits, _ or - (openssl rand -hex 32)')
      .refine((key) => !key.startsWith('sb_'), "the portal's own credential, not a Supabase key"),
    // Its database, directly (FreeRADIUS keeps connections, the worker LISTENs).
    DB_HOST: z.string().min(1),
    DB_PORT: port(5432),
    DB_NAME: z.string().min(1).default('postgres'),
    DB_SSLMODE: z.enum(['disable', 'require', 'verify-ca', 'verify-full']).default('verify-full'),
    DB_SSLROOTCERT: z.string().startsWith('/').optional(),
    FREERADIUS_DB_PASSWORD: password,
    WORKER_DB_PASSWORD: password,
    // Public names; Caddy gets their certificates.
    PORTAL_DOMAIN: hostname,
    ADMIN_DOMAIN: hostname,
    ACME_EMAIL: z.email().optional(),
    PORTAL_PORT: port(3000),
    PORTAL_FAS_KEY: z.string().optional(),
    PORTAL_UAM_SECRET: z.string().optional(),
    // RADIUS: the WireGuard address routers reach (or * with the firewall in the guide).
    RADIUS_LISTEN: z.union([z.literal('*'), z.ipv4(), z.ipv6()]).default('*'),
    RADIUS_AUTH_PORT: port(1812),
    RADIUS_ACCT_PORT: port(1813),
    RADIUS_STATUS_PORT: port(18121),
    // `simulated` only for a staging server whose functions talk to simulators.
    PAYMENT_PROVIDERS: z.enum(['real', 'simulated']).default('real'),
    WB_NODE: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]*$/i)
      .optional(),
    WB_SMTP_URL: z.string().optional(),
    WB_MAIL_FROM: z.string().optional(),
  })
  .superRefine((settings, context) => {
    const host = new URL(settings.SUPABASE_URL).hostname;
    const local = isLocalHost(host) || !settings.SUPABASE_URL.startsWith('https:');
    if (settings.PAYMENT_PROVIDERS === 'real' && local) {
      context.addIssue({
        code: 'custom',
        path: ['SUPABASE_URL'],
        message:
          'with real payment providers Daraja posts its callbacks to SUPABASE_URL/functions/v1: ' +
          'it must be a public https URL, not a loopback or private address',
      });
    }
    try {
      readMailSettings({ WB_SMTP_URL: settings.WB_SMTP_URL, WB_MAIL_FROM: settings.WB_MAIL_FROM });
    } catch (error) {
      context.addIssue({
        code: 'custom',
        path: ['WB_SMTP_URL'],
        message: (error as Error).message,
      });
    }
    if (settings.DB_SSLMODE === 'verify-full' && !settings.DB_SSLROOTCERT && !isLocalHost(host)) {
      context.addIssue({
        code: 'custom',
        path: ['DB_SSLROOTCERT'],
        message: 'verify-full needs the project CA (Database settings → SSL) saved on this server',
      });
    }
  });

export type Settings = z.infer<typeof settingsSchema>;

/** The settings, or every problem in one message. */
export function readSettings(text: string): Settings {
  const parsed = settingsSchema.safeParse(parseEnvFile(text));
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `  ${issue.path.join('.')}: ${issue.message}`,
  );
  throw new Error(`the settings file has problems:\n${problems.join('\n')}`);
}

/** FreeRADIUS 3.2.5 is the first release with the BlastRADIUS (CVE-2024-3596) fixes. */
export const SAFE_FREERADIUS = [3, 2, 5] as const;

/** "3.2.1" from `freeradius -v`'s first line, as numbers. */
export function freeradiusVersion(output: string): number[] {
  const match = /FreeRADIUS Version (\d+)\.(\d+)\.(\d+)/.exec(output);
  if (!match) throw new Error(`cannot read FreeRADIUS's version from: ${output.split('\n')[0]}`);
  return match.slice(1).map(Number);
}

/** Whether version a is older than b (both [major, minor, patch]). */
export function older(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

/** Node 22.18 is the first 22 that runs TypeScript (type stripping) without a flag. */
export const MIN_NODE = [22, 18, 0] as const;
