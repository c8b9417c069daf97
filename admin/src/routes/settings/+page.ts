import { loadSettingsPage } from '$lib/settings.ts';
import { signedIn } from '$lib/signed-in.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, depends }) => {
  depends('app:settings');
  const { supabase, session } = await signedIn(parent);
  return {
    supabase,
    email: session.user.email ?? '',
    page: loadSettingsPage(supabase, session.user.id),
  };
};
