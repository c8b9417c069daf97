import type { Session } from '@supabase/supabase-js';
import type { SupabaseClient } from './supabase.ts';
import { error, redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';

type RootData = {
  supabase: SupabaseClient | null;
  session: Session | null;
  setupError: string | null;
};

/** For pages behind sign-in: the client and session, or off to the sign-in page. */
export async function signedIn(parent: () => Promise<RootData>) {
  const { supabase, session, setupError } = await parent();
  if (!supabase) error(503, setupError ?? 'The admin could not start.');
  if (!session) redirect(307, resolve('/login'));
  return { supabase, session };
}
