import type { SupabaseClient } from './supabase.ts';
import { z } from 'zod';
import { roleAtLeast } from '$domain/roles.ts';
import type { PlanColumns } from '$domain/plan-form.ts';
import { errorWords } from './errors.ts';
import { checked, currentMembership } from './membership.ts';

const planSchema = z.object({
  id: z.string(),
  organization_id: z.string(),
  name: z.string(),
  price_kes: z.number(),
  validity_seconds: z.number(),
  time_quota_seconds: z.number().nullable(),
  data_quota_bytes: z.number().nullable(),
  download_kbps: z.number().nullable(),
  upload_kbps: z.number().nullable(),
  devices_allowed: z.number(),
  max_discount_kes: z.number(),
  active: z.boolean(),
  plan_sites: z.array(z.object({ site_id: z.string() })),
});
export type Plan = z.infer<typeof planSchema>;

const siteSchema = z.object({ id: z.string(), name: z.string() });
export type Site = z.infer<typeof siteSchema>;

export type PlansPage = {
  organization: { id: string; name: string };
  canEdit: boolean;
  /** Only owners set how far below its price a plan may be sold for cash. */
  canSetDiscount: boolean;
  plans: Plan[];
  sites: Site[];
};

/** The user's (first) organization with its plans and sites; null when they belong to none. */
export async function loadPlansPage(
  supabase: SupabaseClient,
  userId: string,
): Promise<PlansPage | null> {
  const membership = await currentMembership(supabase, userId);
  if (!membership) return null;
  const organizationId = membership.organization.id;
  const [plans, sites] = await Promise.all([
    supabase
      .from('plans')
      .select('*, plan_sites(site_id)')
      .eq('organization_id', organizationId)
      .order('active', { ascending: false })
      .order('price_kes'),
    supabase.from('sites').select('id, name').eq('organization_id', organizationId).order('name'),
  ]);
  return {
    organization: membership.organization,
    canEdit: roleAtLeast(membership.role, 'admin'),
    canSetDiscount: membership.role === 'owner',
    plans: checked(plans, z.array(planSchema), 'plans'),
    sites: checked(sites, z.array(siteSchema), 'sites'),
  };
}

/**
 * Creates or updates a plan and the sites selling it. Vouchers already sold keep the limits
 * they were sold with (the database freezes them); new sales use the new values at once.
 */
export async function savePlan(
  supabase: SupabaseClient,
  target: { organizationId: string; planId: string | null },
  columns: PlanColumns,
  siteIds: string[],
  currentSiteIds: string[] = [],
): Promise<string | null> {
  const saved = target.planId
    ? await supabase.from('plans').update(columns).eq('id', target.planId).select('id').single()
    : await supabase
        .from('plans')
        .insert({ ...columns, organization_id: target.organizationId })
        .select('id')
        .single();
  if (saved.error) return errorWords(saved.error, 'save the plan');
  const planId = saved.data.id;
  const added = siteIds.filter((id) => !currentSiteIds.includes(id));
  const removed = currentSiteIds.filter((id) => !siteIds.includes(id));
  if (added.length) {
    const rows = added.map((site_id) => ({
      plan_id: planId,
      site_id,
      organization_id: target.organizationId,
    }));
    const { error } = await supabase.from('plan_sites').insert(rows);
    if (error) return `The plan was saved. ${errorWords(error, 'offer it at the new sites')}`;
  }
  if (removed.length) {
    const { error } = await supabase
      .from('plan_sites')
      .delete()
      .eq('plan_id', planId)
      .in('site_id', removed);
    if (error)
      return `The plan was saved. ${errorWords(error, 'stop offering it at the removed sites')}`;
  }
  return null;
}

/** Stops (or resumes) selling a plan; vouchers already sold keep working. */
export async function setPlanActive(
  supabase: SupabaseClient,
  planId: string,
  active: boolean,
): Promise<string | null> {
  const { error } = await supabase.from('plans').update({ active }).eq('id', planId);
  return error ? errorWords(error, `${active ? 'activate' : 'deactivate'} the plan`) : null;
}

export const discountSchema = z.coerce
  .number({ error: 'Enter the discount in whole KES (0: sell only at the plan’s price).' })
  .int({ error: 'Enter the discount in whole KES (0: sell only at the plan’s price).' })
  .min(0, { error: 'A discount cannot be below 0 KES.' });

/** The owner's cash discount on a plan: admins and agents may sell at most this far below price. */
export async function setPlanDiscount(
  supabase: SupabaseClient,
  planId: string,
  maxDiscountKes: number,
): Promise<string | null> {
  const { error } = await supabase
    .from('plans')
    .update({ max_discount_kes: maxDiscountKes })
    .eq('id', planId);
  return error ? errorWords(error, 'set the discount') : null;
}
