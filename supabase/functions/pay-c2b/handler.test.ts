// Requests that are not C2B notifications of ours are refused before anything else happens.
import { assertEquals, request } from '../_shared/test-helpers.ts';
import { handlePayC2b } from './handler.ts';

Deno.test('pay-c2b refuses other methods, unknown paths and a register without JSON', async () => {
  assertEquals((await handlePayC2b(request('/pay-c2b/register'))).status, 405);
  const unknown = await handlePayC2b(
    request('/pay-c2b/3f9c1e7a-0000-4000-8000-000000000001/0000/refund', { method: 'POST' }),
  );
  assertEquals(unknown.status, 404);
  const register = await handlePayC2b(
    request('/pay-c2b/register', { method: 'POST', body: 'nope' }),
  );
  assertEquals(register.status, 400);
});

Deno.test('pay-c2b refuses a rotate or urls request without an organization id', async () => {
  for (const action of ['rotate', 'urls']) {
    const bad = await handlePayC2b(
      request(`/pay-c2b/${action}`, {
        method: 'POST',
        body: JSON.stringify({ organization_id: 'not-a-uuid' }),
      }),
    );
    assertEquals(bad.status, 400);
    assertEquals((await bad.json()).error, 'invalid_request');
  }
});
