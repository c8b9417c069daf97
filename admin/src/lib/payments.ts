import type { SupabaseClient } from './supabase.ts';
import { z } from 'zod';
import { roleAtLeast } from '$domain/roles.ts';
import { olderThan, toPage } from './keyset.ts';
import { checked, currentMembership, type Membership } from './membership.ts';

export const STATUSES = ['pending', 'success', 'failed', 'cancelled', 'timeout'] as const;

const paymentSchema = z.object({
  id: z.string(),
  created_at: z.string(),
  settled_at: z.string().nullable(),
  phone: z.string(),
  amount_kes: z.number(),
  status: z.enum(STATUSES),
  mpesa_receipt: z.string().nullable(),
  result_code: z.number().nullable(),
  result_desc: z.string().nullable(),
  plan: z.object({ name: z.string() }).nullable(),
  site: z.object({ name: z.string() }).nullable(),
});
export type Payment = z.infer<typeof paymentSchema>;

const detailSchema = paymentSchema.extend({
  checkout_request_id: z.string().nullable(),
  raw_callback: z.unknown(),
  voucher: z.object({ code: z.string(), status: z.string() }).nullable(),
});
export type PaymentDetail = z.infer<typeof detailSchema>;

export type PaymentFilter = {
  status: string;
  from: string;
  to: string;
  site: string;
  /** Keyset cursor of the last row shown (`cursorOf`): this page holds older rows. */
  before: string;
};

const COLUMNS =
  'id, created_at, settled_at, phone, amount_kes, status, mpesa_receipt, result_code, result_desc, plan:plans(name), site:sites(name)';

/** Rows on one page of the list; the CSV export takes up to EXPORT_LIMIT. */
export const LIST_LIMIT = 100;
export const EXPORT_LIMIT = 10_000;

/** Nairobi calendar days, as the operator means them. */
const dayStart = (day: string) => `${day}T00:00:00+03:00`;
const isDay = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

/**
 * Payments of the organization, newest first by (created_at, id), narrowed by the filter and
 * starting after its cursor (RLS: owners and admins).
 */
export async function listPayments(
  supabase: SupabaseClient,
  organizationId: string,
  filter: PaymentFilter,
  limit = LIST_LIMIT,
): Promise<Payment[]> {
  let query = supabase
    .from('payments')
    .select(COLUMNS)
    .eq('organization_id', organizationId)
    .order('created_at', { ascending: false })
    .order('id', { ascending: false })
    .limit(limit);
  query = olderThan(query, filter.before);
  if ((STATUSES as readonly string[]).includes(filter.status))
    query = query.eq('status', filter.status);
  if (isDay(filter.from)) query = query.gte('created_at', dayStart(filter.from));
  if (isDay(filter.to)) {
    const next = new Date(Date.parse(dayStart(filter.to)) + 86_400_000).toISOString();
    query = query.lt('created_at', next);
  }
  if (z.uuid().safeParse(filter.site).success) query = query.eq('site_id', filter.site);
  return checked(await query, z.array(paymentSchema), 'payments');
}

export type PaymentsPage = {
  membership: Membership;
  sites: { id: string; name: string }[];
  payments: Payment[];
  /** Cursor of the next (older) page, or null at the end. */
  next: string | null;
};

export async function loadPaymentsPage(
  supabase: SupabaseClient,
  userId: string,
  filter: PaymentFilter,
): Promise<PaymentsPage | null> {
  const membership = await currentMembership(supabase, userId);
  if (!membership || !roleAtLeast(membership.role, 'admin'))
    return membership && { membership, sites: [], payments: [], next: null };
  const organizationId = membership.organization.id;
  const [sites, payments] = await Promise.all([
    supabase.from('sites').select('id, name').eq('organization_id', organizationId).order('name'),
    listPayments(supabase, organizationId, filter, LIST_LIMIT + 1),
  ]);
  const { rows, next } = toPage(payments, LIST_LIMIT);
  return {
    membership,
    sites: checked(sites, z.array(z.object({ id: z.string(), name: z.string() })), 'sites'),
    payments: rows,
    next,
  };
}

/** One payment with what M-Pesa sent (null when it is not the user's to see). */
export async function loadPayment(
  supabase: SupabaseClient,
  id: string,
): Promise<PaymentDetail | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const answer = await supabase
    .from('payments')
    .select(`${COLUMNS}, checkout_request_id, raw_callback, voucher:vouchers(code, status)`)
    .eq('id', id)
    .maybeSingle();
  return checked(answer, detailSchema.nullable(), 'the payment');
}

export const CSV_HEADER = [
  'created_at',
  'settled_at',
  'phone',
  'amount_kes',
  'status',
  'mpesa_receipt',
  'result_code',
  'plan',
  'site',
];

export function csvRow(p: Payment): (string | number | null)[] {
  return [
    p.created_at,
    p.settled_at,
    p.phone,
    p.amount_kes,
    p.status,
    p.mpesa_receipt,
    p.result_code,
    p.plan?.name ?? null,
    p.site?.name ?? null,
  ];
}
