// Starts an M-Pesa payment: validates the portal's request, records the pending payment (with
// its price and the device's MAC) through private.pay_start — idempotency key, two-minute guard
// and the caps per device, client address, router, site and phone live there, so a refused
// request never reaches Daraja — then sends the STK push with the organization's credentials
// and stores Daraja's CheckoutRequestID. Answers {payment_id, status_token, status, amount_kes,
// message}; the portal polls public.payment_status(status_token).
//
// Callers: the portal server (its own credential, PORTAL_API_KEY in `x-portal-key`), the secret
// key, or a signed-in owner/admin of the site's organization. The publishable key is refused, so nobody can spam STK prompts.
import { callbackToken } from '../_shared/domain/callback-token.ts';
import { stkPushRequest, stkPushResponse, resultMessage } from '../_shared/domain/daraja.ts';
import {
  START_ERRORS,
  startErrorMessage,
  startPaymentInput,
  type StartError,
} from '../_shared/domain/payment-request.ts';
import { DEFAULT_LANGUAGE, languageOrDefault, type Language } from '../_shared/domain/languages.ts';
import { toMsisdn } from '../_shared/domain/phone.ts';
import { darajaPost, loadDaraja } from '../_shared/daraja-client.ts';
import { db } from '../_shared/db.ts';
import { requireEnv } from '../_shared/env.ts';
import { authUserId, isPortal, isServiceRole, json, readLimited } from '../_shared/http.ts';

type StartRow = {
  ok: boolean;
  error?: StartError;
  retry_after_seconds?: number;
  payment_id: string;
  status_token: string;
  organization_id: string;
  amount_kes: number;
  phone: string;
  plan_name: string;
  status: string;
  push_error: string | null;
  existing: boolean;
  push: boolean;
};

function fail(
  code: StartError,
  extra: Record<string, unknown> = {},
  language: Language = DEFAULT_LANGUAGE,
): Response {
  const { status } = START_ERRORS[code];
  const message = startErrorMessage(code, language);
  const headers: Record<string, string> = {};
  if (typeof extra.retry_after_seconds === 'number') {
    headers['retry-after'] = String(extra.retry_after_seconds);
  }
  return json(status, { error: code, message, ...extra }, headers);
}

/** The Deno.serve handler of pay-start. */
export async function handlePayStart(request: Request): Promise<Response> {
  try {
    return await start(request);
  } catch (error) {
    console.error(`pay-start: ${(error as Error).message}`);
    return fail('mpesa_unavailable');
  }
}

async function start(request: Request): Promise<Response> {
  if (request.method !== 'POST') return json(405, { error: 'method_not_allowed' });
  const text = await readLimited(request, 8 * 1024);
  if (text === null) return json(413, { error: 'too_large', message: 'Request body too large' });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail('invalid_request', { detail: 'body is not JSON' });
  }
  const parsed = startPaymentInput.safeParse(raw);
  if (!parsed.success) {
    const phoneIssue = parsed.error.issues.find((issue) => issue.path[0] === 'phone');
    if (phoneIssue) {
      // The phone module's own (English) words say more; other languages get the general one.
      const language = languageOrDefault((raw as { language?: unknown } | null)?.language);
      return json(400, {
        error: 'invalid_phone',
        message:
          language === 'en' ? phoneIssue.message : startErrorMessage('invalid_phone', language),
      });
    }
    return fail('invalid_request', {
      detail: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    });
  }
  const input = parsed.data;
  const sql = db();

  if (!isPortal(request) && !(await isServiceRole(request))) {
    const userId = await authUserId(request);
    const [allowed] = userId
      ? await sql<{ ok: boolean }[]>`
          select private.site_member_at_least(${userId}, ${input.site_id}, 'admin') as ok`
      : [];
    if (!allowed?.ok) return fail('forbidden', {}, input.language);
  }

  const [row] = await sql<{ result: StartRow }[]>`
    select private.pay_start(${input.site_id}, ${input.plan_id}, ${input.phone},
      ${input.router_id ?? null}, ${input.client_mac ?? null}, ${input.idempotency_key},
      ${input.language}, ${input.client_ip ?? null}, ${input.login_host ?? null}) as result`;
  const started = row!.result;
  if (!started.ok) {
    return fail(
      started.error ?? 'invalid_request',
      started.retry_after_seconds ? { retry_after_seconds: started.retry_after_seconds } : {},
      input.language,
    );
  }
  const answer = {
    payment_id: started.payment_id,
    status_token: started.status_token,
    amount_kes: started.amount_kes,
    existing: started.existing,
  };
  if (!started.push) {
    if (started.push_error) return fail('mpesa_unavailable', answer, input.language);
    return json(200, {
      ...answer,
      status: started.status,
      message: resultMessage(null, input.language),
    });
  }

  const pushError = await push(started, input.language);
  if (pushError) {
    console.warn(`pay-start: STK push for ${started.payment_id} failed: ${pushError}`);
    await sql`select private.pay_push_result(${started.payment_id}, null, null, ${pushError})`;
    return fail('mpesa_unavailable', answer, input.language);
  }
  return json(201, { ...answer, status: 'pending', message: resultMessage(null, input.language) });
}

/** Sends the STK push and stores the CheckoutRequestID; returns an error text or null. */
async function push(started: StartRow, language: Language): Promise<string | null> {
  const sql = db();
  try {
    const config = await loadDaraja(sql, started.organization_id);
    if (!config) return 'M-Pesa is not configured';
    const token = await callbackToken(requireEnv('PAY_CALLBACK_SECRET'), started.payment_id);
    const callbackUrl = `${requireEnv('SUPABASE_URL')}/functions/v1/pay-notify/${started.payment_id}/${token}`;
    const body = stkPushRequest({
      account: config.account,
      amountKes: started.amount_kes,
      msisdn: toMsisdn(started.phone),
      callbackUrl,
      accountReference: `WIFI${started.payment_id.slice(0, 6)}`.toUpperCase(),
      description: language === 'sw' ? `WiFi ${started.plan_name}` : `WiFi ${started.plan_name}`,
    });
    const answer = await darajaPost(sql, config, '/mpesa/stkpush/v1/processrequest', body);
    if (!answer.ok) return `${answer.error.errorCode} ${answer.error.errorMessage ?? ''}`.trim();
    const accepted = stkPushResponse.safeParse(answer.body);
    if (!accepted.success) return `unreadable STK push answer: ${JSON.stringify(answer.body)}`;
    if (accepted.data.ResponseCode !== '0') {
      return `ResponseCode ${accepted.data.ResponseCode} ${accepted.data.ResponseDescription ?? ''}`;
    }
    await sql`select private.pay_push_result(${started.payment_id},
      ${accepted.data.CheckoutRequestID}, ${accepted.data.MerchantRequestID}, null)`;
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
