import { describe, expect, it } from 'vitest';
import { signJwt } from '../../stack/jwt.ts';
import { stackInfo } from '../support/stack.ts';
import { createTestUser, ownerSql } from '../support/users.ts';

const { supabaseUrl, publishableKey, secretKey, anonKey, jwtSecret } = stackInfo();
const rest = (path: string) => `${supabaseUrl}/rest/v1${path}`;
const headers = (token: string, extra: Record<string, string> = {}) => ({
  apikey: publishableKey,
  authorization: `Bearer ${token}`,
  ...extra,
});

describe('gateway: one origin with Supabase paths', () => {
  it('answers CORS preflight for the headers supabase-js sends', async () => {
    const response = await fetch(rest('/plans'), {
      method: 'OPTIONS',
      headers: {
        origin: 'http://admin.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,apikey,content-type,x-client-info',
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toContain('apikey');
    expect(response.headers.get('access-control-allow-headers')).toContain('x-client-info');
  });

  it('adds CORS headers to proxied PostgREST responses', async () => {
    const response = await fetch(rest('/rpc/portal_site'), {
      method: 'POST',
      headers: headers(publishableKey, { 'content-type': 'application/json' }),
      body: JSON.stringify({ p_slug: 'no-such-site' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('refuses /rest and /auth without a project API key, or with a made-up one', async () => {
    const missing = await fetch(rest('/plans'));
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ message: 'No API key found in request' });
    const forged = await signJwt('x'.repeat(40), { role: 'service_role' }, 60);
    const invalid = await fetch(rest('/plans'), { headers: { apikey: forged } });
    expect(invalid.status).toBe(401);
    expect(await invalid.json()).toEqual({ message: 'Invalid API key' });
    const auth = await fetch(`${supabaseUrl}/auth/v1/user`);
    expect(auth.status).toBe(401);
  });

  it('unknown paths get a 404, not a proxy error', async () => {
    expect((await fetch(`${supabaseUrl}/storage/v1/bucket`)).status).toBe(404);
    expect((await fetch(`${supabaseUrl}/rest/v2/plans`)).status).toBe(404);
  });
});

describe('bad tokens get a clear 4xx and change nothing', () => {
  const insertOrganization = (token: string) =>
    fetch(rest('/organizations'), {
      method: 'POST',
      headers: headers(token, { 'content-type': 'application/json', prefer: 'return=minimal' }),
      body: JSON.stringify({ name: 'Forged Org' }),
    });

  async function forgedCount() {
    const [row] =
      await ownerSql()`select count(*)::int as n from public.organizations where name = 'Forged Org'`;
    return row.n as number;
  }

  it('malformed JWT', async () => {
    const response = await insertOrganization('not.a.jwt');
    expect(response.status).toBe(401);
    expect(await forgedCount()).toBe(0);
  });

  it('JWT signed with another secret, claiming service_role', async () => {
    const token = await signJwt('y'.repeat(40), { role: 'service_role' }, 60);
    const response = await insertOrganization(token);
    expect(response.status).toBe(401);
    expect(await forgedCount()).toBe(0);
  });

  it('expired JWT of a real user', async () => {
    const user = await createTestUser('expired');
    const token = await signJwt(
      jwtSecret,
      { sub: user.id, role: 'authenticated', aud: 'authenticated' },
      -120,
    );
    const response = await insertOrganization(token);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toMatch(/expired/i);
    expect(await forgedCount()).toBe(0);
  });

  it('JWT with a role that does not exist', async () => {
    const token = await signJwt(jwtSecret, { role: 'supabase_admin' }, 60);
    const response = await insertOrganization(token);
    expect([400, 401, 403]).toContain(response.status);
    expect(await forgedCount()).toBe(0);
  });

  it('an oversized body is refused with 413 before it reaches the database', async () => {
    const big = JSON.stringify({ name: 'Forged Org', pad: 'x'.repeat(2 * 1024 * 1024) });
    const response = await fetch(rest('/organizations'), {
      method: 'POST',
      headers: headers(secretKey, { 'content-type': 'application/json' }),
      body: big,
    });
    expect(response.status).toBe(413);
    expect(await forgedCount()).toBe(0);
  });

  it('an oversized chunked body is refused too', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(256 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(`${supabaseUrl}/functions/v1/echo-public`, {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });
});

describe('edge functions run in real Deno behind /functions/v1', () => {
  it('a verify_jwt function refuses calls without a valid JWT', async () => {
    const missing = await fetch(`${supabaseUrl}/functions/v1/echo-private`, { method: 'POST' });
    expect(missing.status).toBe(401);
    const forged = await signJwt('z'.repeat(40), { role: 'anon' }, 60);
    const bad = await fetch(`${supabaseUrl}/functions/v1/echo-private`, {
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(bad.status).toBe(401);
  });

  // Supabase's verify_jwt knows only legacy HS256 JWTs (our own functions turn it off).
  it('a verify_jwt function answers with the legacy anon key', async () => {
    const response = await fetch(`${supabaseUrl}/functions/v1/echo-private/sub/path?q=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${anonKey}` },
      body: 'hello',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      method: 'POST',
      path: '/echo-private/sub/path',
      body: 'hello',
      hasSecretKeys: true,
    });
    expect(String(body.deno)).toMatch(/^2\./);
  });

  it('a verify_jwt = false function is public', async () => {
    const response = await fetch(`${supabaseUrl}/functions/v1/echo-public`);
    expect(response.status).toBe(200);
  });

  it('an unknown function is a 404', async () => {
    const response = await fetch(`${supabaseUrl}/functions/v1/nope`, {
      headers: { authorization: `Bearer ${anonKey}` },
    });
    expect(response.status).toBe(404);
  });
});
