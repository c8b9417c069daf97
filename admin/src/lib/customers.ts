import type { SupabaseClient } from './supabase.ts';
import { z } from 'zod';
import { roleAtLeast } from '$domain/roles.ts';
import { normalizeKenyanPhone } from '$domain/phone.ts';
import { checked, currentMembership, type Membership } from './membership.ts';
import { olderThan, toPage } from './keyset.ts';

const paymentSchema = z.object({
  id: z.string(),
  amount_kes: z.number(),
  status: z.string(),
  created_at: z.string(),
  mpesa_receipt: z.string().nullable(),
});
const voucherSchema = z.object({
  id: z.string(),
  code: z.string(),
  status: z.string(),
  created_at: z.string(),
});
const customerSchema = z.object({
  id: z.string(),
  phone: z.string(),
  created_at: z.string(),
  payments: z.array(paymentSchema),
});
export type Customer = z.infer<typeof customerSchema> & { totalKes: number };
export type CustomerDetail = Customer & {
  organization_id: string;
  vouchers: z.infer<typeof voucherSchema>[];
};

export type CustomersPage = {
  membership: Membership;
  customers: Customer[];
  problem: string | null;
  /** Cursor of the next (older) page, or null at the end. */
  next: string | null;
};

/** Customers on one page of the list. */
export const LIST_LIMIT = 100;

/** What a customer has paid in successful payments. */
function withTotal<T extends { payments: { amount_kes: number; status: string }[] }>(c: T) {
  const totalKes = c.payments
    .filter((p) => p.status === 'success')
    .reduce((sum, p) => sum + p.amount_kes, 0);
  return { ...c, totalKes };
}

/**
 * Customers of the organization, newest first by (created_at, id) and after the keyset cursor
 * `before` (`cursorOf` of the last customer shown); `search` is any spelling of a phone number
 * (0712…, +254712…, 254712…) or its last digits.
 */
export async function loadCustomersPage(
  supabase: SupabaseClient,
  userId: string,
  search: string,
  before = '',
): Promise<CustomersPage | null> {
  const membership = await currentMembership(supabase, userId);
  if (!membership) return null;
  if (!roleAtLeast(membership.role, 'admin'))
    return { membership, customers: [], problem: null, next: null };
  const digits = search.replace(/\D/g, '');
  const phone = normalizeKenyanPhone(search);
  if (!phone.ok && digits.length < 3 && search.trim())
    return {
      membership,
      customers: [],
      problem: 'Type a phone number or at least its last 3 digits.',
      next: null,
    };
  const organizationId = membership.organization.id;
  const columns =
    'id, phone, created_at, payments(id, amount_kes, status, created_at, mpesa_receipt)';
  // Last digits go through search_customers, whose trigram index serves them (a `like` under
  // RLS reads every customer of the organization); a whole number is an exact match.
  let query = (
    !phone.ok && digits
      ? supabase
          .rpc('search_customers', { p_organization_id: organizationId, p_digits: digits })
          .select(columns)
      : supabase.from('customers').select(columns).eq('organization_id', organizationId)
  )
    .order('created_at', { ascending: false })
    .order('id', { ascending: false })
    .limit(LIST_LIMIT + 1);
  query = olderThan(query, before);
  if (phone.ok) query = query.eq('phone', phone.e164);
  const { rows, next } = toPage(
    checked(await query, z.array(customerSchema), 'customers'),
    LIST_LIMIT,
  );
  return { membership, customers: rows.map(withTotal), problem: null, next };
}

/** One customer with payments and vouchers (null when not the user's to see). */
export async function loadCustomer(
  supabase: SupabaseClient,
  id: string,
): Promise<CustomerDetail | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const answer = await supabase
    .from('customers')
    .select(
      'id, organization_id, phone, created_at, payments(id, amount_kes, status, created_at, mpesa_receipt), vouchers(id, code, status, created_at)',
    )
    .eq('id', id)
    .maybeSingle();
  const customer = checked(
    answer,
    customerSchema
      .extend({ organization_id: z.string(), vouchers: z.array(voucherSchema) })
      .nullable(),
    'the customer',
  );
  return customer && withTotal(customer);
}
