/**
 * Voucher codes: what a customer types on the portal and what FreeRADIUS sees as the username.
 *
 * The database issues codes itself with exactly these constants; keep both in step. A batch may
 * put a prefix of up to VOUCHER_PREFIX_MAX_LENGTH alphabet symbols in front of the random part,
 * so stored codes are 10-14 symbols long. SQL twins: private.voucher_alphabet(), is_voucher_code(),
 * is_voucher_prefix() and normalise_voucher_code(), which new_voucher_code(), the vouchers
 * trigger, the `voucher_batches.prefix` CHECK and portal_voucher_status() use;
 * tests/integration/rule-parity.test.ts feeds both sides the same cases.
 *
 * Pure TypeScript shared by the apps and the Deno edge functions: only `zod` may be imported.
 */
import * as z from 'zod';

/** 31 symbols: digits and capitals without the look-alikes 0/O, 1/I/L. */
export const VOUCHER_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** Left out of the alphabet because people mistake them for each other. */
export const VOUCHER_LOOKALIKES = '01OIL';

/** Random symbols in a code (without a batch prefix). */
export const VOUCHER_CODE_LENGTH = 10;

/** Entropy of the random part: 10 × log2(31) ≈ 49.5 bits (the requirement is at least 40). */
export const VOUCHER_CODE_BITS = VOUCHER_CODE_LENGTH * Math.log2(VOUCHER_ALPHABET.length);

/** Longest batch prefix (`voucher_batches.prefix`). */
export const VOUCHER_PREFIX_MAX_LENGTH = 4;

/** Longest stored code: prefix + random part. */
export const VOUCHER_CODE_MAX_LENGTH = VOUCHER_CODE_LENGTH + VOUCHER_PREFIX_MAX_LENGTH;

/** Bytes below this are used (`byte % 31`); 248 = 8 × 31, so every symbol is equally likely. */
const ACCEPT_BELOW = 256 - (256 % VOUCHER_ALPHABET.length);

const SYMBOL = `[${VOUCHER_ALPHABET}]`;
const CODE_PATTERN = new RegExp(`^${SYMBOL}{${VOUCHER_CODE_LENGTH},${VOUCHER_CODE_MAX_LENGTH}}$`);
/** A batch prefix as stored (`voucher_batches.prefix`): 0-4 alphabet symbols, upper case. */
export const VOUCHER_PREFIX_PATTERN = new RegExp(`^${SYMBOL}{0,${VOUCHER_PREFIX_MAX_LENGTH}}$`);

/** Why a typed code was rejected, so an app can show the message in another language. */
export type VoucherCodeErrorReason = 'empty' | 'lookalike' | 'characters' | 'length';

/** Customer-facing English messages, one per rejection reason. */
export const VOUCHER_CODE_ERRORS: Readonly<Record<VoucherCodeErrorReason, string>> = {
  empty: 'Enter your voucher code.',
  lookalike:
    'Voucher codes never contain the characters 0, O, 1, I or L. Check the code and try again.',
  characters: 'A voucher code only has letters and digits. Check the code and try again.',
  length: `A voucher code has ${VOUCHER_CODE_LENGTH} characters (a few more with a prefix). Check the code and try again.`,
};

interface RandomSource {
  getRandomValues<T extends Uint8Array>(array: T): T;
}

function randomSource(): RandomSource {
  // Web Crypto exists as a global in Deno, Node >= 19 and browsers; typed here so this file
  // needs neither DOM nor Node type definitions.
  const source = (globalThis as { crypto?: RandomSource }).crypto;
  if (!source || typeof source.getRandomValues !== 'function') {
    throw new Error('crypto.getRandomValues is not available in this runtime');
  }
  return source;
}

/**
 * A new random code from a cryptographic RNG, optionally behind a batch prefix (0-4 alphabet
 * symbols). Rejection sampling keeps it unbiased: bytes >= 248 are discarded, then `byte % 31`.
 */
