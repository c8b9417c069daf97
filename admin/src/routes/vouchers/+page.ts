import { signedIn } from '$lib/signed-in.ts';
import { loadVouchersPage } from '$lib/vouchers.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, depends, url }) => {
  depends('app:vouchers');
  const { supabase, session } = await signedIn(parent);
  const filter = {
    search: url.searchParams.get('q') ?? '',
    status: url.searchParams.get('status') ?? '',
    before: url.searchParams.get('before') ?? '',
  };
  return {
    supabase,
    email: session.user.email ?? '',
    filter,
    page: loadVouchersPage(supabase, session.user.id, filter),
  };
};
