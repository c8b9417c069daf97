import type { Lang } from '$lib/language.ts';

declare global {
  namespace App {
    interface Error {
      message: string;
      /** Which plain-words explanation the error page shows. */
      reason?: 'unknown-site' | 'unavailable';
      /** The machine code of the error a SQL function raised (its words: $lib/errors.ts). */
      code?: string;
    }
    interface Locals {
      /** Language asked for by `?lang=` or Accept-Language, if it is one we speak. */
      preferredLang: Lang | null;
      /** Language the page is rendered in; written into `<html lang>`. */
      lang: Lang;
      /** The origins this response's login form goes to and lands on (CSP form-action). */
      loginTarget?: string;
    }
  }
}

export {};
