import type { SupabaseClient } from './supabase.ts';
import { z } from 'zod';
import { roleAtLeast } from '$domain/roles.ts';
import { checked, currentMembership, type Membership } from './membership.ts';
import { rpcData, type RpcReply } from './rpc.ts';

const voucherSchema = z.object({
  id: z.string(),
  code: z.string(),
  status: z.enum(['inactive', 'active', 'revoked', 'exhausted', 'expired']),
  price_kes: z.number(),
  validity_seconds: z.number(),
  time_quota_seconds: z.number().nullable(),
  data_quota_bytes: z.number().nullable(),
  devices_allowed: z.number(),
  used_seconds: z.number(),
  used_bytes: z.number(),
  first_used_at: z.string().nullable(),
  expires_at: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: z.string(),
  sold_by: z.string().nullable(),
  sold_at: z.string().nullable(),
  sold_price_kes: z.number().nullable(),
  plan: z.object({ name: z.string() }),
  // Owners and admins only (RLS): agents get null and [] here.
  customer: z.object({ id: z.string(), phone: z.string() }).nullable(),
  payments: z.array(
    z.object({
      id: z.string(),
      amount_kes: z.number(),
      status: z.string(),
      mpesa_receipt: z.string().nullable(),
    }),
  ),
});

export type VoucherDetail = z.infer<typeof voucherSchema> &
  RpcReply<'voucher_sessions'> & {
    membership: Membership;
    /** Who issued and who sold it, as the signed-in user may know them. */
    createdBy: string;
    soldBy: string;
  };

/** Owners and admins know the team's addresses; an agent knows only themself. */
async function people(
  supabase: SupabaseClient,
  membership: Membership,
  userId: string,
): Promise<(id: string | null) => string> {
  let emails = new Map<string, string>();
  if (roleAtLeast(membership.role, 'admin')) {
    const team = await supabase.rpc('team_members', {
      p_organization_id: membership.organization.id,
    });
    // The names are a nicety: without them the page still shows everything else.
    const members = z
      .array(z.object({ user_id: z.string(), email: z.string() }))
      .safeParse(team.data);
    if (members.success) emails = new Map(members.data.map((m) => [m.user_id, m.email]));
  }
  return (id) => {
    if (!id) return '—';
    if (id === userId) return 'you';
    return emails.get(id) ?? 'another member';
  };
}

/**
 * One voucher with its sales, usage, bound devices and sessions; null when it is not the
 * user's to see (RLS: agents read the vouchers they issued, owners and admins all).
 */
export async function loadVoucherDetail(
  supabase: SupabaseClient,
  userId: string,
  id: string,
): Promise<VoucherDetail | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const membership = await currentMembership(supabase, userId);
  if (!membership) return null;
  const voucher = checked(
    await supabase
      .from('vouchers')
      .select(
        `id, code, status, price_kes, validity_seconds, time_quota_seconds, data_quota_bytes,
         devices_allowed, used_seconds, used_bytes, first_used_at, expires_at, created_by,
         created_at, sold_by, sold_at, sold_price_kes, plan:plans(name),
         customer:customers(id, phone), payments(id, amount_kes, status, mpesa_receipt)`,
      )
      .eq('id', id)
      .maybeSingle(),
    voucherSchema.nullable(),
    'the voucher',
  );
  if (!voucher) return null;
  const [usage, who] = await Promise.all([
    rpcData(supabase, 'voucher_sessions', { p_voucher_id: id }, "the voucher's sessions"),
    people(supabase, membership, userId),
  ]);
  return {
    ...voucher,
    ...usage,
    membership,
    createdBy: who(voucher.created_by),
    soldBy: who(voucher.sold_by),
  };
}

/** "1.5 h" / "25 min" / "40 s". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400 * 2) return `${Math.round((seconds / 3600) * 10) / 10} h`;
  return `${Math.round((seconds / 86_400) * 10) / 10} days`;
}

/** "25.0 MB" / "1.25 GB". */
export function size(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** "20 min of 1 h" or "20 min (no limit)". */
export function usedOf(used: number, quota: number | null, format: (n: number) => string) {
  return quota === null ? `${format(used)} (no limit)` : `${format(used)} of ${format(quota)}`;
}
