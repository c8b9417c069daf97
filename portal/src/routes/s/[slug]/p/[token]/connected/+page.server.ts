import { error } from '@sveltejs/kit';
import { loadPayment } from '$lib/server/payments.ts';
import { loadSite } from '$lib/server/site-page.ts';
import { orUnavailable } from '$lib/server/supabase.ts';
import { fetchVoucherStatus } from '$lib/server/voucher-status.ts';
import type { PageServerLoad } from './$types';

/** Where the router sends the browser after the login: what is left on the plan just bought. */
export const load: PageServerLoad = async ({ params, fetch, locals, setHeaders }) => {
  const { site, slug } = await loadSite(params.slug, fetch, locals);
  const payment = await loadPayment(params.token, fetch);
  if (payment.status !== 'success' || !payment.voucher_code) {
    error(404, { message: 'Unknown payment' });
  }
  setHeaders({ 'cache-control': 'no-store, private' });
  const left = await orUnavailable(fetchVoucherStatus(slug, payment.voucher_code, fetch));
  return { site, lang: locals.lang, code: payment.voucher_code, left: left.ok ? left : null };
};
