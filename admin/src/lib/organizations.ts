import type { SupabaseClient } from './supabase.ts';
import { z } from 'zod';
import { errorWords } from './errors.ts';
import { withOfflineCopy } from './offline-copy.ts';

const organizationsSchema = z.array(z.object({ id: z.string(), name: z.string() }));
export type Organization = z.infer<typeof organizationsSchema>[number];

export type OrganizationsResult =
  | { ok: true; organizations: Organization[]; savedAt: number | null }
  | { ok: false; problem: string };

class Unreachable extends Error {}

/**
 * The organizations the signed-in user belongs to (row-level security filters them), or this
 * device's last copy when offline. Never rejects, so the page can stream it and show a loading
 * and an error state.
 */
export async function listOrganizations(supabase: SupabaseClient): Promise<OrganizationsResult> {
  try {
    const { data, savedAt } = await withOfflineCopy(
      'organizations',
      async () => {
        const answer = await supabase.from('organizations').select('id,name').order('name');
        // supabase-js reports a failed fetch as an error object rather than rejecting.
        if (answer.error && answer.status === 0) throw new Unreachable(answer.error.message);
        if (answer.error) throw new Error(errorWords(answer.error, 'load your organizations'));
        const parsed = organizationsSchema.safeParse(answer.data);
        if (!parsed.success) throw new Error('The server sent organizations we cannot read.');
        return parsed.data;
      },
      (error) => error instanceof Unreachable,
    );
    return { ok: true, organizations: data, savedAt };
  } catch (error) {
    if (error instanceof Unreachable)
      return {
        ok: false,
        problem: 'Cannot reach the server. Check your connection and try again.',
      };
    return { ok: false, problem: (error as Error).message };
  }
}
