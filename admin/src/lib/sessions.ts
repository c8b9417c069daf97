import type { SupabaseClient } from './supabase.ts';
import { roleAtLeast } from '$domain/roles.ts';
import { errorWords } from './errors.ts';
import { currentMembership, type Membership } from './membership.ts';
import { rpcData, type RpcReply } from './rpc.ts';

/** A session online now, or a finished one. */
export type Session = RpcReply<'sessions_online'>[number] | RpcReply<'session_history'>[number];

export type SessionsPage = { membership: Membership; online: Session[]; history: Session[] };

/** Sessions online now and the latest finished ones (owners and admins; RPCs check). */
export async function loadSessionsPage(
  supabase: SupabaseClient,
  userId: string,
): Promise<SessionsPage | null> {
  const membership = await currentMembership(supabase, userId);
  if (!membership) return null;
  if (!roleAtLeast(membership.role, 'admin')) return { membership, online: [], history: [] };
  const args = { p_organization_id: membership.organization.id };
  const [online, history] = await Promise.all([
    rpcData(supabase, 'sessions_online', args, 'sessions online'),
    rpcData(supabase, 'session_history', { ...args, p_limit: 50 }, 'session history'),
  ]);
  return { membership, online, history };
}

/** Queues a Disconnect-Request for the device's session; the RADIUS agent delivers it. */
export async function disconnect(
  supabase: SupabaseClient,
  session: Session,
): Promise<string | null> {
  if (!session.voucher_id) return 'This session has no voucher to disconnect.';
  const { data, error } = await supabase.rpc('disconnect_session', {
    p_voucher_id: session.voucher_id,
    // Left out when unknown: the SQL default (null) disconnects every device of the voucher.
    p_mac: session.mac ?? undefined,
  });
  if (error) return errorWords(error, 'disconnect');
  return data === 0 ? 'That session had already ended.' : null;
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function minutes(seconds: number): string {
  return seconds < 3600 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
}
