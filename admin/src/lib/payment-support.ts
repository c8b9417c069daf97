// Support actions of owners and admins on payments and on money that bought nothing (unmatched
// receipts). The database decides who may do what and audits every action (support_* RPCs,
// pay-reconcile); this module calls them and turns their refusals into plain words.
import {
  FunctionsFetchError,
  FunctionsHttpError,
  type SupabaseClient,
} from '@supabase/supabase-js';
import { z } from 'zod';
import { checked, currentMembership, type Membership } from './membership.ts';

/** Owners and admins may act; agents see payments not at all (the UI mirrors the RPCs' check). */
export const canSupport = (membership: Membership | null) =>
  membership?.role === 'owner' || membership?.role === 'admin';

type DbError = { code?: string; message: string };

/** What each action says when the database refuses with P0001 (the row is in the wrong state). */
const WRONG_STATE: Record<string, string> = {
  'issue a voucher': 'This receipt already bought a voucher or was refunded.',
  'mark the receipt refunded': 'This receipt already bought a voucher, so it cannot be refunded.',
  'resend the SMS': 'This payment has no voucher to send.',
};

/** A refusal of a support RPC in plain words (`action` completes "Could not …"). */
export function supportErrorText(error: DbError, action: string): string {
  switch (error.code) {
    case '42501':
      return 'Only owners and admins of this organization can do that, and only for its own payments.';
    case 'P0001':
      return WRONG_STATE[action] ?? `Could not ${action}: ${error.message}`;
    case '54000':
      return 'This SMS was resent three times in the last hour. Try again later.';
    case '22023':
      if (/phone/.test(error.message))
        return 'Enter the customer’s Kenyan mobile number, like 0712 345 678.';
      if (/plan/.test(error.message)) return 'Choose an active plan of this organization.';
      return `Could not ${action}: ${error.message}`;
    case undefined:
    case '':
      // supabase-js reports a failed fetch without a code.
      return `Could not ${action}: the server cannot be reached. Check your connection and try again.`;
    default:
      return `Could not ${action}: ${error.message}`;
  }
}

// --- One payment --------------------------------------------------------------------------

export type Recheck = 'settled' | 'pending' | 'timed_out' | 'not_pending' | 'failed';

const summarySchema = z.object({
  checked: z.number(),
  settled: z.number(),
  pending: z.number(),
  timed_out: z.number(),
  errors: z.number(),
});

/** Asks M-Pesa now (STK Query through pay-reconcile, as the signed-in user) about one payment. */
export async function recheckPayment(
  supabase: SupabaseClient,
  paymentId: string,
): Promise<{ outcome: Recheck } | { problem: string }> {
  const { data, error } = await supabase.functions.invoke('pay-reconcile', {
    body: { payment_id: paymentId },
  });
  if (error) {
    if (error instanceof FunctionsHttpError && (error.context as Response).status === 403)
      return { problem: 'Only owners and admins of this organization can re-check its payments.' };
    if (error instanceof FunctionsFetchError)
      return { problem: 'The server cannot be reached. Check your connection and try again.' };
    return { problem: 'Could not ask M-Pesa right now. Try again in a minute.' };
  }
  const summary = summarySchema.safeParse(data);
  if (!summary.success) return { problem: 'The server sent an answer we cannot read.' };
  const s = summary.data;
  if (s.checked === 0) return { outcome: 'not_pending' };
  if (s.errors > 0) return { outcome: 'failed' };
  if (s.settled > 0) return { outcome: 'settled' };
  return { outcome: s.timed_out > 0 ? 'timed_out' : 'pending' };
}

/** The re-check's outcome for the operator, given the payment's status after it. */
export function recheckText(outcome: Recheck, status: string): string {
  switch (outcome) {
    case 'settled':
      return `M-Pesa answered: the payment is now ${status}.`;
    case 'pending':
      return 'M-Pesa has no answer yet (the customer may still be entering the PIN). Try again in a minute.';
    case 'timed_out':
      return 'M-Pesa never answered, so the payment is marked timed out. A late payment is still credited.';
    case 'not_pending':
      return `This payment is no longer pending (it is ${status}); nothing to check.`;
    case 'failed':
      return 'M-Pesa could not be asked right now. The payment is checked again automatically every minute.';
  }
}

