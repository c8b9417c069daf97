import { loadSessionsPage } from '$lib/sessions.ts';
import { signedIn } from '$lib/signed-in.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, depends }) => {
  depends('app:sessions');
  const { supabase, session } = await signedIn(parent);
  return {
    supabase,
    email: session.user.email ?? '',
    page: loadSessionsPage(supabase, session.user.id),
  };
};
