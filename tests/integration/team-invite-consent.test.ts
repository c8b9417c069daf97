// Invitations as an attacker uses them (SECURITY.md): an owner probing whether an address has an
// account, or enrolling someone into their organization without consent; the invitee stealing
// another address's invitation. The legitimate path: the existing user accepts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { mailsTo } from '../support/mail.ts';
import { stackInfo } from '../support/stack.ts';
import { clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

const { supabaseUrl, publishableKey, adminUrl } = stackInfo();
const sql = () => ownerSql();

function invite(user: TestUser, body: unknown) {
  return fetch(`${supabaseUrl}/functions/v1/team-invite`, {
    method: 'POST',
    headers: {
      apikey: publishableKey,
      'content-type': 'application/json',
      authorization: `Bearer ${user.accessToken}`,
    },
    body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
}

/** The reply with its values replaced by their JSON types: what an observer could compare. */
const shape = (answer: { status: number; body: Record<string, unknown> }) => ({
  status: answer.status,
  body: Object.fromEntries(Object.entries(answer.body).map(([k, v]) => [k, typeof v])),
});

let owner: TestUser, existing: TestUser, bystander: TestUser;
let organizationId: string;

beforeAll(async () => {
  [owner, existing, bystander] = await Promise.all([
    createTestUser('consent-owner'),
    createTestUser('consent-existing'),
    createTestUser('consent-bystander'),
  ]);
  const created = await clientAs(owner).rpc('create_organization', { p_name: 'Consent test' });
  organizationId = created.data as string;
});

const isMember = async (user: TestUser) =>
  (
    await sql()`select 1 from public.memberships
              where organization_id = ${organizationId} and user_id = ${user.id}`
  ).length === 1;

describe('an owner inviting an address', () => {
  it('cannot tell whether the address has an account, and enrols no one', async () => {
    const fresh = `fresh-${randomUUID().slice(0, 8)}@consent.test`;
    const body = (email: string) => ({
      organization_id: organizationId,
      email,
      role: 'admin',
      redirect_to: `${adminUrl}/accept`,
    });
    const toExisting = await invite(owner, body(existing.email));
    const toFresh = await invite(owner, body(fresh));
    expect(shape(toExisting)).toEqual(shape(toFresh));
    expect(shape(toExisting)).toEqual({
      status: 201,
      body: { invitation_id: 'string', email: 'string', role: 'string', expires_at: 'string' },
    });
    // Same keys and no account id: nothing says who already had an account.
    expect(toExisting.body).not.toHaveProperty('user_id');
    expect(toExisting.body).not.toHaveProperty('invited');

    // The existing user is not a member until they accept; the new address got Auth's email.
    expect(await isMember(existing)).toBe(false);
    expect(await mailsTo(fresh)).toHaveLength(1);
    const team = await clientAs(owner).rpc('team_members', { p_organization_id: organizationId });
    expect((team.data as { email: string }[]).map((m) => m.email)).not.toContain(existing.email);
  });

  it('cannot make the invitation accept itself: only the addressee accepts, unexpired', async () => {
    const sent = await invite(owner, {
      organization_id: organizationId,
      email: existing.email,
      role: 'agent',
    });
    const invitationId = sent.body.invitation_id as string;
    // Not the owner, not anyone else signed in.
    for (const caller of [owner, bystander]) {
      const stolen = await clientAs(caller).rpc('accept_invitation', {
        p_invitation_id: invitationId,
      });
      expect(stolen.error).toMatchObject({ code: '42501', hint: 'invitation_not_found' });
    }
    expect(await isMember(bystander)).toBe(false);
    expect((await clientAs(bystander).rpc('my_invitations')).data).toEqual([]);

    // An expired invitation enrols nobody either.
    await sql()`update private.invitations set expires_at = now() - interval '1 second'
                where id = ${invitationId}`;
    const late = await clientAs(existing).rpc('accept_invitation', {
      p_invitation_id: invitationId,
    });
    expect(late.error?.hint).toBe('invitation_not_found');
    expect(await isMember(existing)).toBe(false);
  });

  it('the existing user sees the invitation and joins by accepting it', async () => {
    const sent = await invite(owner, {
      organization_id: organizationId,
      email: existing.email.toUpperCase(),
      role: 'agent',
    });
    expect(sent.status).toBe(201);
    const mine = await clientAs(existing).rpc('my_invitations');
    expect(mine.data).toEqual([
      expect.objectContaining({
        invitation_id: sent.body.invitation_id,
        organization_id: organizationId,
        organization_name: 'Consent test',
        role: 'agent',
      }),
    ]);
    const accepted = await clientAs(existing).rpc('accept_invitation', {
      p_invitation_id: sent.body.invitation_id as string,
    });
    expect(accepted).toMatchObject({
      error: null,
      data: { organization_id: organizationId, role: 'agent' },
    });
    expect(await isMember(existing)).toBe(true);
    // Used up: a second accept finds nothing.
    const twice = await clientAs(existing).rpc('accept_invitation', {
      p_invitation_id: sent.body.invitation_id as string,
    });
    expect(twice.error?.hint).toBe('invitation_not_found');
  });
});
