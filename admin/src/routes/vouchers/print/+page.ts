import { portalBaseUrl } from '$lib/supabase.ts';
import { signedIn } from '$lib/signed-in.ts';
import { loadPrintable } from '$lib/vouchers.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, url }) => {
  const { supabase, session } = await signedIn(parent);
  const filter = { search: url.searchParams.get('q') ?? '', status: 'active' };
  return {
    portalUrl: portalBaseUrl() ?? url.origin,
    vouchers: await loadPrintable(supabase, session.user.id, filter),
  };
};
