// Bad input and unsigned callers are answered before the handler touches the database, Supabase
// Auth or the environment.
import { assertEquals, request } from '../_shared/test-helpers.ts';
import { handleTeamInvite } from './handler.ts';

const valid = {
  organization_id: '3f9c1e7a-0000-4000-8000-000000000001',
  email: 'New.Agent@Example.test',
  role: 'agent',
};
const post = (body: string, headers: Record<string, string> = {}) =>
  handleTeamInvite(request('/team-invite', { method: 'POST', body, headers }));

Deno.test('team-invite refuses other methods', async () => {
  const response = await handleTeamInvite(request('/team-invite'));
  assertEquals(response.status, 405);
  assertEquals((await response.json()).error, 'method_not_allowed');
});

Deno.test('team-invite answers malformed JSON with 400', async () => {
  const response = await post('{');
  assertEquals(response.status, 400);
  assertEquals(await response.json(), {
    error: 'invalid_request',
    message: 'The body is not JSON',
  });
});

Deno.test('team-invite names each invalid field', async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...valid, email: 'not-an-email' }, /^email: Enter a valid email address$/],
    [{ ...valid, role: 'boss' }, /^role: role must be owner, admin or agent$/],
    [{ ...valid, organization_id: 'abc' }, /^organization_id: organization_id must be a UUID$/],
    [{ ...valid, redirect_to: 'nowhere' }, /^redirect_to: redirect_to must be a URL$/],
    [{}, /organization_id: .*; email: .*; role: /],
  ];
  for (const [body, message] of cases) {
    const response = await post(JSON.stringify(body));
    assertEquals(response.status, 400, JSON.stringify(body));
    const answer = await response.json();
    assertEquals(answer.error, 'invalid_request');
    assertEquals(message.test(answer.message), true, answer.message);
  }
});

Deno.test('team-invite needs a signed-in caller', async () => {
  const response = await post(JSON.stringify(valid));
  assertEquals(response.status, 401);
  assertEquals((await response.json()).error, 'not_signed_in');
});

Deno.test('team-invite refuses an oversized body with 413', async () => {
  const response = await post(JSON.stringify({ ...valid, pad: 'x'.repeat(20_000) }));
  assertEquals(response.status, 413);
});
