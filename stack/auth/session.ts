import { randomBytes, randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import type { ProjectJwt } from '../jwt.ts';
import { type AuthUser, publicUser } from './users.ts';

export const ACCESS_TOKEN_SECONDS = 3600;

/**
 * GoTrue's session response: a JWT with Supabase's claim shape, signed with the project's
 * asymmetric signing key (ES256, as new Supabase projects do), and a rotating refresh token.
 */
export async function issueSession(
  sql: Sql,
  options: { jwt: ProjectJwt; issuer: string },
  user: AuthUser,
  sessionId: string | null,
  parentToken: string | null,
) {
  const now = new Date();
  const session = sessionId ?? randomUUID();
  if (!sessionId) {
    await sql`insert into auth.sessions (id, user_id, created_at, updated_at)
              values (${session}, ${user.id}, ${now}, ${now})`;
  }
  const refreshToken = randomBytes(16).toString('hex');
  await sql`insert into auth.refresh_tokens (token, user_id, revoked, created_at, updated_at, parent, session_id)
            values (${refreshToken}, ${user.id}, false, ${now}, ${now}, ${parentToken}, ${session})`;
  const iat = Math.floor(now.getTime() / 1000);
  const accessToken = await options.jwt.sign(
    {
      iss: options.issuer,
      aud: 'authenticated',
      sub: user.id,
      email: user.email,
      phone: '',
      app_metadata: user.raw_app_meta_data ?? {},
      user_metadata: user.raw_user_meta_data ?? {},
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method: parentToken ? 'token_refresh' : 'password', timestamp: iat }],
      session_id: session,
      is_anonymous: false,
    },
    ACCESS_TOKEN_SECONDS,
  );
  return {
    access_token: accessToken,
    token_type: 'bearer',
    expires_in: ACCESS_TOKEN_SECONDS,
    expires_at: iat + ACCESS_TOKEN_SECONDS,
    refresh_token: refreshToken,
    user: publicUser(user),
  };
}

/** Rotates a refresh token; a revoked or unknown token yields null. */
export async function redeemRefreshToken(sql: Sql, token: string) {
  const rows = await sql<{ user_id: string; session_id: string }[]>`
    update auth.refresh_tokens set revoked = true, updated_at = now()
    where token = ${token} and not revoked
    returning user_id, session_id`;
  return rows[0] ?? null;
}

export async function endSessions(sql: Sql, userId: string, sessionId: string, scope: string) {
  if (scope === 'global') {
    await sql`delete from auth.sessions where user_id = ${userId}`;
  } else if (scope === 'others') {
    await sql`delete from auth.sessions where user_id = ${userId} and id <> ${sessionId}`;
  } else {
    await sql`delete from auth.sessions where id = ${sessionId}`;
  }
}
