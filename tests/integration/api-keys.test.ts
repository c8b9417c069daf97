// Supabase's current keys against the real stack: the publishable and secret API keys (opaque,
// swapped by the gateway for a short-lived JWT), sessions signed with the project's ES256 key
// (public half at /auth/v1/.well-known/jwks.json, verified by PostgREST and by the functions in
// code), and the legacy HS256 keys, still accepted side by side. Outsiders with forged or
// almost-right credentials are refused and change nothing.
import { createClient } from '@supabase/supabase-js';
import { randomUUID } from 'node:crypto';
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../../stack/jwt.ts';
import { stackInfo } from '../support/stack.ts';
import { client, clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

const { supabaseUrl, publishableKey, secretKey, anonKey, serviceRoleKey, jwtSecret, jwks } =
  stackInfo();
const rest = (path: string) => `${supabaseUrl}/rest/v1${path}`;
const fn = (name: string) => `${supabaseUrl}/functions/v1/${name}`;

/** The same key with its last character changed. */
const oneOff = (key: string) => key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');

/** A JWT signed with a key pair of the outsider's own, under the project's real `kid`. */
async function foreignEs256(claims: Record<string, unknown>): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: jwks.keys[0]!.kid })
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(privateKey);
}

let owner: TestUser;
let member: TestUser;
let organizationId: string;

beforeAll(async () => {
  [owner, member] = await Promise.all([
    createTestUser('keys-owner'),
    createTestUser('keys-member'),
  ]);
  const created = await clientAs(owner).rpc('create_organization', { p_name: 'Keys test' });
  expect(created.error).toBeNull();
  organizationId = created.data as string;
});

const sql = () => ownerSql();
const count = async (query: Promise<{ n: number }[]>) => (await query)[0]!.n;
const organizationsNamed = (name: string) =>
  count(sql()<{ n: number }[]>`select count(*)::int as n from public.organizations
                               where name = ${name}`);
const usersWith = (email: string) =>
  count(sql()<{ n: number }[]>`select count(*)::int as n from auth.users where email = ${email}`);
const membersOf = (id: string) =>
  count(sql()<{ n: number }[]>`select count(*)::int as n from public.memberships
                               where organization_id = ${id}`);

/** POST to PostgREST creating an organization, with the given credentials. */
const insertOrganization = (name: string, headers: Record<string, string>) =>
  fetch(rest('/organizations'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', prefer: 'return=minimal', ...headers },
    body: JSON.stringify({ name }),
  });

/** pay-reconcile re-checking a payment that does not exist: a read-only call. */
const reconcile = (headers: Record<string, string>) =>
  fetch(fn('pay-reconcile'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ payment_id: randomUUID() }),
  });

/** team-invite inviting `member` to the organization, with the given credentials. */
const inviteMember = (headers: Record<string, string>) =>
  fetch(fn('team-invite'), {
    method: 'POST',
    headers: { apikey: publishableKey, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ organization_id: organizationId, email: member.email, role: 'agent' }),
  });

