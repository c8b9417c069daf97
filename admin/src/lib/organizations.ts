import type { SupabaseClient } from '@supabase/supabase-js';
import { z } from 'zod';

const organizationsSchema = z.array(z.object({ id: z.string(), name: z.string() }));
export type Organization = z.infer<typeof organizationsSchema>[number];

export type OrganizationsResult =
  { ok: true; organizations: Organization[] } | { ok: false; problem: string };

/**
 * The organizations the signed-in user belongs to (row-level security filters them). Never
 * rejects, so the page can stream it and show a loading and an error state.
 */
export async function listOrganizations(supabase: SupabaseClient): Promise<OrganizationsResult> {
  try {
    const { data, error } = await supabase.from('organizations').select('id,name').order('name');
    if (error) return { ok: false, problem: `Could not load your organizations: ${error.message}` };
    const parsed = organizationsSchema.safeParse(data);
    if (!parsed.success)
      return { ok: false, problem: 'The server sent organizations we cannot read.' };
    return { ok: true, organizations: parsed.data };
  } catch {
    return { ok: false, problem: 'Cannot reach the server. Check your connection and try again.' };
  }
}
