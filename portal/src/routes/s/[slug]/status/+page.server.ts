import { fail } from '@sveltejs/kit';
import { parseVoucherCode } from '$domain/voucher-code.ts';
import { orUnavailable } from '$lib/server/supabase.ts';
import { clientMac, controllerQuery, controllerVars } from '$lib/server/controller.ts';
import { loadSite } from '$lib/server/site-page.ts';
import { fetchVoucherStatus } from '$lib/server/voucher-status.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url, fetch, locals, setHeaders }) => {
  const { site } = await loadSite(params.slug, fetch, locals);
  setHeaders({ 'cache-control': 'no-store' });
  return { site, lang: locals.lang, vars: controllerQuery(controllerVars(url.searchParams)) };
};

export const actions: Actions = {
  // The code travels in the POST body only; the answer is rendered, never cached.
  default: async ({ request, params, fetch }) => {
    const form = await request.formData();
    const typed = form.get('code');
    const parsed = parseVoucherCode(typeof typed === 'string' ? typed.slice(0, 64) : '');
    const vars = controllerQuery(controllerVars(form));
    if (!parsed.ok) return fail(400, { codeError: parsed.reason, vars });
    // The device's MAC (from the controller's variables) tells customers behind one NAT apart.
    const mac = clientMac(controllerVars(form));
    const status = await orUnavailable(fetchVoucherStatus(params.slug, parsed.code, fetch, mac));
    return status.ok
      ? { status, vars }
      : fail(status.error === 'rate_limited' ? 429 : 404, { status, vars });
  },
};
