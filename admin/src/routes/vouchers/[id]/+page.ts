import { error } from '@sveltejs/kit';
import { signedIn } from '$lib/signed-in.ts';
import { loadVoucherDetail } from '$lib/voucher-detail.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, params }) => {
  const { supabase, session } = await signedIn(parent);
  const voucher = await loadVoucherDetail(supabase, session.user.id, params.id);
  if (!voucher) error(404, 'No such voucher, or it is not yours to see.');
  return { supabase, email: session.user.email ?? '', voucher };
};
