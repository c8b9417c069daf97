import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';

export type ApiKeys = { jwtSecret: string; anonKey: string; serviceRoleKey: string };

/** HS256-signs a Supabase-shaped JWT. */
export function signJwt(
  secret: string,
  claims: Record<string, unknown>,
  expiresInSeconds: number,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + expiresInSeconds)
    .sign(new TextEncoder().encode(secret));
}

/** A fresh JWT secret (PostgREST needs >= 32 characters) and the anon/service keys signed with it. */
export async function newApiKeys(): Promise<ApiKeys> {
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
