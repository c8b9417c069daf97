import type { SupabaseClient } from './supabase.ts';
import { roleAtLeast } from '$domain/roles.ts';
import { errorWords } from './errors.ts';
import { currentMembership, type Membership } from './membership.ts';
import { withOfflineCopy, type MaybeStale } from './offline-copy.ts';
import { rpc, type RpcReply } from './rpc.ts';

export type Summary = RpcReply<'dashboard_summary'>;
export type Alert = RpcReply<'dashboard_alerts'>[number];

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
  if (!membership || !roleAtLeast(membership.role, 'admin'))
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
      const answer = await rpc(supabase, 'dashboard_summary', {
        p_organization_id: organizationId,
        p_site_id: siteId,
      });
      if (answer.error && answer.status === 0) throw new Unreachable(answer.error.message);
      if (answer.error) throw new Error(errorWords(answer.error, 'load the dashboard'));
      return answer.data;
    },
    (error) => error instanceof Unreachable,
  );
  // Alerts are about now: none from an offline copy.
  const alerts = await rpc(supabase, 'dashboard_alerts', { p_organization_id: organizationId });
  return { membership, sites: sites.data ?? [], summary, alerts: alerts.data ?? [] };
}
