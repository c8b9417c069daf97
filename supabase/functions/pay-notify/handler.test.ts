// Requests that are not callbacks of ours are refused before anything else happens.
import { assertEquals, request } from '../_shared/test-helpers.ts';
import { handlePayNotify } from './handler.ts';

Deno.test('pay-notify refuses other methods and unknown paths', async () => {
  const get = await handlePayNotify(request('/pay-notify/x'));
  assertEquals(get.status, 405);
  for (const path of [
    '/pay-notify',
    '/pay-notify/not-a-uuid/00000000000000000000000000000000',
    '/pay-notify/3f9c1e7a-0000-4000-8000-000000000001',
    '/pay-notify/3f9c1e7a-0000-4000-8000-000000000001/short',
  ]) {
    const response = await handlePayNotify(request(path, { method: 'POST', body: '{}' }));
    assertEquals(response.status, 404, path);
    assertEquals((await response.json()).ResultCode, 1, path);
  }
});
