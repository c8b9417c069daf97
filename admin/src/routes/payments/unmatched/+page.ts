import { loadUnmatchedPage } from '$lib/payment-support.ts';
import { signedIn } from '$lib/signed-in.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, depends }) => {
  depends('app:unmatched');
  const { supabase, session } = await signedIn(parent);
  return {
    supabase,
    email: session.user.email ?? '',
    page: loadUnmatchedPage(supabase, session.user.id),
  };
};
