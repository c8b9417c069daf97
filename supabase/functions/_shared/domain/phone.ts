/**
 * Kenyan mobile numbers: normalise whatever a customer types to E.164 (`+2547XXXXXXXX`,
 * `+2541XXXXXXXX`), which is what the database stores (check `^\+254[17][0-9]{8}$`), and
 * convert to Daraja's MSISDN format (`2547XXXXXXXX`, no plus).
 *
 * SQL twin: private.normalise_phone() and the `^\+254[17][0-9]{8}$` CHECKs on customers,
 * payments, sms_outbox and unmatched receipts; tests/integration/rule-parity.test.ts feeds both
 * the same cases. SQL's `\s` is ASCII only, so private.strip_separators() lists the Unicode
 * spaces JavaScript's `\s` also matches.
 *
 * Pure TypeScript shared by the apps and the Deno edge functions: only `zod` may be imported.
 */
import * as z from 'zod';

/** The shape the database accepts for a phone number (customers, payments, sms_outbox). */
export const KENYAN_E164_PATTERN = /^\+254[17][0-9]{8}$/;

/** Why a phone number was rejected, so an app can show the message in another language. */
export type PhoneErrorReason = 'empty' | 'characters' | 'country' | 'invalid';

/** Customer-facing English messages, one per rejection reason. */
export const PHONE_ERRORS: Readonly<Record<PhoneErrorReason, string>> = {
  empty: 'Enter your phone number, for example 0712 345 678.',
  characters: 'A phone number can only contain digits, for example 0712 345 678.',
  country: 'Enter a Kenyan mobile number (+254), for example 0712 345 678.',
  invalid: 'That is not a valid Kenyan mobile number. Enter it like 0712 345 678 or 0110 123 456.',
};

export type PhoneResult =
  { ok: true; e164: string } | { ok: false; error: string; reason: PhoneErrorReason };

/** Separators people type inside numbers: any whitespace, dashes, dots and parentheses. */
const SEPARATORS = /[\s\-.()]/g;

/** The 9 national digits after 254 / 0: a 7 or 1, then 8 digits. */
const FORMS: readonly RegExp[] = [
  /^\+254([17][0-9]{8})$/, // +254712345678
  /^254([17][0-9]{8})$/, // 254712345678
  /^0([17][0-9]{8})$/, // 0712345678
  /^([17][0-9]{8})$/, // 712345678
];

function fail(reason: PhoneErrorReason): PhoneResult {
  return { ok: false, error: PHONE_ERRORS[reason], reason };
}

/**
 * Normalises a Kenyan mobile number to E.164. Accepts `07…`/`01…` (10 digits), `+2547…`/`+2541…`,
 * `2547…`/`2541…` and the bare 9 digits `7…`/`1…`, with spaces, dashes, dots or parentheses
 * anywhere. Rejects everything else (landlines such as 020…, other country codes, wrong lengths).
 */
export function normalizeKenyanPhone(input: string): PhoneResult {
  if (typeof input !== 'string') return fail('invalid');
  const compact = input.replace(SEPARATORS, '');
  if (compact === '') return fail('empty');
  if (!/^\+?[0-9]+$/.test(compact)) return fail('characters');
  if (compact.startsWith('+') && !compact.startsWith('+254')) return fail('country');
  for (const form of FORMS) {
    const match = form.exec(compact);
    if (match) return { ok: true, e164: `+254${match[1]}` };
  }
  return fail('invalid');
}

/** True for a number already in the E.164 form the database stores. */
export function isKenyanE164(value: string): boolean {
  return typeof value === 'string' && KENYAN_E164_PATTERN.test(value);
}

/** Daraja's MSISDN: a normalised Kenyan mobile number without its plus (`254712345678`). */
export function isMsisdn(value: string): boolean {
  return typeof value === 'string' && !value.startsWith('+') && isKenyanE164(`+${value}`);
}

/** Daraja's MSISDN → E.164, or null when it is not one (absent, masked, another country). */
export function fromMsisdn(msisdn: string): string | null {
  return isMsisdn(msisdn) ? `+${msisdn}` : null;
}

/**
 * E.164 (`+254712345678`) → Daraja's MSISDN (`254712345678`). Throws a RangeError for anything
 * that is not a normalised Kenyan mobile number: normalise user input first.
 */
export function toMsisdn(e164: string): string {
  if (!isKenyanE164(e164)) {
    throw new RangeError(`Not a normalised Kenyan mobile number: ${JSON.stringify(e164)}`);
  }
  return e164.slice(1);
}

/** Zod schema: any accepted spelling of a Kenyan mobile number in, E.164 out. */
export const kenyanPhone = z.string({ error: PHONE_ERRORS.invalid }).transform((value, ctx) => {
  const result = normalizeKenyanPhone(value);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.error, input: value });
    return z.NEVER;
  }
  return result.e164;
});
