// Requests that are not Transaction Status results of ours are refused before anything else.
import { assertEquals, request } from '../_shared/test-helpers.ts';
import { handlePayVerify, receiptFromHex, receiptToHex } from './handler.ts';

Deno.test('pay-verify refuses other methods and unknown paths', async () => {
  assertEquals((await handlePayVerify(request('/pay-verify'))).status, 405);
  const org = '3f9c1e7a-0000-4000-8000-000000000001';
  const unknown = await handlePayVerify(
    request(`/pay-verify/${org}/${receiptToHex('TAB1234567')}/${'0'.repeat(32)}/refund`, {
      method: 'POST',
    }),
  );
  assertEquals(unknown.status, 404);
  const notReceipt = await handlePayVerify(
    request(`/pay-verify/${org}/${receiptToHex('ab')}/${'0'.repeat(32)}/result`, {
      method: 'POST',
    }),
  );
  assertEquals(notReceipt.status, 404);
});

Deno.test('receipts travel hex-encoded, so a URL never spells a refused word', () => {
  assertEquals(receiptToHex('TEXE123456'), '54455845313233343536');
  assertEquals(receiptFromHex(receiptToHex('TEXE123456')), 'TEXE123456');
  assertEquals(receiptFromHex('zz'), null);
  assertEquals(receiptFromHex(receiptToHex('lower12345')), null);
});
