// The reconciler: for payments still pending after a minute (their callback is late or lost),
// asks Daraja (STK Query) and settles them through the same private.settle_payment as the
// callback. "Still processing" stays pending; a payment with no answer after five minutes (or
// whose push never got a CheckoutRequestID) is marked timeout, which a later success callback
// still overturns. A query that says "paid" issues the voucher with the receipt marked missing.
//
// Runs every minute: Supabase Cron (pg_cron + pg_net) POSTs here with the secret key in
// production (supabase/functions/README.md); the local stack runs it on a timer. Secret key,
// or an owner/admin re-checking one payment of theirs (audited). Body (all optional): {older_than_seconds: 60, timeout_after_seconds: 300, limit: 50,
// payment_id} — payment_id re-checks that one payment now, whatever its age.
import * as z from 'zod';
import { isStillProcessing, stkQueryRequest, stkQueryResponse } from '../_shared/domain/daraja.ts';
import { darajaPost, loadDaraja, type DarajaConfig } from '../_shared/daraja-client.ts';
import { db } from '../_shared/db.ts';
import { authUserId, isServiceRole, json, readOptions } from '../_shared/http.ts';

const options = z.object({
  older_than_seconds: z.number().int().min(0).max(86_400).default(60),
  timeout_after_seconds: z.number().int().min(0).max(86_400).default(300),
  limit: z.number().int().min(1).max(500).default(50),
  payment_id: z.uuid().optional(),
});

type Candidate = {
  payment_id: string;
  organization_id: string;
  checkout_request_id: string | null;
  age_seconds: number;
};

/** The Deno.serve handler of pay-reconcile. */
export async function handlePayReconcile(request: Request): Promise<Response> {
  if (request.method !== 'POST') return json(405, { error: 'method_not_allowed' });
  const service = await isServiceRole(request);
  const userId = service ? null : await authUserId(request);
  if (!service && !userId) return json(403, { error: 'forbidden' });
  const parsed = await readOptions(request, options);
  if (!parsed.ok) return parsed.response;
  const opts = parsed.options;
  const sql = db();
  // Owners and admins may re-check one payment of their organization now (support action).
  if (!service) {
    const [row] = opts.payment_id
      ? await sql<
          { ok: boolean }[]
        >`select private.can_support_payment(${opts.payment_id}, ${userId}) as ok`
      : [];
    if (!row?.ok) return json(403, { error: 'forbidden' });
    await sql`select private.audit_payment_recheck(${opts.payment_id!}, ${userId})`;
  }

  const candidates = opts.payment_id
    ? await sql<Candidate[]>`select * from private.pay_reconcile_candidate(${opts.payment_id})`
    : await sql<Candidate[]>`
        select * from private.pay_reconcile_candidates(${opts.older_than_seconds}, ${opts.limit})`;

  const summary = { checked: candidates.length, settled: 0, pending: 0, timed_out: 0, errors: 0 };
  const configs = new Map<string, Promise<DarajaConfig | null>>();
  await Promise.all(
    candidates.map(async (candidate) => {
      try {
        const outcome = await reconcileOne(candidate, opts.timeout_after_seconds, configs);
        summary[outcome]++;
      } catch (error) {
        summary.errors++;
        console.warn(`pay-reconcile: ${candidate.payment_id}: ${(error as Error).message}`);
      }
    }),
  );
  return json(200, summary);
}

async function reconcileOne(
  candidate: Candidate,
  timeoutAfter: number,
  configs: Map<string, Promise<DarajaConfig | null>>,
): Promise<'settled' | 'pending' | 'timed_out'> {
  const sql = db();
  const timeOut = async (reason: string) => {
    if (candidate.age_seconds < timeoutAfter) return 'pending' as const;
    await sql`select private.pay_mark_timeout(${candidate.payment_id}, ${reason})`;
    return 'timed_out' as const;
  };
  if (!candidate.checkout_request_id) return timeOut('no STK push answer');
  if (!configs.has(candidate.organization_id)) {
    configs.set(candidate.organization_id, loadDaraja(sql, candidate.organization_id));
  }
  const config = await configs.get(candidate.organization_id)!;
  if (!config) return timeOut('M-Pesa settings removed');
  const answer = await darajaPost(
    sql,
    config,
    '/mpesa/stkpushquery/v1/query',
    stkQueryRequest(config.account, candidate.checkout_request_id),
  );
  if (!answer.ok) {
    if (isStillProcessing(answer.error)) return timeOut('no answer from the customer (STK Query)');
    throw new Error(`STK Query: ${answer.error.errorCode} ${answer.error.errorMessage ?? ''}`);
  }
  const result = stkQueryResponse.safeParse(answer.body);
  if (!result.success)
    throw new Error(`unreadable STK Query answer: ${JSON.stringify(answer.body)}`);
  await sql`select private.settle_payment(${candidate.payment_id}, ${candidate.checkout_request_id},
    ${result.data.ResultCode}, ${result.data.ResultDesc}, null, null, null, 'query')`;
  return 'settled';
}
