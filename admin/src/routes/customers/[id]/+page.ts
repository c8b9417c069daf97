import { error } from '@sveltejs/kit';
import { loadCustomer } from '$lib/customers.ts';
import { signedIn } from '$lib/signed-in.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, params }) => {
  const { supabase, session } = await signedIn(parent);
  const customer = await loadCustomer(supabase, params.id);
  if (!customer) error(404, 'No such customer, or not yours to see.');
  return { supabase, email: session.user.email ?? '', customer };
};
