import { fail } from '@sveltejs/kit';
import { normalizeKenyanPhone } from '$domain/phone.ts';
import { formatVoucherCode } from '$domain/voucher-code.ts';
import { recoverErrorKeys } from '$lib/errors.ts';
import { messages, phoneErrorKeys } from '$lib/messages.ts';
import { clientMac, controllerQuery, controllerVars } from '$lib/server/controller.ts';
import { loginFor } from '$lib/server/login.ts';
import { recoverVoucher } from '$lib/server/payments.ts';
import { loadSite } from '$lib/server/site-page.ts';
import { orUnavailable } from '$lib/server/supabase.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url, fetch, locals, setHeaders }) => {
  const { site } = await loadSite(params.slug, fetch, locals);
  setHeaders({ 'cache-control': 'no-store' });
  return { site, lang: locals.lang, vars: controllerQuery(controllerVars(url.searchParams)) };
};

export const actions: Actions = {
  // Receipt and phone travel in the POST body only; the voucher comes back in the page.
  default: async ({ request, url, params, fetch, locals }) => {
    const form = await request.formData();
    const vars = controllerVars(form);
    const query = controllerQuery(vars);
    const receipt = String(form.get('receipt') ?? '')
      .replace(/\s/g, '')
      .toUpperCase()
      .slice(0, 20);
    const typedPhone = String(form.get('phone') ?? '').slice(0, 32);
    const t = messages(locals.lang);
    const refused = (status: number, message: string) =>
      fail(status, { message, receipt, phone: typedPhone, vars: query });

    const phone = normalizeKenyanPhone(typedPhone);
    if (!phone.ok) return refused(400, t[phoneErrorKeys[phone.reason]]);
    if (!/^[A-Z0-9]{6,20}$/.test(receipt)) return refused(400, t.recoverNotFound);
    const found = await orUnavailable(
      recoverVoucher(params.slug, receipt, phone.e164, fetch, clientMac(vars)),
    );
    if (!found.ok) {
      // verifying: M-Pesa has not confirmed the payment yet; the form comes back filled, to be
      // sent again in a few seconds (no JavaScript needed).
      const status = { rate_limited: 429, amount_too_small: 402, not_found: 404, verifying: 409 }[
        found.error
      ];
      return refused(status, t[recoverErrorKeys[found.error]]);
    }
    const login = await loginFor(
      { url, request, locals, fetch },
      params.slug,
      vars,
      found.voucher_code,
    );
    return {
      code: formatVoucherCode(found.voucher_code),
      planName: found.plan_name,
      login,
      vars: query,
    };
  },
};
