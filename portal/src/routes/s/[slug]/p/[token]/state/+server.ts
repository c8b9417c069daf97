import { json } from '@sveltejs/kit';
import { loadPayment } from '$lib/server/payments.ts';
import type { RequestHandler } from './$types';

/** The payment's status alone, for the waiting page's script (the voucher stays in the page). */
export const GET: RequestHandler = async ({ params, fetch }) => {
  const payment = await loadPayment(params.token, fetch);
  return json({ status: payment.status }, { headers: { 'cache-control': 'no-store' } });
};
