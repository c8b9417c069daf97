// The team-invite edge function through the gateway, with the caller's JWT as the admin app
// sends it (supabase.functions.invoke), and the team_members RPC the team screen lists. An
// invitation is only an invitation: nobody is a member until they accept it
// (team-invite-consent.test.ts has the attacker's side).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { mailsTo, openInvitation } from '../support/mail.ts';
import { stackInfo } from '../support/stack.ts';
import { clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

const { supabaseUrl, publishableKey, adminUrl } = stackInfo();

function invite(user: Pick<TestUser, 'accessToken'> | null, body: unknown) {
  return fetch(`${supabaseUrl}/functions/v1/team-invite`, {
    method: 'POST',
    headers: {
      apikey: publishableKey,
      'content-type': 'application/json',
      ...(user ? { authorization: `Bearer ${user.accessToken}` } : {}),
    },
    body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
}

const newEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@team.test`;
const sql = () => ownerSql();
const usersWith = async (email: string) =>
  Number((await sql()`select count(*) as n from auth.users where email = ${email}`)[0].n);

let owner: TestUser, admin: TestUser, agent: TestUser, outsider: TestUser;
let organizationId: string;

beforeAll(async () => {
  [owner, admin, agent, outsider] = await Promise.all([
    createTestUser('team-owner'),
    createTestUser('team-admin'),
    createTestUser('team-agent'),
    createTestUser('team-outsider'),
  ]);
  const created = await clientAs(owner).rpc('create_organization', { p_name: 'Team test' });
  organizationId = created.data as string;
  await sql()`insert into public.memberships (organization_id, user_id, role) values
    (${organizationId}, ${admin.id}, 'admin'), (${organizationId}, ${agent.id}, 'agent')`;
  const other = await clientAs(outsider).rpc('create_organization', { p_name: 'Elsewhere' });
  expect(other.error).toBeNull();
});

describe('team-invite', () => {
  it('lets an owner invite a new address: email with the accept link; a member once accepted', async () => {
    const email = newEmail('new-agent');
    const { data, error } = await clientAs(owner).functions.invoke('team-invite', {
      body: {
        organization_id: organizationId,
        email: `  ${email.toUpperCase()} `,
        role: 'agent',
        redirect_to: `${adminUrl}/accept`,
      },
    });
    expect(error).toBeNull();
    expect(Object.keys(data as object).sort()).toEqual([
      'email',
      'expires_at',
      'invitation_id',
      'role',
    ]);
    expect(data).toMatchObject({ email, role: 'agent' });
    const [{ id: userId }] = await sql()`select id from auth.users where email = ${email}`;

    const [mail] = await mailsTo(email);
    expect(mail.subject).toBe('You have been invited');
    const link = new URL(mail.links[0]);
    expect(link.searchParams.get('type')).toBe('invite');
    expect(link.searchParams.get('redirect_to')).toBe(`${adminUrl}/accept`);

    const membership = () => sql()`select role from public.memberships
                                   where organization_id = ${organizationId} and user_id = ${userId}`;
    expect(await membership()).toEqual([]);
    const invited = await clientAs(owner).rpc('team_invitations', {
      p_organization_id: organizationId,
    });
    expect(invited.data).toContainEqual(expect.objectContaining({ email, role: 'agent' }));

    // The invitee opens the link and accepts in the admin app (/accept).
    const invitee = await openInvitation(email);
    const mine = await clientAs(invitee).rpc('my_invitations');
    expect(mine.data).toEqual([
      expect.objectContaining({ organization_id: organizationId, role: 'agent' }),
    ]);
    const accepted = await clientAs(invitee).rpc('accept_invitation', {
      p_invitation_id: (data as { invitation_id: string }).invitation_id,
    });
    expect(accepted).toMatchObject({ error: null, data: { organization_id: organizationId } });
    expect(await membership()).toEqual([{ role: 'agent' }]);
    const audit = await sql()`select actor, action from public.audit_log
      where table_name = 'memberships' and new ->> 'user_id' = ${userId}`;
    expect(audit).toEqual([{ actor: userId, action: 'insert' }]);
    const invitationAudit = await sql()`select actor from public.audit_log
      where table_name = 'invitations' and new ->> 'email' = ${email}`;
    expect(invitationAudit).toEqual([{ actor: owner.id }]);

    const team = await clientAs(owner).rpc('team_members', { p_organization_id: organizationId });
    expect(team.error).toBeNull();
    expect(team.data).toContainEqual(
      // Accepting through the link confirmed the address.
      expect.objectContaining({ user_id: userId, email, role: 'agent', invitation_pending: false }),
    );
    expect(team.data).toContainEqual(
      expect.objectContaining({ user_id: owner.id, role: 'owner', invitation_pending: false }),
    );
  });

  it('lets an admin invite admins and agents but not owners', async () => {
    const email = newEmail('by-admin');
    const ok = await invite(admin, { organization_id: organizationId, email, role: 'admin' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ email, role: 'admin' });

    const ownerEmail = newEmail('would-be-owner');
    const refused = await invite(admin, {
      organization_id: organizationId,
      email: ownerEmail,
      role: 'owner',
    });
    expect(refused).toEqual({
      status: 403,
      body: { error: 'forbidden', message: 'Only owners can invite owners' },
    });
    expect(await usersWith(ownerEmail)).toBe(0);
    expect(await mailsTo(ownerEmail)).toEqual([]);
  });

  it('refuses agents, outsiders and callers without a JWT, changing nothing', async () => {
    const email = newEmail('nope');
    for (const caller of [agent, outsider]) {
      const answer = await invite(caller, {
        organization_id: organizationId,
        email,
        role: 'agent',
      });
      expect(answer.status).toBe(403);
      expect(answer.body.error).toBe('forbidden');
    }
    const anonymous = await invite(null, { organization_id: organizationId, email, role: 'agent' });
    expect(anonymous.status).toBe(401);
    expect(await usersWith(email)).toBe(0);
    expect(await mailsTo(email)).toEqual([]);
  });

  it('gives an existing account a pending invitation, no email; a member is 409', async () => {
    const existing = await createTestUser('existing');
    const added = await invite(owner, {
      organization_id: organizationId,
      email: existing.email,
      role: 'admin',
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ email: existing.email, role: 'admin' });
    expect(await mailsTo(existing.email)).toEqual([]);
    const accepted = await clientAs(existing).rpc('accept_invitation', {
      p_invitation_id: added.body.invitation_id as string,
    });
    expect(accepted.error).toBeNull();
    const again = await invite(owner, {
      organization_id: organizationId,
      email: existing.email,
      role: 'agent',
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('already_member');
    const rows = await sql()`select role from public.memberships
      where organization_id = ${organizationId} and user_id = ${existing.id}`;
    expect(rows).toEqual([{ role: 'admin' }]);
  });

  it('answers bad input with 400 and the field, creating nobody', async () => {
    const email = newEmail('bad');
    const badRole = await invite(owner, { organization_id: organizationId, email, role: 'boss' });
    expect(badRole.status).toBe(400);
    expect(badRole.body).toEqual({
      error: 'invalid_request',
      message: 'role: role must be owner, admin or agent',
    });
    const badEmail = await invite(owner, {
      organization_id: organizationId,
      email: 'not an email',
      role: 'agent',
    });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.message).toBe('email: Enter a valid email address');
    expect(await usersWith(email)).toBe(0);
  });
});

describe('team_members', () => {
  it('is for owners and admins only', async () => {
    const asAdmin = await clientAs(admin).rpc('team_members', {
      p_organization_id: organizationId,
    });
    expect(asAdmin.error).toBeNull();
    expect((asAdmin.data as { email: string }[]).map((m) => m.email)).toContain(agent.email);
    for (const caller of [agent, outsider]) {
      const denied = await clientAs(caller).rpc('team_members', {
        p_organization_id: organizationId,
      });
      expect(denied.error?.code).toBe('42501');
    }
  });
});
