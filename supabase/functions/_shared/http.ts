// Small HTTP helpers shared by the edge function handlers.
import { z } from 'zod';
import { isSecretKey, verifyJwt } from './api-keys.ts';
import { timingSafeEqual } from './domain/callback-token.ts';
import { requireEnv } from './env.ts';

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** The body as text, or null when it is larger than `maxBytes` (stops reading at the limit). */
export async function readLimited(request: Request, maxBytes: number): Promise<string | null> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await request.body?.cancel();
    return null;
  }
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return new TextDecoder().decode(all);
}

/**
 * A run's options from a small JSON body (empty means all defaults), parsed with `schema`: the
 * options, or the answer that refuses them (413, or 400 invalid_request with the reason).
 */
export async function readOptions<T>(
  request: Request,
  schema: z.ZodType<T>,
): Promise<{ ok: true; options: T } | { ok: false; response: Response }> {
  const text = await readLimited(request, 4096);
  if (text === null) return { ok: false, response: json(413, { error: 'too_large' }) };
  let raw: unknown;
  try {
    raw = text.trim() ? JSON.parse(text) : {};
  } catch {
    const response = json(400, { error: 'invalid_request', message: 'body is not JSON' });
    return { ok: false, response };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const response = json(400, { error: 'invalid_request', message: parsed.error.message });
    return { ok: false, response };
  }
  return { ok: true, options: parsed.data };
}

/** The bearer token of the request, if any. */
export function bearer(request: Request): string | null {
  return (
    request.headers
      .get('authorization')
      ?.match(/^Bearer\s+(.+)$/i)?.[1]
      ?.trim() ?? null
  );
}

/**
 * Whether the caller holds a secret key (sb_secret_…): the worker and the functions themselves,
 * which keep it server-side (the portal holds only its own credential: isPortal). The key comes in `apikey`, where Supabase wants API
 * keys, or as a bearer token from older callers. While LEGACY_JWT_SECRET is set, the legacy
 * service_role JWT counts too. A service_role JWT signed with the new signing key does not: only
 * Supabase's gateway mints those, for PostgREST and Auth.
 */
export async function isServiceRole(request: Request): Promise<boolean> {
  for (const credential of [request.headers.get('apikey'), bearer(request)]) {
    if (!credential) continue;
    if (credential.startsWith('sb_secret_')) {
      if (isSecretKey(credential)) return true;
      continue;
    }
    const verified = await verifyJwt(credential);
    if (verified?.legacy && verified.claims.role === 'service_role') return true;
  }
  return false;
}

/**
 * Whether the caller is the portal server: its own credential (PORTAL_API_KEY, a secret of the
 * functions') in the `x-portal-key` header, compared in constant time. It is no Supabase API key,
 * so PostgREST and Auth refuse it; only pay-start and portal-rpc accept it.
 */
export function isPortal(request: Request): boolean {
  const presented = request.headers.get('x-portal-key');
  return presented !== null && timingSafeEqual(presented, requireEnv('PORTAL_API_KEY'));
}

const sessionClaims = z.object({ sub: z.guid(), role: z.literal('authenticated') });

/**
 * The signed-in user behind the request's JWT, or null. The JWT is verified here against the
 * project's JWKS (or the legacy secret), without asking Supabase Auth: like PostgREST, a
 * function then honours a session until its JWT expires (an hour), even after sign-out.
 */
export async function authUserId(request: Request): Promise<string | null> {
  const token = bearer(request);
  if (!token) return null;
  const session = sessionClaims.safeParse((await verifyJwt(token))?.claims);
  return session.success ? session.data.sub : null;
}
