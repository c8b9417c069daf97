import bcrypt from 'bcryptjs';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';

export type AuthUser = {
  id: string;
  email: string;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  invited_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
  banned_until: Date | null;
};

const columns = `id, email, encrypted_password, email_confirmed_at, invited_at, last_sign_in_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at, banned_until`;

/** The user object GoTrue returns (never the password hash). */
export function publicUser(user: AuthUser) {
  return {
    id: user.id,
    aud: 'authenticated',
    role: 'authenticated',
    email: user.email,
    email_confirmed_at: user.email_confirmed_at,
    invited_at: user.invited_at,
    phone: '',
    last_sign_in_at: user.last_sign_in_at,
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    identities: [],
    created_at: user.created_at,
    updated_at: user.updated_at,
    is_anonymous: false,
  };
}

export async function findUserByEmail(sql: Sql, email: string): Promise<AuthUser | null> {
  const rows = await sql.unsafe<AuthUser[]>(
    `select ${columns} from auth.users where lower(email) = lower($1) and deleted_at is null`,
    [email],
  );
  return rows[0] ?? null;
}

export async function findUserById(sql: Sql, id: string): Promise<AuthUser | null> {
  const rows = await sql.unsafe<AuthUser[]>(
    `select ${columns} from auth.users where id = $1 and deleted_at is null`,
    [id],
  );
  return rows[0] ?? null;
}

/** bcrypt like GoTrue; hashes made by pgcrypto's crypt() in seed.sql verify too. */
export async function passwordMatches(user: AuthUser, password: string): Promise<boolean> {
  if (!user.encrypted_password) return false;
  return bcrypt.compare(password, user.encrypted_password);
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, 10);
}

export async function createUser(
  sql: Sql,
  input: {
    email: string;
    password?: string;
    confirmed: boolean;
    invited: boolean;
    userMetadata?: Record<string, unknown>;
    appMetadata?: Record<string, unknown>;
  },
): Promise<{ user: AuthUser; confirmationToken: string | null }> {
  const hash = input.password ? await hashPassword(input.password) : null;
  const confirmationToken = input.confirmed ? null : randomBytes(24).toString('hex');
  const appMetadata = { provider: 'email', providers: ['email'], ...input.appMetadata };
  const rows = await sql.unsafe<AuthUser[]>(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
       invited_at, confirmation_token, confirmation_sent_at, raw_app_meta_data, raw_user_meta_data,
       created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', $1::uuid, 'authenticated', 'authenticated',
       lower($2::text), $3::text, case when $4::boolean then now() end,
       case when $5::boolean then now() end, $6::text, case when $6::text is not null then now() end,
       $7::jsonb, $8::jsonb, now(), now())
     returning ${columns}`,
    [
      randomUUID(),
      input.email,
      hash,
      input.confirmed,
      input.invited,
      confirmationToken,
      sql.json(appMetadata as never),
      sql.json((input.userMetadata ?? {}) as never),
    ],
  );
  return { user: rows[0], confirmationToken };
}
