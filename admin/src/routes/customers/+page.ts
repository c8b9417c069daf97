import { loadCustomersPage } from '$lib/customers.ts';
import { signedIn } from '$lib/signed-in.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, url }) => {
  const { supabase, session } = await signedIn(parent);
  const search = url.searchParams.get('phone') ?? '';
  const before = url.searchParams.get('before') ?? '';
  return {
    supabase,
    email: session.user.email ?? '',
    search,
    before,
    page: loadCustomersPage(supabase, session.user.id, search, before),
  };
};