export function generateVoucherCode(prefix = ''): string {
  if (!isVoucherPrefix(prefix)) {
    throw new RangeError(
      `A voucher prefix is 0-${VOUCHER_PREFIX_MAX_LENGTH} symbols of ${VOUCHER_ALPHABET}`,
    );
  }
  const source = randomSource();
  const bytes = new Uint8Array(16);
  let code = prefix;
  const length = prefix.length + VOUCHER_CODE_LENGTH;
  while (code.length < length) {
    source.getRandomValues(bytes);
    for (const byte of bytes) {
      if (byte < ACCEPT_BELOW) {
        code += VOUCHER_ALPHABET[byte % VOUCHER_ALPHABET.length];
        if (code.length === length) break;
      }
    }
  }
  return code;
}

/**
 * What a person typed → the stored form: trimmed, upper case, without spaces and dashes
 * (`abcde-fghjk` → `ABCDEFGHJK`). Look-alikes are not mapped (the alphabet has neither 0 nor O,
 * 1 nor I/L, so guessing would be wrong as often as right); the result may still be invalid.
 * Only a-z are upper-cased: `toUpperCase()` would turn `ß` into `SS` and make a code of it,
 * where SQL's upper() leaves it and refuses it.
 */
export function normalizeVoucherCode(input: string): string {
  return input.replace(/[\s\-\u2010-\u2015\u2212]/g, '').replace(/[a-z]+/g, (s) => s.toUpperCase());
}

/** True for a stored-form batch prefix (the empty string included). */
export function isVoucherPrefix(s: string): boolean {
  return typeof s === 'string' && VOUCHER_PREFIX_PATTERN.test(s);
}

/** True for a stored-form code: 10-14 symbols of the voucher alphabet (upper case, no dashes). */
export function isVoucherCode(s: string): boolean {
  return typeof s === 'string' && CODE_PATTERN.test(s);
}

export type VoucherCodeResult =
  { ok: true; code: string } | { ok: false; error: string; reason: VoucherCodeErrorReason };

/** Normalises typed input and says, in plain words, why it cannot be a voucher code. */
export function parseVoucherCode(input: string): VoucherCodeResult {
  const code = typeof input === 'string' ? normalizeVoucherCode(input) : '';
  if (isVoucherCode(code)) return { ok: true, code };
  const reason: VoucherCodeErrorReason =
    code === ''
      ? 'empty'
      : new RegExp(`[${VOUCHER_LOOKALIKES}]`).test(code)
        ? 'lookalike'
        : new RegExp(`^${SYMBOL}+$`).test(code)
          ? 'length'
          : 'characters';
  return { ok: false, error: VOUCHER_CODE_ERRORS[reason], reason };
}

/**
 * For display and printing: the random part in two groups of five, and a batch prefix as its own
 * group (`ABCDEFGHJK` → `ABCDE-FGHJK`, `HSABCDEFGHJK` → `HS-ABCDE-FGHJK`). Input is normalised
 * first; anything that is not a voucher code is returned unchanged.
 */
export function formatVoucherCode(code: string): string {
  const normal = normalizeVoucherCode(code);
  if (!isVoucherCode(normal)) return code;
  const prefixLength = normal.length - VOUCHER_CODE_LENGTH;
  const half = VOUCHER_CODE_LENGTH / 2;
  const groups = [
    normal.slice(0, prefixLength),
    normal.slice(prefixLength, prefixLength + half),
    normal.slice(prefixLength + half),
  ];
  return groups.filter((group) => group !== '').join('-');
}

/** Zod schema: typed code in (any case, spaces/dashes allowed), stored form out. */
export const voucherCode = z
  .string({ error: VOUCHER_CODE_ERRORS.characters })
  .transform((value, ctx) => {
    const result = parseVoucherCode(value);
    if (!result.ok) {
      ctx.addIssue({ code: 'custom', message: result.error, input: value });
      return z.NEVER;
    }
    return result.code;
  });
