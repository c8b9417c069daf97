import { loadPaymentsPage } from '$lib/payments.ts';
import { signedIn } from '$lib/signed-in.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, url }) => {
  const { supabase, session } = await signedIn(parent);
  const param = (name: string) => url.searchParams.get(name) ?? '';
  const filter = {
    status: param('status'),
    from: param('from'),
    to: param('to'),
    site: param('site'),
    before: param('before'),
  };
  return {
    supabase,
    email: session.user.email ?? '',
    filter,
    page: loadPaymentsPage(supabase, session.user.id, filter),
  };
};
