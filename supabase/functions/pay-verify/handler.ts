// Money is verified before it becomes internet: an unmatched receipt (a C2B confirmation, an STK
// callback with the wrong amount or phone, a second payment, ...) is redeemable only once
// Daraja's Transaction Status API has confirmed it (private.receipt_status_result).
//   POST /pay-verify {limit?, organization_id?}           (secret key: the worker, woken by the
//        receipt's insert and by recover_voucher) sends a Transaction Status query per waiting
//        receipt of organizations with an initiator
//   POST /pay-verify/<organization id>/<receipt hex>/<token>/result   (Daraja: ResultURL)
//   POST /pay-verify/<organization id>/<receipt hex>/<token>/timeout  (Daraja: QueueTimeOutURL)
// The token is HMAC(PAY_CALLBACK_SECRET, 'status:<organization id>:<receipt>'), checked in
// constant time; the receipt travels hex-encoded so the URL never spells a word Daraja refuses.
// Real results keep their raw body (private.payment_callbacks, kind status); junk (forged token,
// malformed or oversized body) is only counted (private.callback_junk).
import * as z from 'zod';
import { callbackToken, verifyCallbackToken } from '../_shared/domain/callback-token.ts';
import {
  parseTransactionStatus,
  transactionStatusAck,
  transactionStatusRequest,
} from '../_shared/domain/daraja.ts';
import { darajaPost, loadDaraja, type DarajaConfig } from '../_shared/daraja-client.ts';
import { db } from '../_shared/db.ts';
import { requireEnv } from '../_shared/env.ts';
import { isServiceRole, json, readLimited, readOptions } from '../_shared/http.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RECEIPT = /^[A-Z0-9]{6,20}$/;

const options = z.object({
  limit: z.number().int().min(1).max(500).default(50),
  organization_id: z.uuid().optional(),
});

const ACCEPTED = { ResultCode: 0, ResultDesc: 'Accepted' };

