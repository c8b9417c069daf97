import type { SupabaseClient } from './supabase.ts';
import { z } from 'zod';
import { sitePortalUrl } from '$domain/router-files.ts';
import { VOUCHER_PREFIX_MAX_LENGTH, VOUCHER_PREFIX_PATTERN } from '$domain/voucher-code.ts';
import { CODE_WORDS, errorWords } from './errors.ts';
import { rpc } from './rpc.ts';
import { checked, currentMembership, type Membership } from './membership.ts';
import { olderThan, toPage } from './keyset.ts';
import type { Database } from '$contract/call-rpc.ts';

type VoucherInsert = Database['public']['Tables']['vouchers']['Insert'];

const voucherSchema = z.object({
  id: z.string(),
  code: z.string(),
  status: z.enum(['inactive', 'active', 'revoked', 'exhausted', 'expired']),
  batch_id: z.string().nullable(),
  price_kes: z.number(),
  sold_at: z.string().nullable(),
  sold_price_kes: z.number().nullable(),
  first_used_at: z.string().nullable(),
  created_at: z.string(),
  plan: z.object({ name: z.string() }),
});
export type Voucher = z.infer<typeof voucherSchema>;

const planOptionSchema = z.object({
  id: z.string(),
  name: z.string(),
  price_kes: z.number(),
  max_discount_kes: z.number(),
});
export type PlanOption = z.infer<typeof planOptionSchema>;

export type VoucherFilter = {
  search: string;
  status: string;
  /** Keyset cursor of the last voucher shown (`cursorOf`): this page holds older ones. */
  before?: string;
};
export type VouchersPage = {
  membership: Membership;
  plans: PlanOption[];
  vouchers: Voucher[];
  /** Cursor of the next (older) page, or null at the end. */
  next: string | null;
};

/** Vouchers on one page of the list; search narrows it. */
export const LIST_LIMIT = 100;

/** Agents see the vouchers they issued (RLS); owners and admins see all of the organization. */
export async function loadVouchersPage(
  supabase: SupabaseClient,
  userId: string,
  filter: VoucherFilter,
): Promise<VouchersPage | null> {
  const membership = await currentMembership(supabase, userId);
  if (!membership) return null;
  const organizationId = membership.organization.id;
  const columns =
    'id, code, status, batch_id, price_kes, sold_at, sold_price_kes, first_used_at, created_at, plan:plans(name)';
  // Codes are upper-case letters and digits only. A search goes through search_vouchers, whose
  // trigram index serves it (a `like` under RLS reads every voucher of the organization).
  const search = filter.search.toUpperCase().replace(/[^0-9A-Z]/g, '');
  let query = (
    search
      ? supabase
          .rpc('search_vouchers', { p_organization_id: organizationId, p_search: search })
          .select(columns)
      : supabase.from('vouchers').select(columns).eq('organization_id', organizationId)
  )
    .order('created_at', { ascending: false })
    .order('id', { ascending: false })
    .limit(LIST_LIMIT + 1);
  // Newest first by (created_at, id), after the cursor: a batch shares one created_at.
  query = olderThan(query, filter.before ?? '');
  if (voucherSchema.shape.status.safeParse(filter.status).success)
    query = query.eq('status', filter.status);
  const [plans, vouchers] = await Promise.all([
    supabase
      .from('plans')
      .select('id, name, price_kes, max_discount_kes')
      .eq('organization_id', organizationId)
      .eq('active', true)
      .order('price_kes'),
    query,
  ]);
  const { rows, next } = toPage(checked(vouchers, z.array(voucherSchema), 'vouchers'), LIST_LIMIT);
  return {
    membership,
    plans: checked(plans, z.array(planOptionSchema), 'plans'),
    vouchers: rows,
    next,
  };
}

/** Most vouchers one batch issues (the database's limit). */
export const MAX_BATCH = 10_000;

export const batchFormSchema = z.object({
  plan_id: z.string().min(1, { error: 'Choose a plan.' }),
  count: z.coerce
    .number({ error: 'Enter how many vouchers to make.' })
    .int({ error: 'Enter a whole number of vouchers.' })
    .min(1, { error: 'Make at least one voucher.' })
    .max(MAX_BATCH, { error: `At most ${MAX_BATCH.toLocaleString('en')} vouchers at a time.` }),
  prefix: z
    .string()
    .trim()
    .toUpperCase()
    .regex(VOUCHER_PREFIX_PATTERN, {
      error: `A prefix is up to ${VOUCHER_PREFIX_MAX_LENGTH} letters or digits, without 0, 1, I, L or O.`,
    }),
});

/** Issues a batch: the database makes the codes and freezes the plan's limits on each. */
export async function generateBatch(
  supabase: SupabaseClient,
  organizationId: string,
  batch: z.output<typeof batchFormSchema>,
): Promise<string | null> {
  const { error } = await supabase
    .from('voucher_batches')
    .insert({ organization_id: organizationId, ...batch });
  return error ? errorWords(error, 'make the vouchers') : null;
}

