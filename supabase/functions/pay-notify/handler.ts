// Daraja's STK callback. Public (verify_jwt = false: Safaricom sends no JWT) but authenticated
// its own way: the URL is /pay-notify/<payment id>/<HMAC token> and the token is checked in
// constant time before anything else, so a leaked URL forges nothing about other payments.
// A real callback's raw body is stored first; settlement is one SQL function in one transaction
// (private.pay_callback → private.settle_payment). Junk (forged, malformed, oversized, or a URL
// whose payment settled more than the platform's callback_url_hours ago) is only counted per
// hour, with a small sample (private.callback_junk), so a flood leaves no rows behind. Answers
// Daraja's acknowledgement right after the transaction commits and does no work after answering.
import { parseCallbackPath, verifyCallbackToken } from '../_shared/domain/callback-token.ts';
import { parseStkCallback } from '../_shared/domain/daraja.ts';
import { db } from '../_shared/db.ts';
import { requireEnv } from '../_shared/env.ts';
import { json, readLimited } from '../_shared/http.ts';

/** Largest callback body accepted (real ones are well under 2 KiB). */
export const MAX_CALLBACK_BYTES = 16 * 1024;

const ACCEPTED = { ResultCode: 0, ResultDesc: 'Accepted' };

/** The Deno.serve handler of pay-notify. With the database unreachable it answers 503 and
 * stores nothing; the payment stays pending and the reconciler settles it once it is back. */
export async function handlePayNotify(request: Request): Promise<Response> {
  try {
    return await notify(request);
  } catch (error) {
    console.error(`pay-notify: ${(error as Error).message}`);
    return json(503, { ResultCode: 1, ResultDesc: 'Temporarily unavailable' });
  }
}

async function notify(request: Request): Promise<Response> {
  if (request.method !== 'POST') return json(405, { ResultCode: 1, ResultDesc: 'Use POST' });
  const target = parseCallbackPath(new URL(request.url).pathname);
  if (!target) {
    await request.body?.cancel();
    return json(404, { ResultCode: 1, ResultDesc: 'Not found' });
  }
  const sql = db();
  const genuine = await verifyCallbackToken(
    requireEnv('PAY_CALLBACK_SECRET'),
    target.paymentId,
    target.token,
  );
  const body = await readLimited(request, MAX_CALLBACK_BYTES);
  if (!genuine) {
    console.warn(`pay-notify: forged token for payment ${target.paymentId}`);
    await record(target.paymentId, (body ?? '').slice(0, 1024), 'forged');
    return json(403, { ResultCode: 1, ResultDesc: 'Rejected' });
  }
  if (body === null) {
    console.warn(`pay-notify: oversized callback for payment ${target.paymentId}`);
    await record(target.paymentId, '', 'oversized');
    return json(413, { ResultCode: 1, ResultDesc: 'Request body too large' });
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(body);
  } catch {
    console.warn(`pay-notify: malformed JSON for payment ${target.paymentId}`);
    await record(target.paymentId, body, 'malformed');
    return json(400, { ResultCode: 1, ResultDesc: 'Malformed JSON' });
  }
  const parsed = parseStkCallback(decoded);
  if (!parsed.ok) {
    console.warn(`pay-notify: unreadable callback for ${target.paymentId}: ${parsed.error}`);
    await record(target.paymentId, body, 'malformed');
    return json(400, { ResultCode: 1, ResultDesc: `Malformed callback: ${parsed.error}` });
  }
  const cb = parsed.value;
  const [row] = await sql<{ result: { outcome: string } }[]>`
    select private.pay_callback(${target.paymentId}, ${body}, 'received', ${sql.json({
      checkout_request_id: cb.checkoutRequestId,
      merchant_request_id: cb.merchantRequestId,
      result_code: cb.resultCode,
      result_desc: cb.resultDesc,
      amount: cb.amount,
      receipt: cb.receipt,
      phone: cb.phone,
    })}) as result`;
  const outcome = row!.result.outcome;
  if (outcome === 'expired') {
    console.warn(`pay-notify: callback for payment ${target.paymentId} after its URL expired`);
    return json(403, { ResultCode: 1, ResultDesc: 'Rejected' });
  }
  if (outcome === 'error' || outcome === 'mismatch' || outcome === 'unmatched') {
    console.warn(`pay-notify: payment ${target.paymentId}: ${JSON.stringify(row!.result)}`);
  }
  return json(200, ACCEPTED);
}

/** Counts a junk callback (private.pay_callback keeps no body beyond a small sample). */
async function record(paymentId: string, body: string, verdict: string): Promise<void> {
  await db()`select private.pay_callback(${paymentId}, ${body}, ${verdict}, null)`;
}
