import { formatVoucherCode } from '$domain/voucher-code.ts';
import { sitePath } from '$lib/messages.ts';
import { controllerQuery, controllerVars } from '$lib/server/controller.ts';
import { loginFor } from '$lib/server/login.ts';
import { loadPayment } from '$lib/server/payments.ts';
import { loadSite } from '$lib/server/site-page.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url, request, fetch, locals, setHeaders }) => {
  const { site, slug } = await loadSite(params.slug, fetch, locals);
  const payment = await loadPayment(params.token, fetch);
  // Carries the voucher once paid: never cached, by the browser or anyone in between.
  setHeaders({ 'cache-control': 'no-store, private' });
  const vars = controllerVars(url.searchParams);
  const query = controllerQuery(vars);
  const code = payment.status === 'success' ? payment.voucher_code : null;
  // Straight from the router (resume) the challenge is fresh; after polling it may not be.
  const login =
    code &&
    (await loginFor({ url, request, locals, fetch }, slug, vars, code, {
      fresh: url.searchParams.get('via') !== 'router',
      dst: new URL(sitePath(slug, `/p/${params.token}/connected`, [], locals.lang), url).href,
    }));
  return {
    site,
    lang: locals.lang,
    vars: query,
    payment: {
      status: payment.status,
      amount_kes: payment.amount_kes,
      plan_id: payment.plan_id,
      plan_name: payment.plan_name,
      result_code: payment.result_code,
    },
    code: code && formatVoucherCode(code),
    login: login || null,
  };
};
