import { error } from '@sveltejs/kit';
import { currentMembership } from '$lib/membership.ts';
import { canSupport } from '$lib/payment-support.ts';
import { loadPayment } from '$lib/payments.ts';
import { signedIn } from '$lib/signed-in.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, params, depends }) => {
  depends('app:payment'); // a support action reloads the payment
  const { supabase, session } = await signedIn(parent);
  const [payment, membership] = await Promise.all([
    loadPayment(supabase, params.id),
    currentMembership(supabase, session.user.id),
  ]);
  if (!payment) error(404, 'No such payment, or it is not yours to see.');
  return {
    supabase,
    email: session.user.email ?? '',
    payment,
    canSupport: canSupport(membership),
  };
};
