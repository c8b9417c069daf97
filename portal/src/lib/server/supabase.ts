import { error } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { z } from 'zod';
import {
  parseRpcReply,
  RpcReplyError,
  type JsonbRpc,
  type RpcArgs,
  type RpcReply,
} from '$contract/call-rpc.ts';

/**
 * The portal server's only ways into Supabase: PostgREST RPCs and edge functions, with a
 * timeout, and answers checked against a schema. The browser never calls Supabase (the walled
 * garden holds only the portal's host).
 */

/**
 * Supabase could not answer properly: the visitor should try again later. `code` is the
 * machine code of an error a SQL function raised (the PostgREST error's `hint`), if any.
 */
export class PortalBackendError extends Error {
  readonly code: string | null;
  constructor(message: string, options?: ErrorOptions & { code?: string | null }) {
    super(message, options);
    this.name = 'PortalBackendError';
    this.code = options?.code ?? null;
  }
}

/**
 * The answer, or the error page (logged): "try again in a minute" (503) when Supabase gave
 * none, the words for its code (portal/src/lib/errors.ts) when a SQL function refused (500).
 */
export async function orUnavailable<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (err) {
    if (!(err instanceof PortalBackendError)) throw err;
    console.error(err);
    if (err.code) error(500, { message: 'Supabase refused', code: err.code });
    error(503, { message: 'Supabase unavailable', reason: 'unavailable' });
  }
}

const timeoutMs = 8000;

/**
 * The publishable key (sb_publishable_…) for public reads; for the rest, the portal's own
 * credential (PORTAL_API_KEY, server-side only), which pay-start and portal-rpc accept and
 * nothing else does. The portal holds no secret key.
 */
function credentials(role: 'anon' | 'portal'): { url: string; key: string; portalKey?: string } {
  const url = env.SUPABASE_URL;
  const key = env.SUPABASE_PUBLISHABLE_KEY;
  const portalKey = role === 'portal' ? env.PORTAL_API_KEY : undefined;
  if (!url || !key) {
    throw new PortalBackendError('SUPABASE_URL and SUPABASE_PUBLISHABLE_KEY must be set');
  }
  if (role === 'portal' && !portalKey) throw new PortalBackendError('PORTAL_API_KEY must be set');
  return { url: url.replace(/\/*$/, '/'), key, portalKey };
}

async function post(
  what: string,
  path: string,
  body: unknown,
  role: 'anon' | 'portal',
  fetch: typeof globalThis.fetch,
): Promise<Response> {
  const { url, key, portalKey } = credentials(role);
  try {
    // The key goes in `apikey` only: the new keys are not JWTs, so they are no bearer token.
    // Supabase's gateway gives PostgREST the key's role; the edge function checks the portal's
    // credential (`x-portal-key`) itself.
    return await fetch(new URL(path, url), {
      method: 'POST',
      headers: {
        apikey: key,
        ...(portalKey ? { 'x-portal-key': portalKey } : {}),
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    throw new PortalBackendError(`${what}: Supabase unreachable at ${url}`, { cause });
  }
}

function parse<T extends z.ZodType>(what: string, schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new PortalBackendError(`${what}: unexpected shape: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** The machine code in a PostgREST error body (`hint`, snake_case), or null. */
function raisedCode(body: string): string | null {
  try {
    const { hint } = JSON.parse(body) as { hint?: unknown };
    return typeof hint === 'string' && /^[a-z][a-z0-9_]*$/.test(hint) ? hint : null;
  } catch {
    return null;
  }
}

/**
 * Calls `public.<name>(args)` through PostgREST, typed and parsed by the shared contract
 * (`$contract`: arguments from supabase/types.ts, the reply's schema); any non-2xx answer, or a
 * reply of another shape, is a backend error. `portal`: one of the portal's own RPCs, through
 * the portal-rpc function with the portal's credential (PostgREST's answer, passed through).
 */
export async function rpc<N extends JsonbRpc>(
  name: N,
  args: RpcArgs<N>,
  fetch: typeof globalThis.fetch,
  role: 'anon' | 'portal' = 'anon',
): Promise<RpcReply<N>> {
  const path = role === 'portal' ? `functions/v1/portal-rpc/${name}` : `rest/v1/rpc/${name}`;
  const response = await post(name, path, args, role, fetch);
  if (!response.ok) {
    const body = await response.text().catch(() => '');
    throw new PortalBackendError(`${name}: HTTP ${response.status} ${body.slice(0, 300)}`, {
      code: raisedCode(body),
    });
  }
  try {
    return parseRpcReply(name, await response.json().catch(() => undefined));
  } catch (cause) {
    if (!(cause instanceof RpcReplyError)) throw cause;
    throw new PortalBackendError(cause.message, { cause });
  }
}

/** Calls an RPC that answers a plain boolean (no jsonb reply, so no contract schema). */
export async function rpcBoolean(
  name: string,
  args: Record<string, string>,
  fetch: typeof globalThis.fetch,
): Promise<boolean> {
  const response = await post(name, `rest/v1/rpc/${name}`, args, 'anon', fetch);
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok || typeof body !== 'boolean') {
    throw new PortalBackendError(`${name}: HTTP ${response.status}, not a boolean`);
  }
  return body;
}

/**
 * Calls an edge function as the portal server. Its own refusals (4xx, and 503 with a reason)
 * are answers for the customer, returned with their status; a body that is not JSON is not.
 */
export async function callFunction<T extends z.ZodType>(
  name: string,
  body: unknown,
  schema: T,
  fetch: typeof globalThis.fetch,
): Promise<{ status: number; body: z.output<T> }> {
  const response = await post(name, `functions/v1/${name}`, body, 'portal', fetch);
  const json = await response.json().catch(() => undefined);
  if (json === undefined) throw new PortalBackendError(`${name}: HTTP ${response.status}, no JSON`);
  return { status: response.status, body: parse(name, schema, json) };
}
