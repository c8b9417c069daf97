/**
 * What the portal server sends to start a payment (pay-start), validated with zod: the site and
 * plan, the phone as the customer typed it (normalised to E.164), what the hotspot controller
 * told the portal (router, client MAC), the client's address, the form's one-time idempotency key and the language.
 *
 * Pure TypeScript shared by the apps and the Deno edge functions: only `zod` may be imported.
 */
import * as z from 'zod';
import { DEFAULT_LANGUAGE, LANGUAGES, type Language } from './languages.ts';
import { normalizeMac } from './mac.ts';
import { kenyanPhone } from './phone.ts';

const mac = z.string().transform((value, ctx) => {
  const normal = normalizeMac(value);
  if (!normal) {
    ctx.addIssue({ code: 'custom', message: 'client_mac is not a MAC address', input: value });
    return z.NEVER;
  }
  return normal;
});

export const startPaymentInput = z.object({
  site_id: z.uuid({ error: 'site_id must be a UUID' }),
  plan_id: z.uuid({ error: 'plan_id must be a UUID' }),
  phone: kenyanPhone,
  router_id: z.uuid({ error: 'router_id must be a UUID' }).nullish(),
  client_mac: mac.nullish(),
  // The customer's public address as the portal's trusted proxy saw it (X-Forwarded-For): the
  // per-address cap. Behind a hotspot's NAT it is the whole site's address.
  // The hotspot's login address from its variables (link-login-only, uamip, gatewayaddress):
  // names the router (its login_host or nas_ip) when router_id is not given.
  login_host: z.string().max(253, { error: 'login_host is at most 253 characters' }).nullish(),
  client_ip: z.union([z.ipv4(), z.ipv6()], { error: 'client_ip must be an IP address' }).nullish(),
  idempotency_key: z
    .string({ error: 'idempotency_key is required' })
    .trim()
    .min(8, { error: 'idempotency_key must be 8-200 characters' })
    .max(200, { error: 'idempotency_key must be 8-200 characters' }),
  language: z.enum(LANGUAGES).default(DEFAULT_LANGUAGE),
});
export type StartPaymentInput = z.output<typeof startPaymentInput>;

/** Errors pay-start answers with: stable codes the portal translates, and messages in English
 * and Swahili (the customer's portal language picks one). */
export const START_ERRORS = {
  invalid_request: {
    status: 400,
    message: 'The payment request is incomplete or malformed.',
    message_sw: 'Ombi la malipo halijakamilika au lina hitilafu.',
  },
  invalid_phone: {
    status: 400,
    message: 'That is not a valid Kenyan mobile number. Enter it like 0712 345 678.',
    message_sw: 'Hiyo si nambari sahihi ya simu ya Kenya. Iandike kama 0712 345 678.',
  },
  plan_not_sold: {
    status: 404,
    message: 'This plan is not sold at this hotspot.',
    message_sw: 'Kifurushi hiki hakiuzwi kwenye hotspot hii.',
  },
  hotspot_unavailable: {
    status: 503,
    message: 'This hotspot is not selling internet right now. Ask the staff here.',
    message_sw: 'Hotspot hii haiuzi intaneti kwa sasa. Uliza wahudumu hapa.',
  },
  router_not_at_site: {
    status: 400,
    message: 'This router does not belong to this hotspot.',
    message_sw: 'Ruta hii si ya hotspot hii.',
  },
  not_configured: {
    status: 503,
    message: 'M-Pesa is not set up for this hotspot yet. Pay with a voucher instead.',
    message_sw: 'M-Pesa bado haijawekwa kwenye hotspot hii. Lipa kwa vocha badala yake.',
  },
  mpesa_unavailable: {
    status: 503,
    message: 'M-Pesa is not answering right now. Try again in a minute.',
    message_sw: 'M-Pesa haijibu kwa sasa. Jaribu tena baada ya dakika moja.',
  },
  already_pending: {
    status: 409,
    message:
      'Your payment request is already on your phone. Approve it there with your M-Pesa PIN; the voucher code also comes by SMS.',
    message_sw:
      'Ombi lako la malipo tayari liko kwenye simu yako. Liidhinishe kwa PIN yako ya M-Pesa; nambari ya vocha pia itakuja kwa SMS.',
  },
  too_soon: {
    status: 429,
    message: 'A payment request was just sent to this phone. Wait two minutes before trying again.',
    message_sw:
      'Ombi la malipo limetumwa kwa simu hii sasa hivi. Subiri dakika mbili kabla ya kujaribu tena.',
  },
  rate_limited: {
    status: 429,
    message: 'Too many attempts. Wait a few minutes and try again.',
    message_sw: 'Majaribio mengi mno. Subiri dakika chache kisha ujaribu tena.',
  },
  forbidden: {
    status: 403,
    message: 'Only the portal server or an admin may start payments.',
    message_sw: 'Ni seva ya portal au msimamizi tu wanaoweza kuanzisha malipo.',
  },
} as const;
export type StartError = keyof typeof START_ERRORS;

/** The message for an error code in the customer's language. */
export function startErrorMessage(code: StartError, language: Language = DEFAULT_LANGUAGE): string {
  const error = START_ERRORS[code];
  return language === 'sw' ? error.message_sw : error.message;
}
