import {
  createLocalJWKSet,
  importJWK,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
} from 'jose';

/** The project's JWT signing key (ES256, private part `d` included): never leaves the stack. */
export type SigningJwk = {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  d: string;
  kid: string;
  alg: 'ES256';
};

/** Signing and verifying the project's JWTs, as Supabase Auth and PostgREST see them. */
export type ProjectJwt = {
  /** The public keys (GET /auth/v1/.well-known/jwks.json): no private part. */
  jwks: JSONWebKeySet;
  /** A JWT signed with the current signing key (ES256), `kid` in its header. */
  sign(claims: Record<string, unknown>, expiresInSeconds: number): Promise<string>;
  /** Claims of a JWT signed by the signing key, or by the legacy HS256 secret when one is kept. */
  verify(token: string): Promise<JWTPayload>;
  /** Claims of a JWT signed by the legacy HS256 secret only (what Supabase's verify_jwt checks). */
  verifyLegacy(token: string): Promise<JWTPayload>;
};

/** HS256-signs a Supabase-shaped JWT (legacy keys, and tests forging tokens). */
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

/** The public half of a signing key, as a JWKS publishes it. */
export function publicJwk({ kty, crv, x, y, kid, alg }: SigningJwk): JWK {
  return { kty, crv, x, y, kid, alg, use: 'sig' };
}

export function projectJwt(keys: { signingKey: SigningJwk; legacyJwtSecret?: string }): ProjectJwt {
  const jwks: JSONWebKeySet = { keys: [publicJwk(keys.signingKey)] };
  const publicKeys = createLocalJWKSet(jwks);
  const privateKey = importJWK(keys.signingKey, 'ES256');
  const legacy = keys.legacyJwtSecret ? new TextEncoder().encode(keys.legacyJwtSecret) : null;

  return {
    jwks,
    async sign(claims, expiresInSeconds) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: keys.signingKey.kid })
        .setIssuedAt(now)
        .setExpirationTime(now + expiresInSeconds)
        .sign(await privateKey);
    },
    async verify(token) {
      // The algorithm picks the key, never the other way round: an HS256 token "signed" with
      // the public key as its secret finds no HMAC key but the legacy secret.
      const { payload } = await jwtVerify(
        token,
        (header, input) => (header.alg === 'HS256' && legacy ? legacy : publicKeys(header, input)),
        { algorithms: legacy ? ['ES256', 'HS256'] : ['ES256'] },
      );
      return payload;
    },
    async verifyLegacy(token) {
      if (!legacy) throw new Error('this project keeps no legacy JWT secret');
      return (await jwtVerify(token, legacy, { algorithms: ['HS256'] })).payload;
    },
  };
}
