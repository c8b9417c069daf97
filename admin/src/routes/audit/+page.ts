import { loadAuditPage } from '$lib/audit.ts';
import { signedIn } from '$lib/signed-in.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, depends, url }) => {
  depends('app:audit');
  const { supabase, session } = await signedIn(parent);
  const param = (name: string) => url.searchParams.get(name) ?? '';
  const filter = {
    action: param('action'),
    table: param('table'),
    from: param('from'),
    to: param('to'),
    before: param('before'),
  };
  return {
    supabase,
    email: session.user.email ?? '',
    filter,
    page: loadAuditPage(supabase, session.user.id, filter),
  };
};