/** Queues the voucher SMS of a successful payment again; a problem to show, or null. */
export async function resendSms(supabase: SupabaseClient, paymentId: string) {
  const { error } = await supabase.rpc('support_resend_sms', { p_payment_id: paymentId });
  return error ? supportErrorText(error, 'resend the SMS') : null;
}

// --- Unmatched receipts -------------------------------------------------------------------

export const REASONS: Record<string, string> = {
  no_payment: 'No payment was waiting for it',
  amount_mismatch: 'Amount differs from the plan’s price',
  phone_mismatch: 'Paid from another phone',
  second_payment: 'The payment was already paid',
  plan_unavailable: 'The plan is no longer sold',
  c2b: 'Paid to the till or paybill by hand',
};

const receiptSchema = z.object({
  receipt: z.string(),
  amount_kes: z.number(),
  phone: z.string().nullable(),
  msisdn_hint: z.string().nullable(),
  reason: z.string(),
  received_at: z.string(),
  redeemed_at: z.string().nullable(),
  redeemed_payment_id: z.string().nullable(),
  overpaid_kes: z.number().nullable(),
  refunded_at: z.string().nullable(),
  note: z.string().nullable(),
});
export type UnmatchedReceipt = z.infer<typeof receiptSchema>;

const planSchema = z.object({ id: z.string(), name: z.string(), price_kes: z.number() });
export type SupportPlan = z.infer<typeof planSchema>;

export type UnmatchedPage = {
  membership: Membership;
  receipts: UnmatchedReceipt[];
  /** Active plans, cheapest first: what a receipt can buy. */
  plans: SupportPlan[];
};

export async function loadUnmatchedPage(
  supabase: SupabaseClient,
  userId: string,
): Promise<UnmatchedPage | null> {
  const membership = await currentMembership(supabase, userId);
  if (!membership) return null;
  if (!canSupport(membership)) return { membership, receipts: [], plans: [] };
  const organizationId = membership.organization.id;
  const [receipts, plans] = await Promise.all([
    supabase.rpc('unmatched_receipts', { p_organization_id: organizationId }),
    supabase
      .from('plans')
      .select('id, name, price_kes')
      .eq('organization_id', organizationId)
      .eq('active', true)
      .order('price_kes'),
  ]);
  return {
    membership,
    receipts: checked(receipts, z.array(receiptSchema), 'unmatched receipts'),
    plans: checked(plans, z.array(planSchema), 'plans'),
  };
}

/** The dearest plan the money covers (what the customer most likely meant), else the cheapest. */
export function suggestedPlan(plans: SupportPlan[], amountKes: number): SupportPlan | undefined {
  return plans.filter((p) => p.price_kes <= amountKes).at(-1) ?? plans[0];
}

/** The receipt buys the plan for the phone (SMS queued); the voucher code, or a problem. */
export async function issueVoucher(
  supabase: SupabaseClient,
  receipt: string,
  planId: string,
  phone: string,
): Promise<{ code: string } | { problem: string }> {
  const { data, error } = await supabase.rpc('support_issue_voucher', {
    p_receipt: receipt,
    p_plan_id: planId,
    p_phone: phone,
  });
  if (error) return { problem: supportErrorText(error, 'issue a voucher') };
  const parsed = z.object({ voucher_code: z.string() }).safeParse(data);
  return parsed.success
    ? { code: parsed.data.voucher_code }
    : { problem: 'The server sent an answer we cannot read.' };
}

/** The money went back by hand: the receipt can never be redeemed. A problem, or null. */
export async function markRefunded(supabase: SupabaseClient, receipt: string, note: string) {
  const { error } = await supabase.rpc('support_mark_refunded', {
    p_receipt: receipt,
    p_note: note.trim() || null,
  });
  return error ? supportErrorText(error, 'mark the receipt refunded') : null;
}
