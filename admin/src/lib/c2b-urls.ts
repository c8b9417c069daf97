// The organization's C2B URLs (where M-Pesa posts payments made by hand to its paybill or till),
// through the pay-c2b edge function, owners only: see them, rotate them (new URLs; the old ones
// stop working 72 hours after the new ones are registered) and register them with Daraja.
// Sandbox registers a rotation at once; production keeps one registration per shortcode, so the
// owner first deletes the old URLs in Daraja's URL management, then taps Register.
import { FunctionsFetchError, FunctionsHttpError } from '@supabase/supabase-js';
import { z } from 'zod';
import type { SupabaseClient } from './supabase.ts';

export const c2bUrlsSchema = z.object({
  environment: z.string(),
  shortcode: z.string(),
  generation: z.number(),
  registered_at: z.string().nullable(),
  previous: z.object({ generation: z.number(), expires_at: z.string().nullable() }).nullable(),
  confirmation: z.string(),
  validation: z.string(),
  register_problem: z.string().optional(),
});

export type C2bUrls = z.output<typeof c2bUrlsSchema>;

export type C2bAction = 'urls' | 'rotate' | 'register';

/** Calls pay-c2b's owner route `action`; the URLs' state, or a problem in plain words. */
export async function c2bUrlsAction(
  supabase: SupabaseClient,
  organizationId: string,
  action: C2bAction,
): Promise<C2bUrls | { problem: string }> {
  const { data, error } = await supabase.functions.invoke(`pay-c2b/${action}`, {
    body: { organization_id: organizationId },
  });
  if (error) {
    if (error instanceof FunctionsHttpError) {
      const response = error.context as Response;
      const answer = (await response.json().catch(() => null)) as { message?: string } | null;
      if (response.status === 403) return { problem: 'Only owners manage the C2B URLs.' };
      if (response.status === 502)
        return { problem: `M-Pesa refused the URLs: ${answer?.message ?? 'no reason given'}.` };
      if (answer?.message) return { problem: answer.message };
    }
    if (error instanceof FunctionsFetchError)
      return { problem: 'The server cannot be reached. Check your connection and try again.' };
    return { problem: 'Could not reach M-Pesa settings right now. Try again in a minute.' };
  }
  const parsed = c2bUrlsSchema.safeParse(data);
  return parsed.success ? parsed.data : { problem: 'The server sent an answer we cannot read.' };
}
