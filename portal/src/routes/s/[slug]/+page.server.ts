import { redirect } from '@sveltejs/kit';
import { sitePath } from '$lib/messages.ts';
import { clientMac, controllerQuery, controllerVars } from '$lib/server/controller.ts';
import { rememberedPayment } from '$lib/server/payment-cookie.ts';
import { resumablePayment } from '$lib/server/payments.ts';
import { loadSite } from '$lib/server/site-page.ts';
import { PortalBackendError } from '$lib/server/supabase.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url, fetch, locals, cookies, setHeaders }) => {
  // A refused login comes back here from the controller (MikroTik's `error`, CoovaChilli's
  // res=failed): the voucher page explains it and takes the code again.
  if (url.searchParams.get('error') || url.searchParams.get('res') === 'failed') {
    redirect(303, `${url.pathname.replace(/\/$/, '')}/voucher${url.search}`);
  }
  const { site, slug } = await loadSite(params.slug, fetch, locals);
  const vars = controllerQuery(controllerVars(url.searchParams));

  // The device is back (a mini-browser closed during the M-Pesa prompt, or the router sent it
  // round for a fresh login challenge): the browser that started the payment goes back to it;
  // any other browser naming that MAC learns its status only (./payment-cookie.ts).
  const mac = clientMac(controllerVars(url.searchParams));
  let resumed: string | null = null;
  if (mac && url.searchParams.get('plans') === null) {
    const found = await resumablePayment(slug, mac, rememberedPayment(cookies), fetch).catch(
      (err: unknown) => {
        if (!(err instanceof PortalBackendError)) throw err;
        console.error(err);
        return null;
      },
    );
    if (found && 'token' in found) {
      redirect(303, sitePath(slug, `/p/${found.token}`, vars, locals.lang, [['via', 'router']]));
    }
    resumed = found?.status ?? null;
  }

  // Prices and plans change; a captive browser must not show yesterday's list.
  setHeaders({ 'cache-control': 'no-store' });
  return { site, lang: locals.lang, vars, resumed };
};
