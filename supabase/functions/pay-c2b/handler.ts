// M-Pesa C2B: payments a customer makes by hand to the organization's paybill or till.
//   POST /pay-c2b/<organization id>/<token>/confirmation  (Daraja; verify_jwt = false)
//   POST /pay-c2b/<organization id>/<token>/validation    (Daraja, if the shortcode has it on)
//   POST /pay-c2b/register {organization_id}               (an owner, with their JWT)
// The token is HMAC(PAY_CALLBACK_SECRET, 'c2b:' + organization id), checked in constant time.
// A confirmation is stored raw and kept as an unmatched receipt (reason 'c2b'); the customer
// then redeems it on the portal with the receipt code (public.recover_voucher), buying the
// dearest plan the amount covers. Validation refuses amounts below the cheapest plan.
// Junk (forged token, malformed or oversized body) is only counted per hour with a small
// sample (private.callback_junk): a flood leaves no rows behind. Its answers are unchanged.
import { callbackToken, verifyCallbackToken } from '../_shared/domain/callback-token.ts';
import { c2bNotification, c2bRegisterRequest } from '../_shared/domain/daraja.ts';
import { darajaPost, loadDaraja } from '../_shared/daraja-client.ts';
import { db } from '../_shared/db.ts';
import { requireEnv } from '../_shared/env.ts';
import { authUserId, json, readLimited } from '../_shared/http.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The Deno.serve handler of pay-c2b. */
export async function handlePayC2b(request: Request): Promise<Response> {
  if (request.method !== 'POST') return json(405, { ResultCode: 1, ResultDesc: 'Use POST' });
  const parts = new URL(request.url).pathname.split('/').filter(Boolean);
  if (parts.length === 2 && parts[1] === 'register') return register(request);
  const [, organizationId, token, kind] = parts;
  if (
    parts.length !== 4 ||
    !UUID.test(organizationId ?? '') ||
    !/^[0-9a-f]{32}$/.test(token ?? '') ||
    (kind !== 'confirmation' && kind !== 'validation')
  ) {
    await request.body?.cancel();
    return json(404, { ResultCode: 1, ResultDesc: 'Not found' });
  }
  const secret = requireEnv('PAY_CALLBACK_SECRET');
  const body = await readLimited(request, 16 * 1024);
  if (!(await verifyCallbackToken(secret, organizationId!, token!, 'c2b'))) {
    console.warn(`pay-c2b: forged token for organization ${organizationId}`);
    await junk('forged', organizationId!, body);
    return json(403, { ResultCode: 'C2B00016', ResultDesc: 'Rejected' });
  }
  if (body === null) {
    await junk('oversized', organizationId!, null);
    return json(413, { ResultCode: 'C2B00016', ResultDesc: 'Too large' });
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(body);
  } catch {
    await junk('malformed', organizationId!, body);
    return json(400, { ResultCode: 'C2B00016', ResultDesc: 'Malformed JSON' });
  }
  const parsed = c2bNotification.safeParse(decoded);
  if (!parsed.success) {
    await junk('malformed', organizationId!, body);
    return json(400, { ResultCode: 'C2B00016', ResultDesc: 'Malformed notification' });
  }
  const note = parsed.data;
  const sql = db();
  if (kind === 'validation') {
    const [row] = await sql<{ cheapest: number | null }[]>`
      select private.cheapest_plan_kes(${organizationId!}) as cheapest`;
    if (row?.cheapest == null || note.TransAmount < row.cheapest) {
      return json(200, { ResultCode: 'C2B00013', ResultDesc: 'Rejected' });
    }
    return json(200, { ResultCode: '0', ResultDesc: 'Accepted' });
  }
  const [row] = await sql<{ result: { outcome: string } }[]>`
    select private.c2b_confirmation(${organizationId!}, ${body}, ${sql.json({
      receipt: note.TransID,
      amount: note.TransAmount,
      shortcode: note.BusinessShortCode,
      msisdn: note.MSISDN ?? null,
      bill_ref: note.BillRefNumber,
    })}) as result`;
  if (row!.result.outcome === 'wrong_shortcode') {
    console.warn(`pay-c2b: ${note.TransID} for shortcode ${note.BusinessShortCode}, not ours`);
  }
  return json(200, { ResultCode: 0, ResultDesc: 'Success' });
}

/** Counts a junk notification. Best effort: the answer to the sender stays the same even with
 * the database unreachable. */
async function junk(reason: string, organizationId: string, body: string | null): Promise<void> {
  try {
    await db()`select private.callback_junk('c2b', ${reason}, ${organizationId},
                                            ${(body ?? '').slice(0, 1024)})`;
  } catch (error) {
    console.error(`pay-c2b: counting junk failed: ${(error as Error).message}`);
  }
}

/** The C2B URLs of an organization (public, for registering them with Daraja). */
export async function c2bUrls(organizationId: string) {
  const token = await callbackToken(requireEnv('PAY_CALLBACK_SECRET'), organizationId, 'c2b');
  const base = `${requireEnv('SUPABASE_URL')}/functions/v1/pay-c2b/${organizationId}/${token}`;
  return { confirmation: `${base}/confirmation`, validation: `${base}/validation` };
}

async function register(request: Request): Promise<Response> {
  const text = await readLimited(request, 4096);
  let organizationId: unknown;
  try {
    organizationId = (JSON.parse(text ?? '') as { organization_id?: unknown }).organization_id;
  } catch {
    return json(400, { error: 'invalid_request' });
  }
  if (typeof organizationId !== 'string' || !UUID.test(organizationId)) {
    return json(400, { error: 'invalid_request', message: 'organization_id must be a UUID' });
  }
  const userId = await authUserId(request);
  const sql = db();
  const [owner] = userId
    ? await sql<{ ok: boolean }[]>`
        select exists (select 1 from public.memberships m where m.organization_id = ${organizationId}
                       and m.user_id = ${userId} and m.role = 'owner') as ok`
    : [];
  if (!owner?.ok)
    return json(403, { error: 'forbidden', message: 'Only owners can register C2B URLs.' });
  const config = await loadDaraja(sql, organizationId);
  if (!config)
    return json(409, { error: 'not_configured', message: 'Set the M-Pesa settings first.' });
  const urls = await c2bUrls(organizationId);
  const shortcode =
    config.account.accountType === 'till'
      ? (config.account.tillNumber ?? config.account.shortcode)
      : config.account.shortcode;
  const answer = await darajaPost(
    sql,
    config,
    '/mpesa/c2b/v2/registerurl',
    c2bRegisterRequest(shortcode, urls.confirmation, urls.validation),
  );
  await sql`
    insert into public.audit_log (organization_id, actor, actor_role, action, table_name, row_id, new)
    values (${organizationId}, ${userId}, 'authenticated', 'update', 'c2b_urls', ${organizationId},
            ${sql.json({ shortcode, ok: answer.ok, ...urls })})`;
  if (!answer.ok) {
    return json(502, {
      error: 'mpesa_unavailable',
      message: `${answer.error.errorCode} ${answer.error.errorMessage ?? ''}`,
    });
  }
  return json(200, { ok: true, ...urls });
}
