import { FunctionsHttpError } from '@supabase/supabase-js';
import type { SupabaseClient } from './supabase.ts';
import { z } from 'zod';
import { canManageMember, ROLES, roleAtLeast, type Role } from '$domain/roles.ts';
import { errorWords } from './errors.ts';
import { rpc } from './rpc.ts';
import { checked, currentMembership, type Membership } from './membership.ts';

/** The role order and who may hand out which role (owners any, admins admin and agent; RLS agrees). */
export { assignableRoles, ROLES, type Role } from '$domain/roles.ts';
export const ROLE_LABELS: Record<Role, string> = { owner: 'Owner', admin: 'Admin', agent: 'Agent' };

const memberSchema = z.object({
  membership_id: z.string(),
  user_id: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  joined_at: z.string(),
  invitation_pending: z.boolean(),
  last_sign_in_at: z.string().nullable(),
});
export type Member = z.infer<typeof memberSchema>;

const invitationSchema = z.object({
  invitation_id: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  invited_at: z.string(),
  expires_at: z.string(),
});
export type Invitation = z.infer<typeof invitationSchema>;

/** members and invitations are null for agents: no team screen (the RPCs refuse them too). */
export type TeamPage = {
  membership: Membership;
  members: Member[] | null;
  invitations: Invitation[] | null;
};

export async function loadTeamPage(
  supabase: SupabaseClient,
  userId: string,
): Promise<TeamPage | null> {
  const membership = await currentMembership(supabase, userId);
  if (!membership) return null;
  if (!roleAtLeast(membership.role, 'admin')) {
    return { membership, members: null, invitations: null };
  }
  const organization = { p_organization_id: membership.organization.id };
  const [members, invitations] = await Promise.all([
    supabase.rpc('team_members', organization),
    supabase.rpc('team_invitations', organization),
  ]);
  return {
    membership,
    members: checked(members, z.array(memberSchema), 'the team'),
    invitations: checked(invitations, z.array(invitationSchema), 'the invitations'),
  };
}

/** Whether the signed-in user may change or remove this member (admins never touch owners). */
export function canManage(myRole: Role, member: Member): boolean {
  return canManageMember(myRole, member.role);
}

export const inviteFormSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email({ error: 'Enter the email address of the person to invite.' })),
  role: z.enum(ROLES, { error: 'Choose a role.' }),
});

/**
 * Sends the invitation through the team-invite edge function: a pending invitation, accepted (or
 * not) by its addressee; the answer never says whether the address has an account.
 */
export async function inviteMember(
  supabase: SupabaseClient,
  organizationId: string,
  invite: z.output<typeof inviteFormSchema>,
  acceptUrl: string,
): Promise<{ expires_at: string } | { problem: string }> {
  const { data, error } = await supabase.functions.invoke('team-invite', {
    body: { organization_id: organizationId, ...invite, redirect_to: acceptUrl },
  });
  if (error) {
    if (error instanceof FunctionsHttpError) {
      const answer = (await (error.context as Response).json().catch(() => null)) as {
        message?: string;
      } | null;
      if (answer?.message) return { problem: answer.message };
    }
    return { problem: 'Could not send the invitation. Check your connection and try again.' };
  }
  const parsed = z.object({ expires_at: z.string() }).safeParse(data);
  return parsed.success ? parsed.data : { problem: 'The server sent an answer we cannot read.' };
}

export async function changeRole(
  supabase: SupabaseClient,
  member: Member,
  role: Role,
): Promise<string | null> {
  const { data, error } = await supabase
    .from('memberships')
    .update({ role })
    .eq('id', member.membership_id)
    .select('id');
  if (error) return errorWords(error, `change the role of ${member.email}`);
  return data.length ? null : `You are not allowed to change the role of ${member.email}.`;
}

export async function removeMember(
  supabase: SupabaseClient,
  member: Member,
): Promise<string | null> {
  const { data, error } = await supabase
    .from('memberships')
    .delete()
    .eq('id', member.membership_id)
    .select('id');
  if (error) return errorWords(error, `remove ${member.email}`);
  return data.length ? null : `You are not allowed to remove ${member.email}.`;
}

export const newPasswordSchema = z
  .object({
    password: z.string().min(8, { error: 'Use at least 8 characters.' }),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, {
    error: 'The two passwords differ.',
    path: ['confirm'],
  });

/** The error GoTrue put in the URL fragment of an email link (expired, used), if any. */
export function linkError(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  if (params.get('error_code') === 'otp_expired') {
    return 'This link is invalid or has expired (each link works once).';
  }
  const description = params.get('error_description');
  return description ? `This link did not work: ${description}.` : null;
}

const myInvitationSchema = z.object({
  invitation_id: z.string(),
  organization_id: z.string(),
  organization_name: z.string(),
  role: z.enum(ROLES),
  expires_at: z.string(),
});
export type MyInvitation = z.infer<typeof myInvitationSchema>;

/** Invitations waiting for the signed-in user (by their confirmed email address). */
export async function loadMyInvitations(supabase: SupabaseClient): Promise<MyInvitation[]> {
  return checked(await supabase.rpc('my_invitations'), z.array(myInvitationSchema), 'invitations');
}

/** Joins the organization of an invitation: the only way an invitation makes a member. */
export async function acceptInvitation(
  supabase: SupabaseClient,
  invitationId: string,
): Promise<string | null> {
  const { error } = await rpc(supabase, 'accept_invitation', { p_invitation_id: invitationId });
  return error ? errorWords(error, 'accept the invitation') : null;
}
