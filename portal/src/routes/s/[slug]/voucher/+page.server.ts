import { fail } from '@sveltejs/kit';
import { formatVoucherCode, parseVoucherCode } from '$domain/voucher-code.ts';
import { classifyLoginError } from '$lib/login-errors.ts';
import { controllerQuery, controllerVars, detectController } from '$lib/server/controller.ts';
import { voucherRefusal } from '$lib/server/voucher-status.ts';
import { loginFor } from '$lib/server/login.ts';
import { loadSite } from '$lib/server/site-page.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url, fetch, locals, setHeaders }) => {
  const { site } = await loadSite(params.slug, fetch, locals);
  const query = url.searchParams;
  // MikroTik's login page passes its `$(error)`; CoovaChilli says `res=failed` with `reply`.
  const raw =
    query.get('error') || (query.get('res') === 'failed' ? query.get('reply') || 'failed' : '');
  setHeaders({ 'cache-control': 'no-store' });
  return {
    site,
    lang: locals.lang,
    vars: controllerQuery(controllerVars(query)),
    loginError: raw ? classifyLoginError(raw.slice(0, 200)) : null,
  };
};

export const actions: Actions = {
  default: async ({ request, url, params, fetch, locals }) => {
    const form = await request.formData();
    const typed = form.get('code');
    const parsed = parseVoucherCode(typeof typed === 'string' ? typed.slice(0, 64) : '');
    const vars = controllerVars(form);
    // The controller's variables came in the form: the page rendered next must keep them.
    if (!parsed.ok) return fail(400, { codeError: parsed.reason, vars: controllerQuery(vars) });
    // openNDS asks no RADIUS server: the portal is the one that refuses a code.
    if (detectController(vars).kind === 'opennds') {
      const refusal = await voucherRefusal(params.slug, parsed.code, fetch);
      if (refusal) return fail(403, { loginError: refusal, vars: controllerQuery(vars) });
    }
    const login = await loginFor({ url, request, locals, fetch }, params.slug, vars, parsed.code);
    return { code: formatVoucherCode(parsed.code), login, vars: controllerQuery(vars) };
  },
};
