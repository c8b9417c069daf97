import { loadCashUpPage } from '$lib/cashup.ts';
import { signedIn } from '$lib/signed-in.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, depends, url }) => {
  depends('app:cashup');
  const { supabase, session } = await signedIn(parent);
  const filter = {
    day: url.searchParams.get('day') ?? '',
    seller: url.searchParams.get('seller') ?? '',
  };
  return {
    supabase,
    email: session.user.email ?? '',
    filter,
    page: loadCashUpPage(supabase, session.user.id, filter),
  };
};
