// Invites someone into the caller's organization: a signed-in owner or admin sends
// {organization_id, email, role, redirect_to?}. Owners may invite any role, admins admins and
// agents, agents nobody (the same rules as the memberships policies). A new address gets Supabase
// Auth's invitation email (the auth admin API, the only use of the secret key here); an
// address that already has an account just gets the membership. The membership is inserted
// through the API with the caller's own JWT, so row-level security has the last word and the
// audit trigger records the caller as the actor.
import { z } from 'zod';
import { assignableRoles, isRole, ROLES, roleAtLeast } from '../_shared/domain/roles.ts';
import { publishableKey, secretKey } from '../_shared/api-keys.ts';
import { db } from '../_shared/db.ts';
import { requireEnv } from '../_shared/env.ts';
import { authUserId, bearer, json, readLimited } from '../_shared/http.ts';

export const teamInviteInput = z.object({
  organization_id: z.uuid({ error: 'organization_id must be a UUID' }),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email({ error: 'Enter a valid email address' }).max(254)),
  role: z.enum(ROLES, { error: 'role must be owner, admin or agent' }),
  redirect_to: z.url({ error: 'redirect_to must be a URL' }).optional(),
});

type Problem =
  | 'method_not_allowed'
  | 'too_large'
  | 'invalid_request'
  | 'not_signed_in'
  | 'forbidden'
  | 'already_member'
  | 'invite_failed';

const STATUS: Record<Problem, number> = {
  method_not_allowed: 405,
  too_large: 413,
  invalid_request: 400,
  not_signed_in: 401,
  forbidden: 403,
  already_member: 409,
  invite_failed: 502,
};

function fail(error: Problem, message: string): Response {
  return json(STATUS[error], { error, message });
}

/** The Deno.serve handler of team-invite. */
export async function handleTeamInvite(request: Request): Promise<Response> {
  try {
    return await invite(request);
  } catch (error) {
    console.error(`team-invite: ${(error as Error).message}`);
    return fail('invite_failed', 'The invitation could not be sent. Try again.');
  }
}

async function invite(request: Request): Promise<Response> {
  if (request.method !== 'POST') return fail('method_not_allowed', 'Use POST');
  const text = await readLimited(request, 8 * 1024);
  if (text === null) return fail('too_large', 'Request body too large');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail('invalid_request', 'The body is not JSON');
  }
  const parsed = teamInviteInput.safeParse(raw);
  if (!parsed.success) {
    return fail(
      'invalid_request',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  }
  const input = parsed.data;
  const callerId = await authUserId(request);
  if (!callerId) return fail('not_signed_in', 'Sign in to invite people');

  const sql = db();
  const [caller] = await sql<{ role: string }[]>`
    select role from public.memberships
    where organization_id = ${input.organization_id} and user_id = ${callerId}`;
  const callerRole = isRole(caller?.role) ? caller.role : null;
  if (!callerRole || !roleAtLeast(callerRole, 'admin')) {
    return fail('forbidden', 'Only owners and admins of the organization can invite people');
  }
  if (!assignableRoles(callerRole).includes(input.role)) {
    return fail('forbidden', 'Only owners can invite owners');
  }

  let userId = await userIdOf(input.email);
  if (userId) {
    const [member] = await sql`
      select 1 from public.memberships
      where organization_id = ${input.organization_id} and user_id = ${userId}`;
    if (member) return fail('already_member', `${input.email} is already a member`);
  }
  const invited = !userId;
  if (!userId) {
    const sent = await sendInvite(input.email, input.redirect_to);
    if ('problem' in sent) return fail('invite_failed', sent.problem);
    userId = sent.id;
  }

  // As the caller: RLS decides, the audit log names them.
  const response = await fetch(`${requireEnv('SUPABASE_URL')}/rest/v1/memberships`, {
    method: 'POST',
    headers: {
      apikey: publishableKey(),
      authorization: `Bearer ${bearer(request)}`,
      'content-type': 'application/json',
      prefer: 'return=minimal',
    },
    body: JSON.stringify({
      organization_id: input.organization_id,
      user_id: userId,
      role: input.role,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) {
    const answer = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
    if (answer.code === '23505')
      return fail('already_member', `${input.email} is already a member`);
    if (response.status === 401 || response.status === 403 || answer.code === '42501') {
      return fail('forbidden', 'You may not add this member');
    }
    throw new Error(`membership insert: HTTP ${response.status} ${answer.message ?? ''}`);
  }
  await response.body?.cancel();
  return json(201, { user_id: userId, email: input.email, role: input.role, invited });
}

async function userIdOf(email: string): Promise<string | null> {
  const [row] = await db()<{ id: string }[]>`
    select id from auth.users where lower(email) = ${email} and deleted_at is null`;
  return row?.id ?? null;
}

/** Supabase Auth's admin invite (POST /auth/v1/invite): creates the user and mails the link. */
async function sendInvite(
  email: string,
  redirectTo: string | undefined,
): Promise<{ id: string } | { problem: string }> {
  const key = secretKey();
  const query = redirectTo ? `?${new URLSearchParams({ redirect_to: redirectTo })}` : '';
  const response = await fetch(`${requireEnv('SUPABASE_URL')}/auth/v1/invite${query}`, {
    method: 'POST',
    headers: { apikey: key, authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
    signal: AbortSignal.timeout(15_000),
  });
  const answer = (await response.json().catch(() => ({}))) as {
    id?: string;
    code?: string;
    error_code?: string;
    msg?: string;
    message?: string;
  };
  if (response.ok && typeof answer.id === 'string') return { id: answer.id };
  // Signed up between our look-up and the invite: they just get the membership.
  if ((answer.code ?? answer.error_code) === 'email_exists') {
    const id = await userIdOf(email);
    if (id) return { id };
  }
  console.error(`team-invite: auth invite HTTP ${response.status} ${answer.msg ?? answer.message}`);
  return {
    problem: `The invitation email could not be sent: ${answer.msg ?? answer.message ?? `HTTP ${response.status}`}`,
  };
}
