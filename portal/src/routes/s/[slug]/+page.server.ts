import { redirect } from '@sveltejs/kit';
import { sitePath } from '$lib/messages.ts';
import { clientMac, controllerQuery, controllerVars } from '$lib/server/controller.ts';
import { resumablePayment } from '$lib/server/payments.ts';
import { loadSite } from '$lib/server/site-page.ts';
import { PortalBackendError } from '$lib/server/supabase.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url, fetch, locals, setHeaders }) => {
  // A refused login comes back here from the controller (MikroTik's `error`, CoovaChilli's
  // res=failed): the voucher page explains it and takes the code again.
  if (url.searchParams.get('error') || url.searchParams.get('res') === 'failed') {
    redirect(303, `${url.pathname.replace(/\/$/, '')}/voucher${url.search}`);
  }
  const { site, slug } = await loadSite(params.slug, fetch, locals);
  const vars = controllerQuery(controllerVars(url.searchParams));

  // The device is back (a mini-browser closed during the M-Pesa prompt, or the router sent it
  // round for a fresh login challenge): its payment, not the plans, unless it asked for plans.
  const mac = clientMac(controllerVars(url.searchParams));
  if (mac && url.searchParams.get('plans') === null) {
    const token = await resumablePayment(slug, mac, fetch).catch((err: unknown) => {
      if (!(err instanceof PortalBackendError)) throw err;
      console.error(err);
      return null;
    });
    if (token) redirect(303, sitePath(slug, `/p/${token}`, vars, locals.lang, [['via', 'router']]));
  }

  // Prices and plans change; a captive browser must not show yesterday's list.
  setHeaders({ 'cache-control': 'no-store' });
  return { site, lang: locals.lang, vars };
};
