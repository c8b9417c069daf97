import type { SupabaseClient } from './supabase.ts';
import { z } from 'zod';
import { ROLES, roleAtLeast } from '$domain/roles.ts';
import { checked, currentMembership, type Membership } from './membership.ts';

const sellerSchema = z.object({
  seller_id: z.string(),
  email: z.string().nullable(),
  role: z.enum(ROLES).nullable(),
  vouchers: z.number(),
  total_kes: z.number(),
  first_sold_at: z.string(),
  last_sold_at: z.string(),
});
export type Seller = z.infer<typeof sellerSchema>;

const saleSchema = z.object({
  id: z.string(),
  code: z.string(),
  sold_at: z.string(),
  sold_price_kes: z.number().nullable(),
  plan: z.object({ name: z.string() }),
});
export type Sale = z.infer<typeof saleSchema>;

export type CashUpFilter = { day: string; seller: string };

export type CashUpPage = {
  membership: Membership;
  /** The Nairobi calendar day shown (YYYY-MM-DD). */
  day: string;
  /** Agents: their own row at most. Owners and admins: every seller of the day. */
  sellers: Seller[];
  /** Whose sales are listed (agents: themselves), and the list, newest first. */
  seller: string | null;
  sales: Sale[];
};

/** Most sales a list shows (the totals always count all of them). */
export const SALES_LIMIT = 200;

/** Today in Nairobi, whatever the phone's time zone. */
export const nairobiToday = (now = new Date()) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Nairobi' }).format(now);

const isDay = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
/** Nairobi calendar days (Kenya keeps UTC+3 all year), as cash_up() counts them. */
const dayStart = (day: string) => `${day}T00:00:00+03:00`;
const nextDay = (day: string) => new Date(Date.parse(dayStart(day)) + 86_400_000).toISOString();

/** One seller's cash sales of the day, newest first (RLS: agents read only their vouchers). */
async function listSales(
  supabase: SupabaseClient,
  organizationId: string,
  sellerId: string,
  day: string,
): Promise<Sale[]> {
  return checked(
    await supabase
      .from('vouchers')
      .select('id, code, sold_at, sold_price_kes, plan:plans(name)')
      .eq('organization_id', organizationId)
      .eq('sold_by', sellerId)
      .gte('sold_at', dayStart(day))
      .lt('sold_at', nextDay(day))
      .order('sold_at', { ascending: false })
      .order('code')
      .limit(SALES_LIMIT),
    z.array(saleSchema),
    'the sales',
  );
}

/**
 * The cash-up of a day: totals per seller from cash_up() (computed in the database), and the
 * sales of one seller — the agent themselves, or the seller an owner or admin picked.
 */
export async function loadCashUpPage(
  supabase: SupabaseClient,
  userId: string,
  filter: CashUpFilter,
): Promise<CashUpPage | null> {
  const membership = await currentMembership(supabase, userId);
  if (!membership) return null;
  const organizationId = membership.organization.id;
  const day = isDay(filter.day) ? filter.day : nairobiToday();
  const seller = !roleAtLeast(membership.role, 'admin')
    ? userId
    : z.uuid().safeParse(filter.seller).success
      ? filter.seller
      : null;
  const [sellers, sales] = await Promise.all([
    supabase.rpc('cash_up', { p_organization_id: organizationId, p_day: day }),
    seller ? listSales(supabase, organizationId, seller, day) : Promise.resolve([]),
  ]);
  return {
    membership,
    day,
    sellers: checked(sellers, z.array(sellerSchema), 'the cash-up'),
    seller,
    sales,
  };
}
