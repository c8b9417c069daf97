import { loadRetention, loadSettings } from '$lib/platform.ts';
import { signedIn } from '$lib/signed-in.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, depends }) => {
  depends('app:platform-settings');
  const { supabase, session } = await signedIn(parent);
  return {
    supabase,
    email: session.user.email ?? '',
    settings: loadSettings(supabase),
    retention: loadRetention(supabase),
  };
};
