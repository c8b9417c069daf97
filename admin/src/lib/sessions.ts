import type { SupabaseClient } from '@supabase/supabase-js';
import { z } from 'zod';
import { checked, currentMembership, type Membership } from './membership.ts';

const sessionSchema = z.object({
  id: z.number(),
  voucher_id: z.string().nullable(),
  code: z.string().nullable(),
  mac: z.string().nullable(),
  router: z.string(),
  site: z.string(),
  started_at: z.string().nullable(),
  updated_at: z.string().nullable(),
  stopped_at: z.string().nullable(),
  seconds: z.number(),
  bytes_in: z.number(),
  bytes_out: z.number(),
  stop_cause: z.string().nullable(),
});
export type Session = z.infer<typeof sessionSchema>;

export type SessionsPage = { membership: Membership; online: Session[]; history: Session[] };

/** Sessions online now and the latest finished ones (owners and admins; RPCs check). */
export async function loadSessionsPage(
  supabase: SupabaseClient,
  userId: string,
): Promise<SessionsPage | null> {
  const membership = await currentMembership(supabase, userId);
  if (!membership) return null;
  if (membership.role === 'agent') return { membership, online: [], history: [] };
  const args = { p_organization_id: membership.organization.id };
  const [online, history] = await Promise.all([
    supabase.rpc('sessions_online', args),
    supabase.rpc('session_history', { ...args, p_limit: 50 }),
  ]);
  return {
    membership,
    online: checked(online, z.array(sessionSchema), 'sessions online'),
    history: checked(history, z.array(sessionSchema), 'session history'),
  };
}

/** Queues a Disconnect-Request for the device's session; the RADIUS agent delivers it. */
export async function disconnect(
  supabase: SupabaseClient,
  session: Session,
): Promise<string | null> {
  if (!session.voucher_id) return 'This session has no voucher to disconnect.';
  const { data, error } = await supabase.rpc('disconnect_session', {
    p_voucher_id: session.voucher_id,
    p_mac: session.mac,
  });
  if (error) return `Could not disconnect: ${error.message}`;
  return data === 0 ? 'That session had already ended.' : null;
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function minutes(seconds: number): string {
  return seconds < 3600 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
}