/** Hex of a receipt (ASCII), and back (null when it is not a receipt). */
export function receiptToHex(receipt: string): string {
  return Array.from(new TextEncoder().encode(receipt), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}

export function receiptFromHex(hex: string): string | null {
  if (!/^([0-9a-f]{2}){6,20}$/.test(hex)) return null;
  const receipt = String.fromCharCode(...(hex.match(/../g) ?? []).map((h) => parseInt(h, 16)));
  return RECEIPT.test(receipt) ? receipt : null;
}

/** The signed ResultURL and QueueTimeOutURL of one receipt's Transaction Status query. */
export async function statusUrls(organizationId: string, receipt: string) {
  const token = await callbackToken(
    requireEnv('PAY_CALLBACK_SECRET'),
    `${organizationId}:${receipt}`,
    'status',
  );
  const base = `${requireEnv('SUPABASE_URL')}/functions/v1/pay-verify/${organizationId}/${receiptToHex(receipt)}/${token}`;
  return { result: `${base}/result`, timeout: `${base}/timeout` };
}

/** The Deno.serve handler of pay-verify. */
export async function handlePayVerify(request: Request): Promise<Response> {
  if (request.method !== 'POST') return json(405, { error: 'method_not_allowed' });
  const parts = new URL(request.url).pathname.split('/').filter(Boolean);
  if (parts.length === 1) return run(request);
  const [, organizationId, receiptHex, token, kind] = parts;
  const receipt = receiptFromHex(receiptHex ?? '');
  if (
    parts.length !== 5 ||
    !UUID.test(organizationId ?? '') ||
    receipt === null ||
    !/^[0-9a-f]{32}$/.test(token ?? '') ||
    (kind !== 'result' && kind !== 'timeout')
  ) {
    await request.body?.cancel();
    return json(404, { ResultCode: 1, ResultDesc: 'Not found' });
  }
  const secret = requireEnv('PAY_CALLBACK_SECRET');
  const body = await readLimited(request, 16 * 1024);
  const ref = `${organizationId}:${receipt}`;
  if (!(await verifyCallbackToken(secret, ref, token!, 'status'))) {
    console.warn(`pay-verify: forged token for ${ref}`);
    await junk('forged', ref, body);
    return json(403, { ResultCode: 1, ResultDesc: 'Rejected' });
  }
  if (body === null) {
    await junk('oversized', ref, null);
    return json(413, { ResultCode: 1, ResultDesc: 'Too large' });
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(body);
  } catch {
    await junk('malformed', ref, body);
    return json(400, { ResultCode: 1, ResultDesc: 'Malformed JSON' });
  }
  const parsed =
    kind === 'timeout' ? ({ ok: true, value: null } as const) : parseTransactionStatus(decoded);
  if (!parsed.ok) {
    await junk('malformed', ref, body);
    return json(400, { ResultCode: 1, ResultDesc: 'Malformed result' });
  }
  const status = parsed.value;
  const [row] = await db()<{ result: { outcome: string } }[]>`
    select private.receipt_status_result(${organizationId!}, ${receipt}, ${body}, ${db().json(
      status
        ? {
            timeout: false,
            result_code: status.resultCode,
            result_desc: status.resultDesc,
            receipt_no: status.receiptNo,
            amount: status.amount,
            transaction_status: status.transactionStatus,
            debit_party: status.debitParty,
            credit_party: status.creditParty,
          }
        : { timeout: true },
    )}) as result`;
  if (row!.result.outcome === 'refuted' || row!.result.outcome === 'initiator_error') {
    console.warn(`pay-verify: ${ref} ${row!.result.outcome}`);
  }
  return json(200, ACCEPTED);
}

/** Counts a junk result; best effort (the answer stays the same with the database down). */
async function junk(reason: string, ref: string, body: string | null): Promise<void> {
  try {
    await db()`select private.callback_junk('status', ${reason}, ${ref},
                                            ${(body ?? '').slice(0, 1024)})`;
  } catch (error) {
    console.error(`pay-verify: counting junk failed: ${(error as Error).message}`);
  }
}

type Claimed = { organization_id: string; receipt: string };

type Initiator = { initiator_name: string | null; security_credential: string | null };

/** The worker's run: one Transaction Status query per receipt waiting for it. */
async function run(request: Request): Promise<Response> {
  if (!(await isServiceRole(request))) {
    await request.body?.cancel();
    return json(403, { error: 'forbidden' });
  }
  const parsed = await readOptions(request, options);
  if (!parsed.ok) return parsed.response;
  const sql = db();
  const claimed = await sql<Claimed[]>`
    select * from private.receipt_verification_claim(${parsed.options.limit},
                                                     ${parsed.options.organization_id ?? null})`;
  const summary = { requested: 0, errors: 0 };
  const configs = new Map<string, Promise<(DarajaConfig & Initiator) | null>>();
  await Promise.all(
    claimed.map(async ({ organization_id: organizationId, receipt }) => {
      let problem: string | null = null;
      let conversationId: string | null = null;
      try {
        if (!configs.has(organizationId)) configs.set(organizationId, config(organizationId));
        const daraja = await configs.get(organizationId)!;
        if (!daraja?.initiator_name || !daraja.security_credential) {
          problem = 'no initiator in the M-Pesa settings';
        } else {
          const urls = await statusUrls(organizationId, receipt);
          const answer = await darajaPost(
            sql,
            daraja,
            '/mpesa/transactionstatus/v1/query',
            transactionStatusRequest({
              initiator: daraja.initiator_name,
              securityCredential: daraja.security_credential,
              receipt,
              shortcode: daraja.account.shortcode,
              resultUrl: urls.result,
              timeoutUrl: urls.timeout,
            }),
          );
          const ack = answer.ok ? transactionStatusAck.safeParse(answer.body) : null;
          if (!answer.ok) {
            problem = `${answer.error.errorCode} ${answer.error.errorMessage ?? ''}`.trim();
          } else if (!ack?.success || ack.data.ResponseCode !== '0') {
            problem = `unexpected answer: ${JSON.stringify(answer.body).slice(0, 300)}`;
          } else {
            conversationId = ack.data.ConversationID ?? null;
          }
        }
      } catch (error) {
        problem = (error as Error).message;
      }
      if (problem) {
        summary.errors++;
        console.warn(`pay-verify: ${organizationId}:${receipt}: ${problem}`);
      } else {
        summary.requested++;
      }
      await sql`select private.receipt_verification_sent(${organizationId}, ${receipt},
                                                          ${conversationId}, ${problem})`;
    }),
  );
  return json(200, { claimed: claimed.length, ...summary });
}

async function config(organizationId: string): Promise<(DarajaConfig & Initiator) | null> {
  const sql = db();
  const daraja = await loadDaraja(sql, organizationId);
  if (!daraja) return null;
  const [row] = await sql<{ settings: Initiator | null }[]>`
    select private.mpesa_credentials(${organizationId}) as settings`;
  return {
    ...daraja,
    initiator_name: row?.settings?.initiator_name ?? null,
    security_credential: row?.settings?.security_credential ?? null,
  };
}
