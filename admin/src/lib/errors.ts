// The admin's words for the errors the API gives it, in one place.
//
// Every error a SQL function raises carries a stable machine code in `hint` (PostgREST passes it
// on, supabase-js as `error.hint`; supabase/migrations/README.md, Errors); errors PostgreSQL
// raises itself (row-level security, unique and check constraints) have only their SQLSTATE in
// `code`. Words are chosen by the hint first, then by the SQLSTATE, never by the message text:
// that is English for logs and developers, and ESLint forbids matching on it.
// tests/integration/error-codes.test.ts fails when a function the admin reaches raises a code
// that CODE_WORDS has no words for.

/** An error as supabase-js gives it (PostgrestError), or anything shaped like one. */
export type ApiError = {
  code?: string;
  hint?: string | null;
  details?: string | null;
  message: string;
};

/** Fixed words, or words completing the caller's action ("remove …", "save the plan"). */
type Words = string | ((action: string) => string);

const notAllowed = (action: string) => `You are not allowed to ${action}.`;
const notAnImage = 'That file is not a PNG, JPEG, WebP or GIF image. Choose one of those.';

/** Words for each machine code (`hint`) a SQL function raises. */
export const CODE_WORDS = {
  // Who may do what (42501).
  not_allowed: notAllowed,
  not_signed_in: 'You are signed out. Sign in again, then try once more.',
  not_platform_staff: 'Only platform staff can do this.',
  organization_suspended:
    'This organization is suspended by the platform: you can look, but not change anything. Contact the platform team.',
  organization_not_found: 'That organization no longer exists. Reload the list.',
  signup_mode_invalid: 'Choose invite only or open.',
  address_quarantine_days_invalid: 'The address quarantine is 0 to 365 days.',
  suspend_reason_invalid: 'Say why the organization is suspended (up to 500 characters).',
  retention_kind_unknown: 'There is no such kind of record. Reload the settings.',
  retention_below_minimum:
    'That is shorter than the floor shown for these records, or longer than 3,650 days.',

  // Organizations, routers, team, sites.
  organization_name_invalid: 'An organization name is 1 to 100 characters.',
  nas_ip_required: 'Enter the address the router reaches RADIUS from, e.g. 10.8.0.2.',
  nas_ip_quarantined:
    'Another organization used this address until recently, so it is held back for a while (30 days unless the platform says otherwise) to keep their routers’ traffic away from yours. Use your router’s own address, or ask the platform team.',
  slug_reserved:
    'Another organization used this web address until recently, so it is reserved for them for a while (90 days unless the platform says otherwise): their routers and printed vouchers may still point at it. Choose another address.',
  last_owner: 'An organization must keep at least one owner. Make another member owner first.',
  invitation_not_found:
    'This invitation is not for this account, was already used or has expired. Ask for a new one.',
  message_authenticator_owner_only:
    'Only an owner can switch Message-Authenticator off for a router, or change why it is off.',
  message_authenticator_reason_required:
    'Say why this router cannot send Message-Authenticator (up to 500 characters), e.g. “RouterOS 6.49, upgrade planned”.',
  router_changes_rate_limited:
    'Too many router changes in this organization in the last 10 minutes. Wait a few minutes, then try again.',
  logo_too_large: 'The logo can be at most 8 KB. Choose a smaller image.',
  logo_not_base64: notAnImage,
  logo_not_image: notAnImage,

  // Plans and vouchers.
  plan_not_found: 'That plan is not one of this organization’s plans. Reload and choose another.',
  plan_inactive: 'That plan is not sold any more. Activate it first, or choose an active plan.',
  plan_not_available: 'Choose an active plan of this organization.',
  voucher_frozen: 'A voucher’s code, plan and limits cannot change after it is issued.',
  voucher_codes_exhausted:
    'Not enough unused voucher codes are left with this prefix. Make fewer, or use another prefix.',
  voucher_already_sold: 'This voucher was already sold.',
  voucher_not_sellable: 'Only inactive or active vouchers can be sold.',
  voucher_code_invalid: 'That is not a voucher code.',
  voucher_status_invalid: 'A voucher is inactive, active, revoked, exhausted or expired.',
  price_negative: 'A price cannot be below 0 KES.',
  price_below_discount:
    'That price is below what the owner allows for this plan. Sell at the plan’s price, or ask the owner to set a discount on the plan.',
  discount_owner_only: 'Only an owner can set how much discount a plan allows.',
  release_target_invalid: 'Choose one voucher or one batch to release.',

  // Payments, receipts and SMS.
  payment_not_found: 'That payment no longer exists.',
  payment_amount_frozen: 'A payment’s amount cannot change.',
  payment_receipt_frozen: 'This payment already has its M-Pesa receipt.',
  payment_success_final: 'This payment already succeeded; that cannot change.',
  payment_transition_invalid: 'This payment cannot change to that status.',
  payment_without_voucher: 'This payment has no voucher to send.',
  receipt_closed: 'This receipt already bought a voucher or was refunded.',
  receipt_redeemed: 'This receipt already bought a voucher, so it cannot be refunded.',
  phone_invalid: 'Enter the customer’s Kenyan mobile number, like 0712 345 678.',
  sms_resend_limit: 'This SMS was resent three times in the last hour. Try again later.',

  // Settings.
  mpesa_settings_incomplete:
    'M-Pesa settings incomplete: the first time, enter the passkey, consumer key and secret.',
  mpesa_settings_invalid:
    'M-Pesa settings not accepted: the passkey is 8 to 200 characters, the consumer key and secret 4 to 200, and a till needs its till number.',
  sms_settings_incomplete: 'SMS settings incomplete: the first time, enter the API key.',
  sms_settings_invalid:
    'SMS settings not accepted: the username is letters, digits and . _ -, the API key 8 to 200 characters, the sender id up to 11 letters or digits.',

  // Sessions and RADIUS.
  limit_out_of_range: 'Ask for 1 to 200 sessions at a time.',
  search_too_short: 'Type a phone number or at least its last 3 digits.',
  disconnect_result_invalid: (action: string) =>
    `Could not ${action}: the RADIUS agent reported a result we do not know.`,
} satisfies Record<string, Words>;

