import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from 'postgres';
import type { ProjectJwt } from '../jwt.ts';
import { z } from 'zod';
import { authEmail, type Mailer } from './mailer.ts';
import { endSessions, issueSession, redeemRefreshToken } from './session.ts';
import {
  createUser,
  findUserByEmail,
  findUserById,
  hashPassword,
  passwordMatches,
  publicUser,
} from './users.ts';

/**
 * A local stand-in for Supabase Auth (GoTrue), covering the endpoints supabase-js calls for our
 * admin app. Production uses real Supabase Auth with the same client code.
 */
export type AuthRequest = {
  method: string;
  path: string; // below /auth/v1
  query: URLSearchParams;
  authorization: string | undefined;
  body: unknown;
};
export type AuthResponse = { status: number; body: unknown; headers?: Record<string, string> };

type Options = {
  sql: Sql;
  /** Signs sessions (ES256) and verifies bearer tokens (those, or legacy HS256 ones). */
  jwt: ProjectJwt;
  /** The public URL of /auth/v1 (GoTrue's API_EXTERNAL_URL): JWT issuer and base of email links. */
  issuer: string;
  /** GoTrue's SITE_URL: where email links lead when redirect_to is missing or not allowed. */
  siteUrl?: string;
  /** GoTrue's URI_ALLOW_LIST, as origins: redirect_to must be on one of them (or siteUrl's). */
  redirectUrls?: string[];
  /** Sends invitation and password reset emails (through SMTP); without it none are sent. */
  mailer?: Mailer;
  /** How long an email link works (GoTrue's MAILER_OTP_EXP; Supabase's default 3600 s). */
  otpExpirySeconds?: number;
};
type Claims = { sub?: string; role?: string; session_id?: string };

class AuthError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const credentials = z.object({ email: z.email(), password: z.string().min(1) });
const refresh = z.object({ refresh_token: z.string().min(1) });
const metadata = z.record(z.string(), z.unknown()).optional();
const adminCreate = z.object({
  email: z.email(),
  password: z.string().min(6).optional(),
  email_confirm: z.boolean().optional(),
  user_metadata: metadata,
  app_metadata: metadata,
});
const invite = z.object({ email: z.email(), data: metadata });
const updateUser = z.object({ password: z.string().min(6).optional(), data: metadata });
const verify = z.object({
  type: z.enum(['invite', 'signup', 'email', 'recovery', 'magiclink']),
  token_hash: z.string().min(1),
});
const recover = z.object({ email: z.email() });
const verifyLink = z.object({
  token: z.string().min(1),
  type: z.enum(['invite', 'signup', 'recovery', 'magiclink']),
  redirect_to: z.string().optional(),
});
type LinkType = z.infer<typeof verifyLink>['type'];

