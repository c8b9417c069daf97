import { signedIn } from '$lib/signed-in.ts';
import { loadTeamPage } from '$lib/team.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, depends }) => {
  depends('app:team');
  const { supabase, session } = await signedIn(parent);
  return {
    supabase,
    email: session.user.email ?? '',
    userId: session.user.id,
    page: loadTeamPage(supabase, session.user.id),
  };
};
