// The project's keys, as hosted Supabase hands them to every edge function: SUPABASE_SECRET_KEYS
// and SUPABASE_PUBLISHABLE_KEYS (JSON, {"default": "sb_…", …}) and SUPABASE_JWKS (the public keys
// Auth signs sessions with). LEGACY_JWT_SECRET is the project's own secret, set only while
// callers still use the legacy HS256 keys. Functions check callers here, not with verify_jwt,
// which knows neither the new API keys nor asymmetric JWTs.
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { z } from 'zod';
import { timingSafeEqual } from './domain/callback-token.ts';
import { optionalEnv, requireEnv, requireJsonEnv } from './env.ts';

const namedKeys = z
  .record(z.string(), z.string().min(1))
  .refine((keys) => Object.keys(keys).length > 0, 'no keys');
const keySet = z.object({ keys: z.array(z.looseObject({ kty: z.string() })).min(1) });

/** The key named "default", else the first: what a function calls Supabase with. */
function defaultKey(name: string): string {
  const keys = requireJsonEnv(name, namedKeys);
  return keys.default ?? Object.values(keys)[0]!;
}

/** sb_secret_…, for a function's own calls to Supabase (bypasses RLS: server-side only). */
export const secretKey = () => defaultKey('SUPABASE_SECRET_KEYS');

/** sb_publishable_…, for calls made with a user's JWT (RLS applies). */
export const publishableKey = () => defaultKey('SUPABASE_PUBLISHABLE_KEYS');

/** Whether `token` is one of the project's secret keys (constant time, every key compared). */
export function isSecretKey(token: string): boolean {
  let match = false;
  for (const key of Object.values(requireJsonEnv('SUPABASE_SECRET_KEYS', namedKeys))) {
    match = timingSafeEqual(token, key) || match;
  }
  return match;
}

// The parsed key set, kept while SUPABASE_JWKS stays the same (parsing is the costly part).
let cachedKeys: { raw: string; keys: ReturnType<typeof createLocalJWKSet> } | undefined;

function projectKeys() {
  const raw = requireEnv('SUPABASE_JWKS');
  if (cachedKeys?.raw !== raw) {
    const jwks = requireJsonEnv('SUPABASE_JWKS', keySet) as JSONWebKeySet;
    cachedKeys = { raw, keys: createLocalJWKSet(jwks) };
  }
  return cachedKeys.keys;
}

/**
 * The claims of a JWT signed by one of the project's signing keys (ES256, by `kid`) or, while
 * LEGACY_JWT_SECRET is set, by the legacy HS256 secret; `legacy` says which. Null for anything
 * else (forged, expired, not a JWT). A missing SUPABASE_JWKS throws: it is a deployment error.
 */
export async function verifyJwt(
  token: string,
): Promise<{ claims: JWTPayload; legacy: boolean } | null> {
  const keys = projectKeys();
  const legacySecret = optionalEnv('LEGACY_JWT_SECRET');
  const legacy = legacySecret ? new TextEncoder().encode(legacySecret) : null;
  try {
    // The algorithm picks the key: an HS256 token never meets a public key as its secret.
    const { payload, protectedHeader } = await jwtVerify(
      token,
      (header, input) => (header.alg === 'HS256' && legacy ? legacy : keys(header, input)),
      { algorithms: legacy ? ['ES256', 'HS256'] : ['ES256'] },
    );
    return { claims: payload, legacy: protectedHeader.alg === 'HS256' };
  } catch {
    return null;
  }
}