export function createAuthHandler(options: Options) {
  const { sql } = options;
  const otpExpirySeconds = options.otpExpirySeconds ?? 3600;
  const siteUrl = options.siteUrl ?? new URL(options.issuer).origin;

  /** GoTrue keeps redirect_to only when it is on an allowed origin; otherwise the site URL. */
  function redirectTarget(requested: string | null | undefined): string {
    if (!requested) return siteUrl;
    let url: URL;
    try {
      url = new URL(requested);
    } catch {
      return siteUrl;
    }
    const allowed = [siteUrl, ...(options.redirectUrls ?? [])].map((u) => new URL(u).origin);
    return allowed.includes(url.origin) ? url.toString() : siteUrl;
  }

  /** Mails a link as GoTrue does: {API_EXTERNAL_URL}/verify?token=<hash>&type=…&redirect_to=… */
  async function mailLink(
    kind: 'invite' | 'recovery',
    email: string,
    hash: string,
    redirect: string,
  ) {
    if (!options.mailer) return;
    const link = `${options.issuer}/verify?${new URLSearchParams({ token: hash, type: kind, redirect_to: redirect })}`;
    await options.mailer({ to: email, ...authEmail(kind, link) });
  }

  /** Redeems an email link's token once, within its lifetime; the user, or null. */
  async function redeemLink(type: LinkType, hash: string) {
    const [column, sentAt] =
      type === 'invite' || type === 'signup'
        ? ['confirmation_token', 'confirmation_sent_at']
        : ['recovery_token', 'recovery_sent_at'];
    const rows = await sql.unsafe<{ id: string }[]>(
      `update auth.users set ${column} = null, email_confirmed_at = coalesce(email_confirmed_at, now()),
         updated_at = now()
       where ${column} = $1 and ${sentAt} > now() - make_interval(secs => $2::int)
         and deleted_at is null
       returning id`,
      [hash, otpExpirySeconds],
    );
    return rows[0] ? findUserById(sql, rows[0].id) : null;
  }

  async function claimsOf(authorization: string | undefined): Promise<Claims> {
    const token = authorization?.match(/^Bearer (.+)$/i)?.[1];
    if (!token)
      throw new AuthError(401, 'no_authorization', 'This endpoint requires a Bearer token');
    try {
      return (await options.jwt.verify(token)) as Claims;
    } catch {
      throw new AuthError(403, 'bad_jwt', 'invalid JWT: unable to parse or verify signature');
    }
  }

  async function currentUser(authorization: string | undefined) {
    const claims = await claimsOf(authorization);
    const user = claims.sub ? await findUserById(sql, claims.sub) : null;
    if (!user)
      throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
    const live = claims.session_id
      ? await sql`select 1 from auth.sessions where id = ${claims.session_id}`
      : [];
    if (!live.length)
      throw new AuthError(
        403,
        'session_not_found',
        'Session from session_id claim in JWT does not exist',
      );
    return { user, sessionId: claims.session_id! };
  }

  async function requireServiceRole(authorization: string | undefined) {
    const claims = await claimsOf(authorization);
    if (claims.role !== 'service_role') {
      throw new AuthError(403, 'not_admin', 'User not allowed');
    }
  }

  async function signIn(body: unknown) {
    const input = parse(credentials, body);
    const user = await findUserByEmail(sql, input.email);
    // One answer for unknown email and wrong password: no account enumeration.
    if (!user || !(await passwordMatches(user, input.password))) {
      throw new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
    }
    if (!user.email_confirmed_at)
      throw new AuthError(400, 'email_not_confirmed', 'Email not confirmed');
    if (user.banned_until && user.banned_until > new Date()) {
      throw new AuthError(400, 'user_banned', 'User is banned');
    }
    await sql`update auth.users set last_sign_in_at = now() where id = ${user.id}`;
    return issueSession(sql, options, user, null, null);
  }

  async function refreshSession(body: unknown) {
    const { refresh_token } = parse(refresh, body);
    const row = await redeemRefreshToken(sql, refresh_token);
    const user = row && (await findUserById(sql, row.user_id));
    if (!row || !user) {
      throw new AuthError(
        400,
        'refresh_token_not_found',
        'Invalid Refresh Token: Refresh Token Not Found',
      );
    }
    return issueSession(sql, options, user, row.session_id, refresh_token);
  }

  const routes: Record<string, (request: AuthRequest) => Promise<AuthResponse>> = {
    'GET /health': async () => ok({ name: 'GoTrue (local stand-in)', version: 'local' }),
    // Public keys only: whoever verifies a session (PostgREST, edge functions) needs no secret.
    'GET /.well-known/jwks.json': async () => ({
      status: 200,
      body: options.jwt.jwks,
      headers: { 'cache-control': 'public, max-age=600' },
    }),
    'GET /settings': async () =>
      ok({ external: { email: true }, disable_signup: true, mailer_autoconfirm: false }),
    'POST /token': async ({ query, body }) => {
      const grant = query.get('grant_type');
      if (grant === 'password') return ok(await signIn(body));
      if (grant === 'refresh_token') return ok(await refreshSession(body));
      throw new AuthError(400, 'unsupported_grant_type', 'unsupported_grant_type');
    },
    'GET /user': async ({ authorization }) =>
      ok(publicUser((await currentUser(authorization)).user)),
    'PUT /user': async ({ authorization, body }) => {
      const { user } = await currentUser(authorization);
      const input = parse(updateUser, body);
      const hash = input.password ? await hashPassword(input.password) : null;
      await sql`update auth.users set
                  encrypted_password = coalesce(${hash}, encrypted_password),
                  raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || ${sql.json((input.data ?? {}) as never)},
                  updated_at = now()
                where id = ${user.id}`;
      return ok(publicUser((await findUserById(sql, user.id))!));
    },
    'POST /logout': async ({ authorization, query }) => {
      const { user, sessionId } = await currentUser(authorization);
      await endSessions(sql, user.id, sessionId, query.get('scope') ?? 'global');
      return { status: 204, body: null };
    },
    'POST /admin/users': async ({ authorization, body }) => {
      await requireServiceRole(authorization);
      const input = parse(adminCreate, body);
      await refuseTakenEmail(input.email);
      const { user } = await createUser(sql, {
        email: input.email,
        password: input.password,
        confirmed: input.email_confirm ?? false,
        invited: false,
        userMetadata: input.user_metadata,
        appMetadata: input.app_metadata,
      });
      return ok(publicUser(user));
    },
    'POST /recover': async ({ query, body }) => {
      const input = parse(recover, body);
      const user = await findUserByEmail(sql, input.email);
      // The same answer whether or not the address has an account: no account enumeration.
      if (user) {
        const token = randomBytes(24).toString('hex');
        const hash = tokenHash(user.email, token);
        await sql`update auth.users set recovery_token = ${hash}, recovery_sent_at = now()
                  where id = ${user.id}`;
        await mailLink('recovery', user.email, hash, redirectTarget(query.get('redirect_to')));
      }
      return ok({});
    },
    'GET /verify': async ({ query }) => {
      const input = parse(verifyLink, Object.fromEntries(query));
      const target = redirectTarget(input.redirect_to);
      const user = await redeemLink(input.type, input.token);
      if (!user) {
        return redirect(target, {
          error: 'access_denied',
          error_code: 'otp_expired',
          error_description: 'Email link is invalid or has expired',
        });
      }
      const session = await issueSession(sql, options, user, null, null);
      return redirect(target, {
        access_token: session.access_token,
        expires_at: String(session.expires_at),
        expires_in: String(session.expires_in),
        refresh_token: session.refresh_token,
        token_type: 'bearer',
        type: input.type,
      });
    },
    'POST /invite': async ({ authorization, body, query }) => {
      await requireServiceRole(authorization);
      const input = parse(invite, body);
      await refuseTakenEmail(input.email);
      const { user, confirmationToken } = await createUser(sql, {
        email: input.email,
        confirmed: false,
        invited: true,
        userMetadata: input.data,
      });
      // GoTrue mails a link carrying sha256(email + token); keep the hash so /verify can match it.
      const hash = tokenHash(user.email, confirmationToken!);
      await sql`update auth.users set confirmation_token = ${hash} where id = ${user.id}`;
      await mailLink('invite', user.email, hash, redirectTarget(query.get('redirect_to')));
      return ok(publicUser(user));
    },
    'POST /verify': async ({ body }) => {
      const input = parse(verify, body);
      const type = input.type === 'email' ? 'signup' : input.type;
      const user = await redeemLink(type, input.token_hash);
      if (!user) throw new AuthError(403, 'otp_expired', 'Email link is invalid or has expired');
      return ok(await issueSession(sql, options, user, null, null));
    },
  };

  async function refuseTakenEmail(email: string) {
    if (await findUserByEmail(sql, email)) {
      throw new AuthError(
        422,
        'email_exists',
        'A user with this email address has already been registered',
      );
    }
  }

  return async function handle(request: AuthRequest): Promise<AuthResponse> {
    const adminUser = request.path.match(/^\/admin\/users\/([0-9a-f-]{36})$/);
    try {
      if (adminUser) return await adminUserRoute(request, adminUser[1]);
      const route = routes[`${request.method} ${request.path.replace(/\/$/, '')}`];
      if (!route) return fail(new AuthError(404, 'not_found', 'Not found'));
      return await route(request);
    } catch (error) {
      if (error instanceof AuthError) return fail(error);
      throw error;
    }
  };

  async function adminUserRoute(request: AuthRequest, id: string): Promise<AuthResponse> {
    await requireServiceRole(request.authorization);
    const user = await findUserById(sql, id);
    if (!user) throw new AuthError(404, 'user_not_found', 'User not found');
    if (request.method === 'GET') return ok(publicUser(user));
    if (request.method === 'DELETE') {
      await sql`delete from auth.users where id = ${id}`;
      return ok(publicUser(user));
    }
    throw new AuthError(405, 'method_not_allowed', 'Method not allowed');
  }
}

/** What an invite link carries, as GoTrue computes it. */
export function tokenHash(email: string, token: string): string {
  return createHash('sha256')
    .update(email + token)
    .digest('hex');
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new AuthError(400, 'validation_failed', z.prettifyError(result.error));
  }
  return result.data;
}

const ok = (body: unknown): AuthResponse => ({ status: 200, body });

/** GoTrue's answer to an email link: 303 to the app, the outcome in the URL fragment. */
function redirect(target: string, fragment: Record<string, string>): AuthResponse {
  const url = new URL(target);
  url.hash = new URLSearchParams(fragment).toString();
  return { status: 303, body: null, headers: { location: url.toString() } };
}

function fail(error: AuthError): AuthResponse {
  // Both error shapes supabase-js understands (API version 2024-01-01 and the older one).
  return {
    status: error.status,
    body: { code: error.code, error_code: error.code, message: error.message, msg: error.message },
  };
}
