import type { LoginError } from './login-errors.ts';

// The portal's mapping from the codes its backend answers with to what the customer reads, in
// one place; the sentences themselves are in messages.ts (English and Swahili), so this module
// names the sentence each code gets (supabase/migrations/README.md, Errors). Never the text of
// an error: that is English for logs (ESLint forbids matching on it).
//
// - `{ok: false, error}` answers: what a customer can cause (an unknown code or receipt, too
//   many tries) is an answer, not an error.
// - Raised errors (the code is the PostgREST error's `hint`) of the RPCs the portal calls: none
//   is the customer's doing, so each gets "something went wrong, try again".
//   tests/integration/error-codes.test.ts fails when one of those RPCs can raise a code that
//   is missing here.
// - pay-start answers its refusals in words already, from its own codes
//   (supabase/functions/_shared/domain/payment-request.ts).

/** recover_voucher's `{ok: false, error}` → the sentence of messages.ts. */
export const recoverErrorKeys = {
  not_found: 'recoverNotFound',
  rate_limited: 'recoverLimited',
  amount_too_small: 'recoverTooSmall',
  verifying: 'recoverVerifying',
} as const;

/** portal_voucher_status's `{ok: false, error}` → the sentence of messages.ts. */
export const statusErrorKeys = {
  not_found: 'statusNotFound',
  rate_limited: 'statusLimited',
} as const;

/** portal_voucher_status's `{ok: false, error}` as the refusal a hotspot controller gives. */
export const statusRefusals = {
  not_found: 'unknown',
  rate_limited: 'locked',
} as const satisfies Record<keyof typeof statusErrorKeys, LoginError>;

const somethingWentWrong = { title: 'errorTitle', body: 'errorBody' } as const;

/**
 * Raised codes of the portal's RPCs → the error page's title and body in messages.ts. All come
 * from recover_voucher issuing a voucher (the payment's state machine, the voucher's checks):
 * a fault of ours or a race, never something the customer typed.
 */
export const raisedErrorKeys = {
  organization_suspended: somethingWentWrong,
  payment_amount_frozen: somethingWentWrong,
  payment_receipt_frozen: somethingWentWrong,
  payment_success_final: somethingWentWrong,
  payment_transition_invalid: somethingWentWrong,
  plan_inactive: somethingWentWrong,
  plan_not_found: somethingWentWrong,
  price_negative: somethingWentWrong,
  voucher_code_invalid: somethingWentWrong,
  voucher_status_invalid: somethingWentWrong,
} as const satisfies Record<string, typeof somethingWentWrong>;

/** The error page's sentences for a raised code (unknown ones too). */
export function raisedErrorPage(code: string): typeof somethingWentWrong {
  return Object.hasOwn(raisedErrorKeys, code)
    ? raisedErrorKeys[code as keyof typeof raisedErrorKeys]
    : somethingWentWrong;
}
