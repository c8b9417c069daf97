/**
 * Money is whole Kenyan shillings, as integers, everywhere: plan prices, payments, M-Pesa
 * amounts (Daraja takes whole KES only). No cents, no floats.
 *
 * Pure TypeScript shared by the apps and the Deno edge functions: only `zod` may be imported.
 */
import * as z from 'zod';
import type { Language } from './languages.ts';

/** Smallest amount M-Pesa STK push accepts, per transaction (Daraja FAQ). */
export const MPESA_MIN_AMOUNT_KES = 1;

/** Largest amount M-Pesa STK push accepts, per transaction (Daraja FAQ). */
export const MPESA_MAX_AMOUNT_KES = 250_000;

/** Amounts are written per customer-facing language. */
export type MoneyLocale = Language;

/** Currency label per language: the ISO code in English, the everyday "KSh" in Swahili. */
const CURRENCY_LABEL: Readonly<Record<MoneyLocale, string>> = { en: 'KES', sw: 'KSh' };

function groupThousands(amount: number): string {
  return String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * `1250` → `KES 1,250` (`KSh 1,250` in Swahili). Throws a RangeError for anything that is not a
 * whole, non-negative, safe integer number of shillings.
 */
export function formatKes(amount: number, locale: MoneyLocale = 'en'): string {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) {
    throw new RangeError(`Not a whole number of shillings: ${String(amount)}`);
  }
  return `${CURRENCY_LABEL[locale] ?? CURRENCY_LABEL.en} ${groupThousands(amount)}`;
}

/** Why typed money was rejected, so an app can show the message in another language. */
export type KesErrorReason = 'empty' | 'cents' | 'negative' | 'invalid' | 'too-large';

/** Customer/admin-facing English messages, one per rejection reason. */
export const KES_ERRORS: Readonly<Record<KesErrorReason, string>> = {
  empty: 'Enter an amount in shillings, for example 1,250.',
  cents: 'Enter a whole number of shillings, without cents.',
  negative: 'An amount cannot be negative.',
  invalid: 'Enter an amount in shillings using digits only, for example 1,250.',
  'too-large': 'That amount is too large.',
};

export type KesResult =
  { ok: true; amount: number } | { ok: false; error: string; reason: KesErrorReason };

function fail(reason: KesErrorReason): KesResult {
  return { ok: false, error: KES_ERRORS[reason], reason };
}

/** Optional currency label in front: KES, Ksh, KShs, Sh, Shs (any case, optional dot). */
const CURRENCY_PREFIX = /^(?:kes|kshs?|shs?)\.?/i;
/** Kenyan "/=" or "/-" after an amount (`1,250/=`). */
const SHILLING_SUFFIX = /\/[=-]$/;
/** Plain digits, or digits grouped in thousands by commas (`1,250,000`). */
const DIGITS = /^(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)$/;

/**
 * Reads an amount as people write it: `1,250`, `1250`, `KES 1250`, `Ksh 50`, `Ksh.50`, `50/=`,
 * `50.00`. Gives a whole number of shillings (0 or more) or a plain-words error; amounts with
 * cents (`12.50`), negative numbers and anything else are rejected. Range checks for a
 * particular use (e.g. M-Pesa's limits) are the schema's job: see `kesAmount`.
 */
export function parseKes(input: string): KesResult {
  if (typeof input !== 'string') return fail('invalid');
  let text = input.trim().replace(CURRENCY_PREFIX, '').replace(SHILLING_SUFFIX, '').trim();
  if (text === '') return fail('empty');
  if (/^[-\u2212]/.test(text)) return fail('negative');
  const decimals = /\.([0-9]+)$/.exec(text);
  if (decimals) {
    if (/[1-9]/.test(decimals[1] ?? '')) return fail('cents');
    text = text.slice(0, decimals.index);
  }
  if (!DIGITS.test(text)) return fail('invalid');
  const amount = Number(text.replace(/,/g, ''));
  if (!Number.isSafeInteger(amount)) return fail('too-large');
  return { ok: true, amount };
}

const KES_AMOUNT_MESSAGES = {
  type: 'Enter an amount in whole shillings.',
  integer: 'Enter a whole number of shillings, without cents.',
  min: `The amount must be at least ${formatKes(MPESA_MIN_AMOUNT_KES)}.`,
  max: `M-Pesa accepts at most ${formatKes(MPESA_MAX_AMOUNT_KES)} per payment.`,
} as const;

/**
 * Zod schema for a price or payment amount: a whole number of shillings from 1 to 250,000
 * (M-Pesa's per-transaction limits).
 */
export const kesAmount = z
  .number({ error: KES_AMOUNT_MESSAGES.type })
  .int({ error: KES_AMOUNT_MESSAGES.integer })
  .min(MPESA_MIN_AMOUNT_KES, { error: KES_AMOUNT_MESSAGES.min })
  .max(MPESA_MAX_AMOUNT_KES, { error: KES_AMOUNT_MESSAGES.max });

/** Zod schema for an amount typed into a form (`'1,250'`, `'KES 50'`): parsed, then `kesAmount`. */
export const kesAmountText = z
  .string({ error: KES_ERRORS.invalid })
  .transform((value, ctx) => {
    const result = parseKes(value);
    if (!result.ok) {
      ctx.addIssue({ code: 'custom', message: result.error, input: value });
      return z.NEVER;
    }
    return result.amount;
  })
  .pipe(kesAmount);
