// Invites someone into the caller's organization: a signed-in owner or admin sends
// {organization_id, email, role, redirect_to?}. public.invite_member (called with the caller's
// own JWT, so the database checks their role and the audit log names them) records a pending
// invitation; nobody becomes a member until they accept it in the admin app (/accept). A new
// address also gets Supabase Auth's invitation email (the auth admin API, the only use of the
// secret key here). The answer is the same whether or not the address has an account, so the
// function cannot be used to find out who has one.
import { z } from 'zod';
import { ROLES } from '../_shared/domain/roles.ts';
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

  // As the caller: invite_member checks their role, and the audit log names them.
  const response = await fetch(`${requireEnv('SUPABASE_URL')}/rest/v1/rpc/invite_member`, {
    method: 'POST',
    headers: {
      apikey: publishableKey(),
      authorization: `Bearer ${bearer(request)}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      p_organization_id: input.organization_id,
      p_email: input.email,
      p_role: input.role,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const refusal = REFUSALS[String(answer.hint)];
    if (refusal) return fail(refusal[0], refusal[1](input.email));
    if (response.status === 401) return fail('not_signed_in', 'Sign in to invite people');
    throw new Error(`invite_member: HTTP ${response.status} ${String(answer.message ?? '')}`);
  }

  // Only an address without a confirmed account gets mail (Auth's invitation, which makes the
  // account); a confirmed account finds the invitation in the admin app. Either way the answer
  // is the same.
  if (!(await hasConfirmedAccount(input.email))) {
    const sent = await sendInvite(input.email, input.redirect_to);
    if (sent) return fail('invite_failed', sent);
  }
  return json(201, {
    invitation_id: answer.invitation_id,
    email: input.email,
    role: input.role,
    expires_at: answer.expires_at,
  });
}

/** invite_member's refusals, by their stable code (hint), as this function's answers. */
const REFUSALS: Record<string, [Problem, (email: string) => string]> = {
  not_allowed: ['forbidden', () => 'Only owners and admins of the organization can invite people'],
  owners_invite_owners: ['forbidden', () => 'Only owners can invite owners'],
  already_member: ['already_member', (email) => `${email} is already a member`],
  email_invalid: ['invalid_request', () => 'email: Enter a valid email address'],
};

async function hasConfirmedAccount(email: string): Promise<boolean> {
  const [row] = await db()<{ ok: boolean }[]>`select private.account_confirmed(${email}) as ok`;
  return row?.ok === true;
}

/** Supabase Auth's admin invite (POST /auth/v1/invite): creates the user and mails the link. */
async function sendInvite(email: string, redirectTo: string | undefined): Promise<string | null> {
  const key = secretKey();
  const query = redirectTo ? `?${new URLSearchParams({ redirect_to: redirectTo })}` : '';
  const response = await fetch(`${requireEnv('SUPABASE_URL')}/auth/v1/invite${query}`, {
    method: 'POST',
    headers: { apikey: key, authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
    signal: AbortSignal.timeout(15_000),
  });
  const answer = (await response.json().catch(() => ({}))) as {
    code?: string;
    error_code?: string;
    msg?: string;
    message?: string;
  };
  // Signed up between our look-up and the invite: the pending invitation waits for them.
  if (response.ok || (answer.code ?? answer.error_code) === 'email_exists') return null;
  console.error(`team-invite: auth invite HTTP ${response.status} ${answer.msg ?? answer.message}`);
  return `The invitation email could not be sent: ${answer.msg ?? answer.message ?? `HTTP ${response.status}`}`;
}