describe('the new keys, as the apps use them', () => {
  it('are what stack.json hands out, and the JWKS holds public keys only', async () => {
    expect(publishableKey).toMatch(/^sb_publishable_/);
    expect(secretKey).toMatch(/^sb_secret_/);
    // No API key needed: whoever verifies sessions may read the public keys.
    const response = await fetch(`${supabaseUrl}/auth/v1/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    const served = (await response.json()) as JSONWebKeySet;
    expect(served).toEqual(jwks);
    expect(served.keys).toHaveLength(1);
    expect(served.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(served.keys[0]!.kid).toBeTruthy();
    expect(served.keys[0]).not.toHaveProperty('d');
  });

  it('signs sessions with ES256 under the JWKS kid; PostgREST honours them under RLS', async () => {
    const header = decodeProtectedHeader(owner.accessToken);
    expect(header).toMatchObject({ alg: 'ES256', kid: jwks.keys[0]!.kid });
    const { payload } = await jwtVerify(owner.accessToken, createLocalJWKSet(jwks));
    expect(payload).toMatchObject({ sub: owner.id, role: 'authenticated' });

    const mine = await clientAs(owner).from('organizations').select('id');
    expect(mine.error).toBeNull();
    expect(mine.data).toEqual([{ id: organizationId }]);
  });

  it('publishable key: the anon role, with or without supabase-js sending it as a bearer', async () => {
    const call = (headers: Record<string, string>) =>
      fetch(rest('/rpc/portal_site'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ p_slug: stackInfo().demo.siteSlug }),
      });
    expect((await call({ apikey: publishableKey })).status).toBe(200);
    const asBearer = await call({
      apikey: publishableKey,
      authorization: `Bearer ${publishableKey}`,
    });
    expect(asBearer.status).toBe(200);
    // Through supabase-js too, and it is the anon role: no organization for it.
    const anon = await client().from('organizations').select('id');
    expect(anon.error?.code).toBe('42501');
  });

  it('secret key: the service role for PostgREST, Auth admin and the functions', async () => {
    const service = client(secretKey);
    const all = await service.from('organizations').select('id').eq('id', organizationId);
    expect(all.data).toEqual([{ id: organizationId }]);
    const user = await service.auth.admin.getUserById(owner.id);
    expect(user.error).toBeNull();
    expect(user.data.user?.email).toBe(owner.email);

    // In `apikey`, as Supabase advises, or as a bearer token (older callers).
    const ways: Record<string, string>[] = [
      { apikey: secretKey },
      { authorization: `Bearer ${secretKey}` },
    ];
    for (const headers of ways) {
      const response = await reconcile(headers);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ checked: 0 });
    }
  });

  it('a function checks a user session itself (ES256, verified against the JWKS)', async () => {
    const response = await inviteMember({ authorization: `Bearer ${owner.accessToken}` });
    expect(response.status).toBe(201);
    // An invitation, not a membership: the member joins only by accepting it.
    expect(await response.json()).toMatchObject({ email: member.email, role: 'agent' });
    expect(await membersOf(organizationId)).toBe(1);
  });

  it("Supabase's verify_jwt refuses a valid ES256 session: the reason ours is off", async () => {
    const response = await fetch(fn('echo-private'), {
      headers: { authorization: `Bearer ${owner.accessToken}` },
    });
    expect(response.status).toBe(401);
  });
});

describe('outsiders are refused and change nothing', () => {
  it('an HS256 token signed with a guessed secret', async () => {
    const name = `Forged ${randomUUID()}`;
    const guessed = await signJwt(
      'super-secret-jwt-token-with-at-least-32-characters',
      {
        role: 'service_role',
      },
      600,
    );
    expect((await insertOrganization(name, { apikey: guessed })).status).toBe(401);
    const asBearer = await insertOrganization(name, {
      apikey: publishableKey,
      authorization: `Bearer ${guessed}`,
    });
    expect(asBearer.status).toBe(401);
    expect((await reconcile({ authorization: `Bearer ${guessed}` })).status).toBe(403);
    expect((await reconcile({ apikey: guessed })).status).toBe(403);
    const asOwner = await signJwt(
      'guessed-'.repeat(6),
      {
        sub: owner.id,
        role: 'authenticated',
        aud: 'authenticated',
      },
      600,
    );
    const before = await membersOf(organizationId);
    expect((await inviteMember({ authorization: `Bearer ${asOwner}` })).status).toBe(401);
    expect(await organizationsNamed(name)).toBe(0);
    expect(await membersOf(organizationId)).toBe(before);
  });

  it('an HS256 token signed with the public key as its secret (algorithm confusion)', async () => {
    const name = `Forged ${randomUUID()}`;
    const confused = await signJwt(JSON.stringify(jwks.keys[0]), { role: 'service_role' }, 600);
    const response = await insertOrganization(name, {
      apikey: publishableKey,
      authorization: `Bearer ${confused}`,
    });
    expect(response.status).toBe(401);
    expect((await reconcile({ authorization: `Bearer ${confused}` })).status).toBe(403);
    expect(await organizationsNamed(name)).toBe(0);
  });

  it('an ES256 token signed by a different key, under the real kid', async () => {
    const name = `Forged ${randomUUID()}`;
    const service = await foreignEs256({ role: 'service_role' });
    const asOwner = await foreignEs256({
      sub: owner.id,
      role: 'authenticated',
      aud: 'authenticated',
      session_id: randomUUID(),
    });
    for (const token of [service, asOwner]) {
      const response = await insertOrganization(name, {
        apikey: publishableKey,
        authorization: `Bearer ${token}`,
      });
      expect(response.status).toBe(401);
    }
    const user = await fetch(`${supabaseUrl}/auth/v1/user`, {
      headers: { apikey: publishableKey, authorization: `Bearer ${asOwner}` },
    });
    expect(user.status).toBe(403);
    expect((await reconcile({ authorization: `Bearer ${service}` })).status).toBe(403);
    const before = await membersOf(organizationId);
    expect((await inviteMember({ authorization: `Bearer ${asOwner}` })).status).toBe(401);
    expect(await organizationsNamed(name)).toBe(0);
    expect(await membersOf(organizationId)).toBe(before);
  });

  it('a secret key with one character changed', async () => {
    const name = `Forged ${randomUUID()}`;
    const wrong = oneOff(secretKey);
    expect(wrong).not.toBe(secretKey);
    const asKey = await insertOrganization(name, { apikey: wrong });
    expect(asKey.status).toBe(401);
    expect(await asKey.json()).toEqual({ message: 'Invalid API key' });
    const asBearer = await insertOrganization(name, {
      apikey: publishableKey,
      authorization: `Bearer ${wrong}`,
    });
    expect(asBearer.status).toBe(401);
    const email = `forged-${randomUUID().slice(0, 8)}@keys.test`;
    const created = await client(wrong).auth.admin.createUser({ email, password: 'pw-forged' });
    expect(created.error?.status).toBe(401);
    expect((await reconcile({ apikey: wrong })).status).toBe(403);
    expect((await reconcile({ authorization: `Bearer ${wrong}` })).status).toBe(403);
    expect(await organizationsNamed(name)).toBe(0);
    expect(await usersWith(email)).toBe(0);
  });

  it('the publishable key where the secret key is required', async () => {
    const name = `Forged ${randomUUID()}`;
    const email = `forged-${randomUUID().slice(0, 8)}@keys.test`;
    const created = await client().auth.admin.createUser({ email, password: 'pw-forged' });
    expect(created.error?.status).toBe(403);
    const invited = await client().auth.admin.inviteUserByEmail(email);
    expect(invited.error?.status).toBe(403);
    expect((await insertOrganization(name, { apikey: publishableKey })).status).toBe(401);
    const ways: Record<string, string>[] = [
      { apikey: publishableKey },
      { apikey: publishableKey, authorization: `Bearer ${publishableKey}` },
    ];
    for (const headers of ways) {
      expect((await reconcile(headers)).status).toBe(403);
      const sms = await fetch(fn('sms-dispatch'), { method: 'POST', headers, body: '{}' });
      expect(sms.status).toBe(403);
    }
    expect(await organizationsNamed(name)).toBe(0);
    expect(await usersWith(email)).toBe(0);
  });
});

// Legacy keys are proved on this same stack, accepted side by side with the new ones as on a
// hosted project in the middle of its move (rather than a second stack started in a legacy
// mode): one stack start less, and it shows both kinds working together.
describe('legacy HS256 keys still work while the project keeps them', () => {
  it('PostgREST with the anon and service_role JWTs, and a function with service_role', async () => {
    const anon = createClient(supabaseUrl, anonKey, { auth: { persistSession: false } });
    const site = await anon.rpc('portal_site', { p_slug: stackInfo().demo.siteSlug });
    expect(site.error).toBeNull();
    const service = createClient(supabaseUrl, serviceRoleKey, { auth: { persistSession: false } });
    const organization = await service.from('organizations').select('id').eq('id', organizationId);
    expect(organization.data).toEqual([{ id: organizationId }]);

    const response = await reconcile({ authorization: `Bearer ${serviceRoleKey}` });
    expect(response.status).toBe(200);
    // The legacy anon key is no service role.
    expect((await reconcile({ authorization: `Bearer ${anonKey}` })).status).toBe(403);
  });

  it('a session JWT signed with the legacy secret (issued before the switch) is honoured', async () => {
    const legacy = await signJwt(
      jwtSecret,
      {
        sub: owner.id,
        role: 'authenticated',
        aud: 'authenticated',
      },
      600,
    );
    const mine = await clientAs({ accessToken: legacy }).from('organizations').select('id');
    expect(mine.data).toEqual([{ id: organizationId }]);
  });
});
