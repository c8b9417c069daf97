// Reads every log file a stack wrote and reports lines holding something that must never be
// logged: a secret the stack knows, a voucher code that exists, or a full Kenyan phone number.
// tests/run.ts runs it after the tests, before the stack stops (SECURITY.md, "Nothing sensitive
// in logs"). Simulator logs (`sim-*.log`) are left out: they stand for Safaricom's and a
// router's own logs, which hold codes and phones by nature, not ours.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import type { Stack } from './stack.ts';

export type LogFinding = {
  file: string;
  line: number;
  kind: 'secret' | 'token' | 'voucher code' | 'phone';
  /** What matched, masked, so the report does not leak it again. */
  match: string;
};

export type Sensitive = {
  /** Exact strings, case-sensitive (keys, passwords, per-organization credentials). */
  secrets: string[];
  /** Voucher codes in stored form; matched case-insensitively, with or without dashes. */
  codes: string[];
};

// Stored codes are 10-14 symbols (voucher-code.ts); a shorter secret would match by chance.
const MIN_SECRET_LENGTH = 8;
const CODE_MIN = 10;
const CODE_MAX = 14;
// +2547…, 2547…, 07… and 01… with nothing alphanumeric around them; masked forms (2547*****678)
// break the run of digits and do not match.
const PHONE = /(?<![0-9A-Za-z+])(?:\+?254|0)[17][0-9]{8}(?![0-9A-Za-z])/g;
// Credentials whatever their value: our secret API keys and bearer JWTs (short-lived ones too).
const TOKENS = [
  /sb_secret_[A-Za-z0-9_-]+/g,
  /eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
];
// Letters and digits, dash-joined groups included: a code as stored, typed or printed (ABCDE-FGHJK).
const CODE_LIKE = /[0-9A-Za-z]+(?:-[0-9A-Za-z]+)*/g;

/** Log files under `logDir` the scan reads (simulators' excluded), relative names. */
export function logFiles(logDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(logDir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return names.filter((name) => name.endsWith('.log') && !/(^|\/)sim-[^/]*$/.test(name)).sort();
}

/** Every finding in the stack's logs. */
export function scanLogs(logDir: string, sensitive: Sensitive): LogFinding[] {
  const findings: LogFinding[] = [];
  for (const file of logFiles(logDir)) {
    findings.push(...scanText(readFileSync(join(logDir, file), 'utf8'), file, sensitive));
  }
  return findings;
}

/** The findings in one log's text (exported for the scanner's own test). */
export function scanText(text: string, file: string, sensitive: Sensitive): LogFinding[] {
  const secrets = [...new Set(sensitive.secrets)].filter((s) => s.length >= MIN_SECRET_LENGTH);
  const codes = new Set(sensitive.codes.map((code) => code.toUpperCase()));
  const findings: LogFinding[] = [];
  text.split('\n').forEach((line, index) => {
    const at = (kind: LogFinding['kind'], value: string) =>
      findings.push({ file, line: index + 1, kind, match: mask(value) });
    for (const secret of secrets) if (line.includes(secret)) at('secret', secret);
    for (const pattern of TOKENS) for (const [token] of line.matchAll(pattern)) at('token', token);
    for (const [phone] of line.matchAll(PHONE)) at('phone', phone);
    for (const code of codesIn(line, codes)) at('voucher code', code);
  });
  return findings;
}

/** Existing codes inside `line`, however they are cased or dashed (a code in a longer run too). */
function codesIn(line: string, codes: Set<string>): string[] {
  if (!codes.size) return [];
  const found: string[] = [];
  for (const [run] of line.matchAll(CODE_LIKE)) {
    const symbols = run.replaceAll('-', '').toUpperCase();
    for (let start = 0; start + CODE_MIN <= symbols.length; start++) {
      for (let length = CODE_MIN; length <= CODE_MAX; length++) {
        const candidate = symbols.slice(start, start + length);
        if (candidate.length === length && codes.has(candidate)) found.push(candidate);
      }
    }
  }
  return found;
}

/** The first and last two characters only: enough to find it, not enough to use it. */
export function mask(value: string): string {
  return value.length <= 6
    ? '*'.repeat(value.length)
    : `${value.slice(0, 2)}${'*'.repeat(value.length - 4)}${value.slice(-2)}`;
}

/**
 * The secrets and codes in the database at the end of a run, read as the superuser: every
 * organization's Daraja and Africa's Talking credentials, router secrets and voucher codes.
 */
export async function sensitiveInDatabase(sql: postgres.Sql): Promise<Sensitive> {
  const rows = await sql<{ value: string | null }[]>`
    select unnest(array[passkey, consumer_key, consumer_secret, security_credential]) as value
      from private.mpesa_settings
    union all select api_key from private.sms_settings
    union all select secret from private.router_secrets
    union all select secret from radius.nas`;
  const codes = await sql<{ code: string }[]>`select code from public.vouchers`;
  return {
    secrets: rows.flatMap((row) => (row.value ? [row.value] : [])),
    codes: codes.map((row) => row.code),
  };
}

/** One finding as `file:line: kind <masked match>`. */
export function describeFinding(finding: LogFinding): string {
  return `${finding.file}:${finding.line}: ${finding.kind} ${finding.match}`;
}

/**
 * The run-level scan: the stack's secrets and the database's codes and credentials against
 * every log in `logDir`. Prints each finding (masked) and answers an exit code, 1 on any.
 */
export async function scanStackLogs(
  stack: Stack,
  logDir: string,
  log: (line: string) => void,
): Promise<number> {
  const sql = postgres(stack.info.superuserDbUrl, { max: 1, onnotice: () => {} });
  let fromDatabase: Sensitive;
  try {
    fromDatabase = await sensitiveInDatabase(sql);
  } finally {
    await sql.end();
  }
  const files = logFiles(logDir);
  const findings = scanLogs(logDir, {
    secrets: [...stack.secrets, ...fromDatabase.secrets],
    codes: fromDatabase.codes,
  });
  for (const finding of findings) log(`log scan: ${describeFinding(finding)}`);
  log(
    `log scan: ${files.length} log(s) (${files.join(', ')}), ${fromDatabase.codes.length} voucher code(s), ` +
      `${findings.length} finding(s)`,
  );
  return findings.length ? 1 : 0;
}
