import { env } from '$env/dynamic/private';
import { formatVoucherCode } from '$domain/voucher-code.ts';
import { sitePath } from '$lib/messages.ts';
import {
  controllerLogin,
  controllerQuery,
  controllerVars,
  detectController,
  forPage,
  freshChallengeLogin,
  isHttpsPage,
} from '$lib/server/controller.ts';
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
  let login = null;
  if (code) {
    const controller = detectController(vars);
    // Arrived straight from the router (resume): its challenge is fresh, log in with it.
    const fromRouter = url.searchParams.get('via') === 'router';
    login = forPage(
      (!fromRouter && freshChallengeLogin(controller, vars)) ||
        controllerLogin(controller, code, vars, {
          uamsecret: env.PORTAL_UAM_SECRET || undefined,
          dst: new URL(sitePath(slug, `/p/${params.token}/connected`, [], locals.lang), url).href,
        }),
      isHttpsPage(url, request.headers),
    );
  }
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
    login,
  };
};
