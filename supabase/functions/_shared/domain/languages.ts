/**
 * The languages the customer-facing side speaks (portal, payment messages, voucher SMS) and the
 * database stores (`sites.default_language`, `payments.language`).
 *
 * SQL twin: private.languages() and private.language_or_default(), which the CHECKs and defaults
 * on those two columns and private.pay_start() use, and private.voucher_sms_body();
 * tests/integration/rule-parity.test.ts feeds both the same cases.
 *
 * Pure TypeScript shared by the apps and the Deno edge functions: imports nothing.
 */

/** English first: it is the default. */
export const LANGUAGES = ['en', 'sw'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's name in itself, for pickers. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = {
  en: 'English',
  sw: 'Kiswahili',
};

/** What a site or payment gets when nobody chose. */
export const DEFAULT_LANGUAGE: Language = 'en';

/** Exactly one of LANGUAGES (case and spaces matter, as in the database's CHECKs). */
export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.includes(value as Language);
}

/** The language itself when it is one, else the default (private.pay_start() stores this). */
export function languageOrDefault(value: unknown): Language {
  return isLanguage(value) ? value : DEFAULT_LANGUAGE;
}
