import { error } from '@sveltejs/kit';
import { loadPayment } from '$lib/payments.ts';
import { signedIn } from '$lib/signed-in.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, params }) => {
  const { supabase, session } = await signedIn(parent);
  const payment = await loadPayment(supabase, params.id);
  if (!payment) error(404, 'No such payment, or it is not yours to see.');
  return { supabase, email: session.user.email ?? '', payment };
};
