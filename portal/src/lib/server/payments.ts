import { error } from '@sveltejs/kit';
import { z } from 'zod';
import type { Lang } from '$lib/language.ts';
import type { RpcReply } from '$contract/rpc-replies.ts';
import { clientAddress, clientKey } from './client.ts';
import { detectController, type ControllerVars } from './controller.ts';
import { callFunction, orUnavailable, rpc } from './supabase.ts';

/** The portal server's side of an M-Pesa payment: start it, follow it, resume it, recover it. */

const started = z.union([
  z.object({ payment_id: z.string(), status_token: z.string().regex(/^[0-9a-f]{32}$/) }),
  z.object({ error: z.string(), message: z.string() }),
]);

export type StartOutcome =
  { ok: true; token: string } | { ok: false; error: string; message: string; status: number };

/**
 * pay-start with what the form and the controller gave, and the client's address (adapter-node's,
 * from the proxy's X-Forwarded-For) for the per-address cap; its refusals come back in words.
 */
export async function startPayment(
  input: {
    site_id: string;
    plan_id: string;
    phone: string;
    login_host: string | null;
    client_mac: string | null;
    idempotency_key: string;
    language: Lang;
  },
  fetch: typeof globalThis.fetch,
): Promise<StartOutcome> {
  const body = { ...input, client_ip: clientAddress() };
  const answer = await callFunction('pay-start', body, started, fetch);
  if ('status_token' in answer.body) return { ok: true, token: answer.body.status_token };
  return { ok: false, status: answer.status, ...answer.body };
}

/** The host of the login address the hotspot's variables name: pay-start finds the router by it. */
export function loginHost(vars: ControllerVars): string | null {
  const controller = detectController(vars);
  const url =
    controller.kind === 'mikrotik'
      ? controller.loginUrl
      : controller.kind === 'coova'
        ? controller.logonUrl
        : controller.kind === 'opennds'
          ? controller.authUrl
          : null;
  try {
    return url ? new URL(url).hostname : null;
  } catch {
    return null;
  }
}

export type PaymentState = NonNullable<RpcReply<'payment_status'>>;

/** The payment behind a status token, or null for an unknown token. */
export function paymentStatus(
  token: string,
  fetch: typeof globalThis.fetch,
): Promise<PaymentState | null> {
  return rpc('payment_status', { p_token: token }, fetch);
}

/** The payment behind a token in the URL, or the same 404/503 pages as elsewhere. */
export async function loadPayment(token: string, fetch: typeof globalThis.fetch) {
  if (!/^[0-9a-f]{32}$/i.test(token)) error(404, { message: 'Unknown payment' });
  const payment = await orUnavailable(paymentStatus(token, fetch));
  if (!payment) error(404, { message: 'Unknown payment' });
  return payment;
}

/**
 * The payment this device came back for (pending, or paid and unused), by the controller's MAC:
 * {token} when this browser started it (its cookie holds that token), else {status} only.
 */
export async function resumablePayment(
  slug: string,
  mac: string,
  remembered: string | null,
  fetch: typeof globalThis.fetch,
): Promise<{ token: string } | { status: string } | null> {
  const answer = await rpc('portal_resume', { p_site_slug: slug, p_mac: mac }, fetch, 'portal');
  if (!answer) return null;
  return answer.status_token === remembered ? { token: remembered } : { status: answer.status };
}

export type Recovered = RpcReply<'recover_voucher'>;

/**
 * The voucher an M-Pesa receipt bought (or buys now, for money that matched no payment). With
 * the portal's credential, naming the client: its own budget is spent before the site's.
 */
export function recoverVoucher(
  slug: string,
  receipt: string,
  phone: string,
  fetch: typeof globalThis.fetch,
  mac?: string | null,
): Promise<Recovered> {
  const args = { p_site_slug: slug, p_receipt: receipt, p_phone: phone, p_client: clientKey(mac) };
  return rpc('recover_voucher', args, fetch, 'portal');
}
