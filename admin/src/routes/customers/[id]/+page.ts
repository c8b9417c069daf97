import { error } from '@sveltejs/kit';
import { loadCustomer } from '$lib/customers.ts';
import { currentMembership } from '$lib/membership.ts';
import { signedIn } from '$lib/signed-in.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, params, depends }) => {
  depends('app:customer'); // an erasure reloads the customer
  const { supabase, session } = await signedIn(parent);
  const [customer, membership] = await Promise.all([
    loadCustomer(supabase, params.id),
    currentMembership(supabase, session.user.id),
  ]);
  if (!customer) error(404, 'No such customer, or not yours to see.');
  // Export and erasure are the owner's (the database refuses anyone else).
  const isOwner =
    membership?.role === 'owner' && membership.organization.id === customer.organization_id;
  return { supabase, email: session.user.email ?? '', customer, isOwner };
};