export type ErrorCode = keyof typeof CODE_WORDS;

/** PostgreSQL's and PostgREST's own errors (no hint), by SQLSTATE or PostgREST code. */
const STATE_WORDS: Record<string, Words> = {
  // Row-level security or a missing grant.
  '42501': notAllowed,
  // .single() found no row: row-level security hid it, or it is gone.
  PGRST116: (action) => `Could not ${action}: it is gone, or not yours to change.`,
  '23505': (action) => `Could not ${action}: that already exists.`,
  '23503': (action) => `Could not ${action}: something it refers to no longer exists.`,
  '23514': (action) => `Could not ${action}: a value is outside what is allowed.`,
};

/**
 * What the caller says instead, by code or SQLSTATE: e.g. which address is taken (23505), or
 * who may do this (`not_allowed`).
 */
export type ErrorContext = Partial<Record<ErrorCode | string, string>>;

const say = (words: Words, action: string) => (typeof words === 'string' ? words : words(action));

/**
 * The error in plain words. `action` completes "Could not …" (e.g. "save the plan"); `context`
 * overrides the words for a code or SQLSTATE where the caller knows more.
 */
export function errorWords(error: ApiError, action: string, context: ErrorContext = {}): string {
  const hint = error.hint ?? '';
  const state = error.code ?? '';
  const own = (key: string) => (Object.hasOwn(context, key) ? context[key] : undefined);
  if (hint && own(hint) !== undefined) return own(hint)!;
  if (Object.hasOwn(CODE_WORDS, hint)) return say(CODE_WORDS[hint as ErrorCode], action);
  if (state && own(state) !== undefined) return own(state)!;
  if (Object.hasOwn(STATE_WORDS, state)) return say(STATE_WORDS[state]!, action);
  // supabase-js reports a failed fetch without a code.
  if (!state)
    return `Could not ${action}: the server cannot be reached. Check your connection and try again.`;
  // Unknown to this app: the English message at least lets someone find the cause.
  return `Could not ${action}: ${error.message}`;
}