/** Revoked vouchers stop working at the next login (the RADIUS issue also disconnects them). */
export async function setVoucherStatus(
  supabase: SupabaseClient,
  voucherId: string,
  status: 'active' | 'revoked',
): Promise<string | null> {
  const { error } = await supabase.from('vouchers').update({ status }).eq('id', voucherId);
  return error ? errorWords(error, 'change the voucher') : null;
}

/**
 * Records a cash sale by the signed-in user (their own sales and cash-up come from this); the
 * sale activates an inactive voucher. Without a price it is the plan's; below it only within the
 * discount the owner set on the plan (owners: any price).
 */
export async function sellVoucher(
  supabase: SupabaseClient,
  voucherId: string,
  priceKes?: number,
): Promise<string | null> {
  const { error } = await rpc(supabase, 'sell_voucher', {
    p_voucher_id: voucherId,
    ...(priceKes === undefined ? {} : { p_price_kes: priceKes }),
  });
  return error ? errorWords(error, 'record the sale') : null;
}

export const saleFormSchema = z.object({
  plan_id: z.string().min(1, { error: 'Choose a plan.' }),
  price: z
    .string()
    .trim()
    .transform((text) => (text === '' ? undefined : Number(text)))
    .pipe(
      z
        .number({ error: 'Enter the price in whole KES, or leave it empty for the plan’s price.' })
        .int({ error: 'Enter the price in whole KES, or leave it empty for the plan’s price.' })
        .min(0, { error: 'A price cannot be below 0 KES.' })
        .optional(),
    ),
});

/**
 * Why a sale at this price will be refused (below the plan's price less the owner's discount),
 * said before a voucher is issued for nothing; sell_voucher() is what enforces it.
 */
export function saleRefusal(plan: PlanOption | undefined, priceKes: number | undefined) {
  if (!plan || priceKes === undefined) return null;
  return priceKes < plan.price_kes - plan.max_discount_kes ? CODE_WORDS.price_below_discount : null;
}

/**
 * An agent's sale: issues one voucher (inactive until sold, so an abandoned sale is no free
 * internet) and sells it at once.
 */
export async function issueAndSell(
  supabase: SupabaseClient,
  organizationId: string,
  sale: z.output<typeof saleFormSchema>,
): Promise<string | null> {
  // The generated type requires the plan's price and limits, which the database copies into the
  // voucher itself (voucher_freeze_plan) and API users may not send (column grants).
  const row = { organization_id: organizationId, plan_id: sale.plan_id };
  const issued = await supabase
    .from('vouchers')
    .insert(
      row as typeof row & Pick<VoucherInsert, 'price_kes' | 'validity_seconds' | 'devices_allowed'>,
    )
    .select('id')
    .single();
  if (issued.error) return errorWords(issued.error, 'issue the voucher');
  return sellVoucher(supabase, issued.data.id, sale.price);
}

/**
 * Owners and admins hand out inactive vouchers without a sale (printed cards given away): one
 * voucher, or every inactive voucher of its batch. Audited.
 */
export async function releaseVouchers(
  supabase: SupabaseClient,
  target: { voucherId: string } | { batchId: string },
): Promise<string | null> {
  const { error } = await rpc(
    supabase,
    'release_vouchers',
    'batchId' in target ? { p_batch_id: target.batchId } : { p_voucher_id: target.voucherId },
  );
  return error ? errorWords(error, 'release the vouchers') : null;
}

const printableSchema = z.object({
  id: z.string(),
  code: z.string(),
  price_kes: z.number(),
  plan: z.object({
    name: z.string(),
    plan_sites: z.array(z.object({ site: z.object({ id: z.string() }) })),
  }),
});
export type Printable = z.infer<typeof printableSchema>;

/** Most vouchers on one print run (a batch). */
export const PRINT_LIMIT = 1000;

/** Unsold unused vouchers (active or still inactive) matching the search, for the print sheet. */
export async function loadPrintable(
  supabase: SupabaseClient,
  userId: string,
  filter: VoucherFilter,
): Promise<Printable[]> {
  const membership = await currentMembership(supabase, userId);
  if (!membership) return [];
  const search = filter.search.toUpperCase().replace(/[^0-9A-Z]/g, '');
  let query = supabase
    .from('vouchers')
    .select('id, code, price_kes, plan:plans(name, plan_sites(site:sites(id)))')
    .eq('organization_id', membership.organization.id)
    .in('status', ['active', 'inactive'])
    .is('sold_at', null)
    .order('created_at', { ascending: false })
    .order('code')
    .limit(PRINT_LIMIT);
  if (search) query = query.like('code', `%${search}%`);
  return checked(await query, z.array(printableSchema), 'vouchers');
}

/**
 * Where a printed voucher's QR code leads: the portal of a site selling it, code filled in. The
 * site is addressed by its id, never its slug: a printed card outlives a renamed slug, and must
 * never lead to another operator who took it (SECURITY.md, Slugs are cosmetic).
 */
export function voucherLink(portalUrl: string, voucher: Printable): string | null {
  const siteId = voucher.plan.plan_sites[0]?.site.id;
  if (!siteId) return null;
  return `${sitePortalUrl(portalUrl, siteId)}?code=${encodeURIComponent(voucher.code)}`;
}
