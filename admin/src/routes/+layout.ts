import { getSupabase, SetupError } from '$lib/supabase.ts';
import type { LayoutLoad } from './$types';

// A client-side app served as static files: no server rendering, nothing prerendered.
export const ssr = false;
export const prerender = false;

export const load: LayoutLoad = async ({ fetch, depends }) => {
  depends('supabase:auth');
  try {
    const supabase = await getSupabase(fetch);
    const { data } = await supabase.auth.getSession();
    return { supabase, session: data.session, setupError: null };
  } catch (err) {
    // Not thrown: an error in the root layout would leave a blank page. Pages turn it into
    // their error state instead.
    if (!(err instanceof SetupError)) throw err;
    return { supabase: null, session: null, setupError: err.message };
  }
};
