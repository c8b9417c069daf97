import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { stackInfo } from './stack.ts';

export type TestUser = { id: string; email: string; password: string; accessToken: string };

/** A supabase-js client like the admin app's, with no session persisted anywhere. */
export function client(key = stackInfo().publishableKey): SupabaseClient {
  return createClient(stackInfo().supabaseUrl, key, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
}

/** The database as its owner (`postgres`, as in Supabase's connection string): for test set-up only. */
let owner: postgres.Sql | undefined;
export function ownerSql(): postgres.Sql {
  owner ??= postgres(stackInfo().dbUrl, { max: 4, onnotice: () => {} });
  return owner;
}

/** A confirmed user created through the auth stand-in's admin API, then signed in. */
export async function createTestUser(label = 'user'): Promise<TestUser> {
  const email = `${label}-${randomUUID().slice(0, 8)}@test.local`;
  const password = `pw-${randomUUID()}`;
  const admin = client(stackInfo().secretKey);
  const created = await admin.auth.admin.createUser({ email, password, email_confirm: true });
  if (created.error) throw created.error;
  const signedIn = await client().auth.signInWithPassword({ email, password });
  if (signedIn.error) throw signedIn.error;
  return {
    id: created.data.user.id,
    email,
    password,
    accessToken: signedIn.data.session.access_token,
  };
}

/** A supabase-js client acting as `user` (its JWT on every request, as after sign-in). */
export function clientAs(user: Pick<TestUser, 'accessToken'>): SupabaseClient {
  return createClient(stackInfo().supabaseUrl, stackInfo().publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    global: { headers: { Authorization: `Bearer ${user.accessToken}` } },
  });
}
