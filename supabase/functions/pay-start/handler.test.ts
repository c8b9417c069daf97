// Bad input is answered before the handler touches the database or the environment.
import { assertEquals, request } from '../_shared/test-helpers.ts';
import { handlePayStart } from './handler.ts';

const post = (body: string) => handlePayStart(request('/pay-start', { method: 'POST', body }));

Deno.test('pay-start refuses other methods', async () => {
  const response = await handlePayStart(request('/pay-start'));
  assertEquals(response.status, 405);
});

Deno.test('pay-start answers malformed JSON and invalid fields with 400 and a reason', async () => {
  const notJson = await post('{');
  assertEquals(notJson.status, 400);
  assertEquals((await notJson.json()).error, 'invalid_request');
  const missing = await post('{"phone":"0712345678"}');
  assertEquals(missing.status, 400);
  assertEquals((await missing.json()).error, 'invalid_request');
});

Deno.test('pay-start explains a bad phone number, in Swahili when asked', async () => {
  const body = {
    site_id: '3f9c1e7a-0000-4000-8000-000000000001',
    plan_id: '3f9c1e7a-0000-4000-8000-000000000002',
    phone: '020 123 4567',
    idempotency_key: 'form-12345678',
  };
  const english = await post(JSON.stringify(body));
  assertEquals(english.status, 400);
  const answer = await english.json();
  assertEquals(answer.error, 'invalid_phone');
  assertEquals(/Kenyan mobile number/.test(answer.message), true);
  const swahili = await (await post(JSON.stringify({ ...body, language: 'sw' }))).json();
  assertEquals(/nambari sahihi/.test(swahili.message), true);
});

Deno.test('pay-start refuses an oversized body with 413', async () => {
  const response = await post(JSON.stringify({ pad: 'x'.repeat(20_000) }));
  assertEquals(response.status, 413);
});

Deno.test('pay-start refuses a client_ip that is not an IP address', async () => {
  const response = await post(
    JSON.stringify({
      site_id: '3f9c1e7a-0000-4000-8000-000000000001',
      plan_id: '3f9c1e7a-0000-4000-8000-000000000002',
      phone: '0712345678',
      client_ip: '203.0.113.9, 10.0.0.1',
      idempotency_key: 'form-12345678',
    }),
  );
  assertEquals(response.status, 400);
  const answer = await response.json();
  assertEquals(answer.error, 'invalid_request');
  assertEquals(/client_ip/.test(answer.detail), true);
});
