// M-Pesa C2B: payments a customer makes by hand to the organization's paybill or till.
//   POST /pay-c2b/<organization id>/<token>/confirmation  (Daraja; verify_jwt = false)
//   POST /pay-c2b/<organization id>/<token>/validation    (Daraja, if the shortcode has it on)
//   POST /pay-c2b/urls {organization_id}                   (an owner: the URLs and their state)
//   POST /pay-c2b/rotate {organization_id}                 (an owner: new URLs, audited)
//   POST /pay-c2b/register {organization_id}               (an owner, with their JWT)
// The token is HMAC(PAY_CALLBACK_SECRET, 'c2b[-g<generation>]:' + organization id), checked in
// constant time against the current generation of the organization's URLs and the previous one
// while it still works (private.c2b_urls): rotating retires a leaked URL. Sandbox rotations are
// registered with Daraja at once; production ones when the owner has deleted the old URLs in
// Daraja's URL management and taps Register (Daraja keeps one registration per shortcode). The
// previous URLs work until the new ones are registered, then 72 hours more.
// A confirmation is stored raw and kept as an unmatched receipt (reason 'c2b'); the customer
// then redeems it on the portal with the receipt code (public.recover_voucher), buying the
// dearest plan the amount covers. Validation refuses amounts below the cheapest plan.
// Junk (forged token, malformed or oversized body) is only counted per hour with a small
// sample (private.callback_junk): a flood leaves no rows behind. Its answers are unchanged.
import { z } from 'zod';
import {
  c2bTokenPurpose,
  callbackToken,
  verifyCallbackToken,
} from '../_shared/domain/callback-token.ts';
import { c2bNotification, c2bRegisterRequest } from '../_shared/domain/daraja.ts';
import { darajaPost, loadDaraja, type DarajaConfig } from '../_shared/daraja-client.ts';
import { db } from '../_shared/db.ts';
import { requireEnv } from '../_shared/env.ts';
import { authUserId, json, readLimited } from '../_shared/http.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The Deno.serve handler of pay-c2b. */
export async function handlePayC2b(request: Request): Promise<Response> {
  if (request.method !== 'POST') return json(405, { ResultCode: 1, ResultDesc: 'Use POST' });
  const parts = new URL(request.url).pathname.split('/').filter(Boolean);
  if (parts.length === 2 && OWNER_ACTIONS.has(parts[1] as OwnerAction)) {
    return ownerAction(request, parts[1] as OwnerAction);
  }
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
  if (!(await tokenWorks(secret, organizationId!, token!))) {
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

/** What private.c2b_urls() answers: the generations of the organization's URLs that work now. */
type UrlState = {
  generation: number;
  registered_at: string | null;
  rotated_at: string | null;
  previous_generation: number | null;
  previous_expires_at: string | null;
};

/** Whether `token` signs the organization's current URLs, or the previous ones while they work. */
async function tokenWorks(secret: string, organizationId: string, token: string): Promise<boolean> {
  const [row] = await db()<{ state: UrlState }[]>`
    select private.c2b_urls(${organizationId}) as state`;
  let works = false;
  for (const generation of [row!.state.generation, row!.state.previous_generation]) {
    if (generation == null) continue;
    const purpose = c2bTokenPurpose(generation);
    works = (await verifyCallbackToken(secret, organizationId, token, purpose)) || works;
  }
  return works;
}

/** The C2B URLs of one generation of an organization's URLs (for registering with Daraja). */
export async function c2bUrls(organizationId: string, generation = 1) {
  const secret = requireEnv('PAY_CALLBACK_SECRET');
  const token = await callbackToken(secret, organizationId, c2bTokenPurpose(generation));
  const base = `${requireEnv('SUPABASE_URL')}/functions/v1/pay-c2b/${organizationId}/${token}`;
  return { confirmation: `${base}/confirmation`, validation: `${base}/validation` };
}

type OwnerAction = 'urls' | 'rotate' | 'register';
const OWNER_ACTIONS = new Set<OwnerAction>(['urls', 'rotate', 'register']);

export const c2bOwnerInput = z.object({
  organization_id: z.uuid({ error: 'organization_id must be a UUID' }),
});

/**
 * The owner's routes, all answering the URLs' state (`view`): `urls` shows them; `rotate` makes
 * a new generation (registered with Daraja at once in sandbox); `register` registers the current
 * generation with Daraja (production: after the owner deleted the old URLs in URL management).
 */
async function ownerAction(request: Request, action: OwnerAction): Promise<Response> {
  const text = await readLimited(request, 4096);
  let raw: unknown;
  try {
    raw = JSON.parse(text ?? '');
  } catch {
    return json(400, { error: 'invalid_request', message: 'The body is not JSON' });
  }
  const parsed = c2bOwnerInput.safeParse(raw);
  if (!parsed.success) {
    return json(400, { error: 'invalid_request', message: 'organization_id must be a UUID' });
  }
  const organizationId = parsed.data.organization_id;
  const userId = await authUserId(request);
  const sql = db();
  const [owner] = userId
    ? await sql<{ ok: boolean }[]>`
        select private.member_at_least(${userId}, ${organizationId}, 'owner') as ok`
    : [];
  if (!owner?.ok || !userId) {
    return json(403, { error: 'forbidden', message: 'Only owners can manage C2B URLs.' });
  }
  const config = await loadDaraja(sql, organizationId);
  if (!config)
    return json(409, { error: 'not_configured', message: 'Set the M-Pesa settings first.' });
  const [row] = await sql<{ state: UrlState; environment: string }[]>`
    select private.c2b_urls(${organizationId}) as state,
           private.mpesa_credentials(${organizationId})->>'environment' as environment`;
  let state = row!.state;
  const environment = row!.environment;
  if (action === 'urls') return json(200, await view(config, environment, state));
  if (action === 'rotate') {
    try {
      const [rotated] = await sql<{ state: UrlState }[]>`
        select private.c2b_rotate(${organizationId}, ${userId}) as state`;
      state = rotated!.state;
    } catch (error) {
      if ((error as { code?: string }).code === '42501') {
        return json(403, { error: 'forbidden', message: 'Only owners can rotate C2B URLs.' });
      }
      throw error;
    }
    // Production Daraja keeps the old registration until the owner deletes it (URL management).
    if (environment !== 'sandbox') return json(200, await view(config, environment, state));
  }
  const registered = await register(sql, config, userId, state.generation);
  if (!registered.ok && action === 'register') {
    return json(502, { error: 'mpesa_unavailable', message: registered.problem });
  }
  return json(200, {
    ...(await view(config, environment, registered.state)),
    ...(registered.ok ? {} : { register_problem: registered.problem }),
  });
}

/** The shortcode Daraja knows the organization's C2B payments by. */
function c2bShortcode(config: DarajaConfig): string {
  return config.account.accountType === 'till'
    ? (config.account.tillNumber ?? config.account.shortcode)
    : config.account.shortcode;
}

/** What the owner's routes answer. */
async function view(config: DarajaConfig, environment: string, state: UrlState) {
  return {
    ok: true,
    environment,
    shortcode: c2bShortcode(config),
    generation: state.generation,
    registered_at: state.registered_at,
    rotated_at: state.rotated_at,
    previous:
      state.previous_generation == null
        ? null
        : { generation: state.previous_generation, expires_at: state.previous_expires_at },
    ...(await c2bUrls(config.organizationId, state.generation)),
  };
}

/** Registers one generation's URLs with Daraja (audited); on success the previous ones' grace
 * starts (private.c2b_url_registered). */
async function register(
  sql: ReturnType<typeof db>,
  config: DarajaConfig,
  userId: string,
  generation: number,
): Promise<{ ok: true; state: UrlState } | { ok: false; state: UrlState; problem: string }> {
  const organizationId = config.organizationId;
  const urls = await c2bUrls(organizationId, generation);
  const shortcode = c2bShortcode(config);
  const answer = await darajaPost(
    sql,
    config,
    '/mpesa/c2b/v2/registerurl',
    c2bRegisterRequest(shortcode, urls.confirmation, urls.validation),
  );
  await sql`select private.audit_c2b_register(${organizationId}, ${userId},
                                           ${sql.json({ shortcode, ok: answer.ok, generation, ...urls })})`;
  if (!answer.ok) {
    const [row] = await sql<{ state: UrlState }[]>`
      select private.c2b_urls(${organizationId}) as state`;
    return {
      ok: false,
      state: row!.state,
      problem: `${answer.error.errorCode} ${answer.error.errorMessage ?? ''}`.trim(),
    };
  }
  const [row] = await sql<{ state: UrlState }[]>`
    select private.c2b_url_registered(${organizationId}, ${generation}) as state`;
  return { ok: true, state: row!.state };
}
