import { error, fail, redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { normalizeKenyanPhone } from '$domain/phone.ts';
import { normalizeMac } from '$domain/mac.ts';
import { messages, phoneErrorKeys, sitePath } from '$lib/messages.ts';
import { clientMac, controllerQuery, controllerVars, isHttpsPage } from '$lib/server/controller.ts';
import { rememberPayment, rememberedPayment } from '$lib/server/payment-cookie.ts';
import { loginHost, startPayment } from '$lib/server/payments.ts';
import { loadSite } from '$lib/server/site-page.ts';
import { orUnavailable } from '$lib/server/supabase.ts';
import type { Actions, PageServerLoad } from './$types';

async function loadPlan(
  params: { slug: string; plan: string },
  fetch: typeof globalThis.fetch,
  locals: App.Locals,
) {
  const { site, slug } = await loadSite(params.slug, fetch, locals);
  const plan = site.plans.find((p) => p.id === params.plan);
  if (!plan) error(404, { message: 'Plan not sold here' });
  return { site, slug, plan };
}

export const load: PageServerLoad = async ({ params, url, fetch, locals, setHeaders }) => {
  const { site, plan } = await loadPlan(params, fetch, locals);
  setHeaders({ 'cache-control': 'no-store' });
  return {
    site,
    plan,
    lang: locals.lang,
    vars: controllerQuery(controllerVars(url.searchParams)),
    // One key per rendered form: a double tap or a re-sent form is the same payment.
    key: randomUUID(),
  };
};

export const actions: Actions = {
  default: async ({ request, params, fetch, locals, cookies, url }) => {
    const form = await request.formData();
    const controller = controllerVars(form);
    const vars = controllerQuery(controller);
    const typed = String(form.get('phone') ?? '').slice(0, 32);
    const key = String(form.get('key') ?? '');
    const { site, slug, plan } = await loadPlan(params, fetch, locals);
    const refused = (status: number, message: string) =>
      fail(status, { phone: typed, message, vars });

    const phone = normalizeKenyanPhone(typed);
    if (!phone.ok) return refused(400, messages(locals.lang)[phoneErrorKeys[phone.reason]]);
    const outcome = await orUnavailable(
      startPayment(
        {
          site_id: site.id,
          plan_id: plan.id,
          phone: phone.e164,
          login_host: loginHost(controller),
          client_mac: normalizeMac(clientMac(controller) ?? ''),
          idempotency_key: key,
          language: locals.lang,
        },
        fetch,
      ),
    );
    if (outcome.ok) {
      rememberPayment(cookies, outcome.token, isHttpsPage(url, request.headers));
      redirect(303, sitePath(slug, `/p/${outcome.token}`, vars, locals.lang));
    }
    // Pay tapped again on a new form: the browser that started the waiting payment goes back
    // to it; pay-start never hands it to another request.
    const remembered = rememberedPayment(cookies);
    if (outcome.error === 'already_pending' && remembered) {
      redirect(303, sitePath(slug, `/p/${remembered}`, vars, locals.lang));
    }
    return refused(outcome.status, outcome.message);
  },
};
