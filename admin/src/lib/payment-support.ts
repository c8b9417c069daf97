// Support actions of owners and admins on payments and on money that bought nothing (unmatched
// receipts). The database decides who may do what and audits every action (support_* RPCs,
// pay-reconcile); this module calls them and turns their refusals into plain words.
import { FunctionsFetchError, FunctionsHttpError } from '@supabase/supabase-js';
import { z } from 'zod';
import { roleAtLeast } from '$domain/roles.ts';
import { errorWords, type ApiError } from './errors.ts';
import { checked, currentMembership, type Membership } from './membership.ts';
import { rpc, rpcData, type RpcReply } from './rpc.ts';
import type { SupabaseClient } from './supabase.ts';

/** Owners and admins may act; agents see payments not at all (the UI mirrors the RPCs' check). */
export const canSupport = (membership: Membership | null) => roleAtLeast(membership?.role, 'admin');

/** A refusal of a support RPC in plain words (`action` completes "Could not …"). */
export function supportErrorText(error: ApiError, action: string): string {
  return errorWords(error, action, {
    not_allowed:
      'Only owners and admins of this organization can do that, and only for its own payments.',
  });
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
  const { error } = await rpc(supabase, 'support_resend_sms', { p_payment_id: paymentId });
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

export type UnmatchedReceipt = RpcReply<'unmatched_receipts'>[number];

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
    rpcData(
      supabase,
      'unmatched_receipts',
      { p_organization_id: organizationId },
      'unmatched receipts',
    ),
    supabase
      .from('plans')
      .select('id, name, price_kes')
      .eq('organization_id', organizationId)
      .eq('active', true)
      .order('price_kes'),
  ]);
  return {
    membership,
    receipts,
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
  const { data, error } = await rpc(supabase, 'support_issue_voucher', {
    p_receipt: receipt,
    p_plan_id: planId,
    p_phone: phone,
  });
  return error
    ? { problem: supportErrorText(error, 'issue a voucher') }
    : { code: data.voucher_code };
}

/** The money went back by hand: the receipt can never be redeemed. A problem, or null. */
export async function markRefunded(supabase: SupabaseClient, receipt: string, note: string) {
  const { error } = await rpc(supabase, 'support_mark_refunded', {
    p_receipt: receipt,
    p_note: note.trim() || null,
  });
  return error ? supportErrorText(error, 'mark the receipt refunded') : null;
}
