import type { SupabaseClient } from '@supabase/supabase-js';
import { z } from 'zod';
import { checked, currentMembership, type Membership } from './membership.ts';
import { withOfflineCopy, type MaybeStale } from './offline-copy.ts';

const summarySchema = z.object({
  revenue: z.object({
    today_kes: z.number(),
    last_7_days_kes: z.number(),
    last_30_days_kes: z.number(),
    mpesa_30_days_kes: z.number(),
    cash_30_days_kes: z.number(),
  }),
  daily: z.array(z.object({ day: z.string(), kes: z.number() })),
  payments: z.object({
    by_status: z.record(z.string(), z.number()),
    success_rate: z.number().nullable(),
  }),
  sessions_online: z.number(),
  sold_by_plan: z.array(z.object({ plan: z.string(), count: z.number() })),
  top_sites: z.array(z.object({ site: z.string(), kes: z.number() })),
});
export type Summary = z.infer<typeof summarySchema>;

const alertSchema = z.object({
  kind: z.enum(['stk_failing', 'sms_failing', 'router_silent']),
  count: z.number().optional(),
  detail: z.string().nullable().optional(),
  router: z.string().optional(),
  last_accounting_at: z.string().optional(),
});
export type Alert = z.infer<typeof alertSchema>;

export type DashboardData = {
  membership: Membership;
  sites: { id: string; name: string }[];
  summary: MaybeStale<Summary> | null;
  alerts: Alert[];
};

/** An alert in the operator's words, with what to do. */
export function alertText(alert: Alert): string {
  switch (alert.kind) {
    case 'stk_failing':
      return `M-Pesa prompts failed ${alert.count} time(s) in the last hour (${alert.detail ?? 'no detail'}). Check the M-Pesa settings.`;
    case 'sms_failing':
      return `${alert.count} SMS could not be sent today (${alert.detail ?? 'no detail'}). Check the SMS balance and settings.`;
    case 'router_silent':
      return `Router ${alert.router} has sent nothing for over 10 minutes while customers are online. Check its power and internet.`;
  }
}

class Unreachable extends Error {}

/** The dashboard's figures from dashboard_summary() (owners and admins), kept for offline use. */
export async function loadDashboard(
  supabase: SupabaseClient,
  userId: string,
  siteId: string | null,
): Promise<DashboardData | null> {
  const membership = await currentMembership(supabase, userId).catch((error: Error) => {
    if (!navigator.onLine) return null;
    throw error;
  });
  if (!membership || membership.role === 'agent')
    return membership && { membership, sites: [], summary: null, alerts: [] };
  const organizationId = membership.organization.id;
  const sites = await supabase
    .from('sites')
    .select('id, name')
    .eq('organization_id', organizationId)
    .order('name');
  const summary = await withOfflineCopy(
    `dashboard:${organizationId}:${siteId ?? 'all'}`,
    async () => {
      const answer = await supabase.rpc('dashboard_summary', {
        p_organization_id: organizationId,
        p_site_id: siteId,
      });
      if (answer.error && answer.status === 0) throw new Unreachable(answer.error.message);
      return checked(answer, summarySchema, 'the dashboard');
    },
    (error) => error instanceof Unreachable,
  );
  // Alerts are about now: none from an offline copy.
  const alerts = await supabase.rpc('dashboard_alerts', { p_organization_id: organizationId });
  return {
    membership,
    sites: sites.data ?? [],
    summary,
    alerts: alertSchema.array().safeParse(alerts.data).data ?? [],
  };
}
