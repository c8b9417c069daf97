import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, type JSONWebKeySet } from 'jose';
import { z } from 'zod';
import { projectJwt, signJwt, type ProjectJwt, type SigningJwk } from './jwt.ts';

/**
 * A project's keys as hosted Supabase has them during the move off legacy keys:
 * - API keys `sb_publishable_…` (the anon role) and `sb_secret_…` (service_role): opaque, not
 *   JWTs; the gateway swaps them for a short-lived JWT before PostgREST and Auth see a request.
 * - the JWT signing key (ES256): Auth signs sessions with it; its public half is the JWKS.
 * - legacy: the HS256 JWT secret and the `anon` / `service_role` JWTs signed with it, still
 *   accepted side by side (Supabase deprecates them by the end of 2026). The secret also seeds
 *   the local PAY_CALLBACK_SECRET.
 */
const keysFile = z.object({
  publishableKey: z.string().startsWith('sb_publishable_'),
  secretKey: z.string().startsWith('sb_secret_'),
  signingKey: z.object({
    kty: z.literal('EC'),
    crv: z.literal('P-256'),
    x: z.string(),
    y: z.string(),
    d: z.string(),
    kid: z.string(),
    alg: z.literal('ES256'),
  }),
  // Legacy keys.
  jwtSecret: z.string().min(32),
  anonKey: z.string(),
  serviceRoleKey: z.string(),
});
const legacyKeysFile = keysFile.pick({ jwtSecret: true, anonKey: true, serviceRoleKey: true });

export type ApiKeys = z.infer<typeof keysFile>;
type LegacyKeys = z.infer<typeof legacyKeysFile>;

/** What tests and tools may know (stack.json): every key but the private signing key. */
export type PublicKeys = Omit<ApiKeys, 'signingKey'> & { jwks: JSONWebKeySet };

/** The project's JWTs: signed with the signing key, verified by it or by the legacy secret. */
export function jwtOf(keys: ApiKeys): ProjectJwt {
  return projectJwt({ signingKey: keys.signingKey, legacyJwtSecret: keys.jwtSecret });
}

export function publicKeys({ signingKey, ...keys }: ApiKeys): PublicKeys {
  return { ...keys, jwks: projectJwt({ signingKey }).jwks };
}

const opaque = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

async function newSigningKey(): Promise<SigningJwk> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const { x, y, d } = await exportJWK(privateKey);
  if (!x || !y || !d) throw new Error('exported EC key without coordinates');
  return { kty: 'EC', crv: 'P-256', x, y, d, kid: randomUUID(), alg: 'ES256' };
}

/** A fresh JWT secret (PostgREST needs >= 32 characters) and the anon/service keys signed with it. */
async function newLegacyKeys(): Promise<LegacyKeys> {
  const jwtSecret = randomBytes(32).toString('hex');
  const tenYears = 10 * 365 * 24 * 3600;
  return {
    jwtSecret,
    anonKey: await signJwt(jwtSecret, { iss: 'supabase-local', role: 'anon' }, tenYears),
    serviceRoleKey: await signJwt(
      jwtSecret,
      { iss: 'supabase-local', role: 'service_role' },
      tenYears,
    ),
  };
}

/** Every key of a new project (a signing key pair of its own per stack). */
export async function newApiKeys(legacy?: LegacyKeys): Promise<ApiKeys> {
  return {
    publishableKey: opaque('sb_publishable_'),
    secretKey: opaque('sb_secret_'),
    signingKey: await newSigningKey(),
    ...(legacy ?? (await newLegacyKeys())),
  };
}

/**
 * Keys survive restarts so a signed-in admin stays signed in; a reset makes new ones. A file
 * from before the new keys existed keeps its legacy keys and gains the rest.
 */
export async function loadOrCreateKeys(file: string): Promise<ApiKeys> {
  const stored: unknown = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  const current = keysFile.safeParse(stored);
  if (current.success) return current.data;
  const legacy = legacyKeysFile.safeParse(stored);
  const keys = await newApiKeys(legacy.success ? legacy.data : undefined);
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

/** PostgREST's jwt-secret: a JWKS of the signing key's public half and the legacy HS256 secret. */
export function postgrestJwtSecret(keys: ApiKeys): string {
  const legacy = { kty: 'oct', alg: 'HS256', k: Buffer.from(keys.jwtSecret).toString('base64url') };
  return JSON.stringify({ keys: [...projectJwt(keys).jwks.keys, legacy] });
}

/**
 * What hosted Supabase gives every edge function (SUPABASE_PUBLISHABLE_KEYS, SUPABASE_SECRET_KEYS,
 * SUPABASE_JWKS), plus LEGACY_JWT_SECRET, which a project sets itself while callers still use
 * legacy keys (`supabase secrets set` refuses names starting with SUPABASE_).
 */
export function functionsKeyEnv(keys: ApiKeys): Record<string, string> {
  return {
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: keys.publishableKey }),
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: keys.secretKey }),
    SUPABASE_JWKS: JSON.stringify(projectJwt(keys).jwks),
    LEGACY_JWT_SECRET: keys.jwtSecret,
  };
}
