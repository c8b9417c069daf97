// Daraja over HTTP with the organization's credentials. The OAuth token is cached in
// private.daraja_tokens and refreshed under that row's lock: Daraja invalidates the previous
// token whenever a new one is issued, so concurrent function instances must share one.
import type postgres from 'postgres';
import {
  DARAJA_BASE_URLS,
  basicAuth,
  darajaError,
  isInvalidToken,
  tokenResponse,
  type DarajaEnvironment,
  type DarajaError,
  type MpesaAccount,
} from './domain/daraja.ts';
import { optionalEnv } from './env.ts';

export type DarajaConfig = {
  organizationId: string;
  baseUrl: string;
  account: MpesaAccount;
  consumerKey: string;
  consumerSecret: string;
};

type SettingsRow = {
  environment: DarajaEnvironment;
  shortcode: string;
  account_type: 'paybill' | 'till';
  till_number: string | null;
  passkey: string;
  consumer_key: string;
  consumer_secret: string;
};

/** The organization's Daraja settings, or null when it has none. DARAJA_BASE_URL overrides the
 * environment's URL (the local stack points it at its simulator). */
export async function loadDaraja(
  sql: postgres.Sql,
  organizationId: string,
): Promise<DarajaConfig | null> {
  const [row] = await sql<{ settings: SettingsRow | null }[]>`
    select private.mpesa_credentials(${organizationId}) as settings`;
  const s = row?.settings;
  if (!s) return null;
  return {
    organizationId,
    baseUrl: optionalEnv('DARAJA_BASE_URL') ?? DARAJA_BASE_URLS[s.environment],
    account: {
      shortcode: s.shortcode,
      passkey: s.passkey,
      accountType: s.account_type,
      tillNumber: s.till_number,
    },
    consumerKey: s.consumer_key,
    consumerSecret: s.consumer_secret,
  };
}

const REFRESH_MARGIN_SECONDS = 120;
const TIMEOUT_MS = 10_000;

/**
 * A valid access token. `stale` is a token Daraja just refused: it is replaced unless another
 * instance has replaced it already.
 */
export async function accessToken(
  sql: postgres.Sql,
  config: DarajaConfig,
  stale?: string,
): Promise<string> {
  const fresh = (row: { access_token: string | null; valid: boolean } | undefined) =>
    row?.access_token && row.valid && row.access_token !== stale ? row.access_token : null;
  const [cached] = await sql<{ access_token: string | null; valid: boolean }[]>`
    select access_token, coalesce(expires_at > now() + make_interval(secs => ${REFRESH_MARGIN_SECONDS}), false) as valid
    from private.daraja_tokens where organization_id = ${config.organizationId}`;
  const hit = fresh(cached);
  if (hit) return hit;
  return sql.begin(async (tx) => {
    await tx`insert into private.daraja_tokens (organization_id) values (${config.organizationId})
             on conflict do nothing`;
    const [locked] = await tx<{ access_token: string | null; valid: boolean }[]>`
      select access_token, coalesce(expires_at > now() + make_interval(secs => ${REFRESH_MARGIN_SECONDS}), false) as valid
      from private.daraja_tokens where organization_id = ${config.organizationId} for update`;
    const other = fresh(locked);
    if (other) return other;
    const response = await fetch(
      `${config.baseUrl}/oauth/v1/generate?grant_type=client_credentials`,
      {
        headers: { authorization: basicAuth(config.consumerKey, config.consumerSecret) },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      },
    );
    const body = await response.json().catch(() => null);
    const parsed = tokenResponse.safeParse(body);
    if (!response.ok || !parsed.success) {
      throw new DarajaUnavailable(`OAuth failed: HTTP ${response.status} ${JSON.stringify(body)}`);
    }
    await tx`
      update private.daraja_tokens
      set access_token = ${parsed.data.access_token},
          expires_at = now() + make_interval(secs => ${parsed.data.expires_in}),
          refreshed_at = now(),
          refresh_count = refresh_count + 1
      where organization_id = ${config.organizationId}`;
    return parsed.data.access_token;
  });
}

export class DarajaUnavailable extends Error {}

export type DarajaAnswer =
  | { ok: true; status: number; body: unknown }
  | { ok: false; status: number; error: DarajaError; body: unknown };

/** POSTs to a Daraja API with a cached token; a refused token is refreshed once. */
export async function darajaPost(
  sql: postgres.Sql,
  config: DarajaConfig,
  path: string,
  payload: unknown,
): Promise<DarajaAnswer> {
  let token = await accessToken(sql, config);
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${config.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body: unknown = await response.json().catch(() => null);
    if (response.ok) return { ok: true, status: response.status, body };
    const error = darajaError.safeParse(body);
    const problem = error.success
      ? error.data
      : { errorCode: `HTTP ${response.status}`, errorMessage: JSON.stringify(body) };
    if (attempt === 0 && isInvalidToken(problem)) {
      token = await accessToken(sql, config, token);
      continue;
    }
    return { ok: false, status: response.status, error: problem, body };
  }
}
