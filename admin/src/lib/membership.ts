import type { SupabaseClient } from './supabase.ts';
import { z } from 'zod';
import { ROLES } from '$domain/roles.ts';
import { errorWords, type ApiError } from './errors.ts';

/** The API's answer as the schema says, or an error with a message for the operator. */
export function checked<T>(
  answer: { data: unknown; error: ApiError | null },
  schema: z.ZodType<T>,
  what: string,
): T {
  if (answer.error) throw new Error(errorWords(answer.error, `load ${what}`));
  const parsed = schema.safeParse(answer.data);
  if (!parsed.success) throw new Error(`The server sent ${what} we cannot read.`);
  return parsed.data;
}

const membershipSchema = z.object({
  role: z.enum(ROLES),
  organization: z.object({
    id: z.string(),
    name: z.string(),
    // Set while platform staff have it suspended: members may read but not change anything.
    suspended_at: z.string().nullable(),
    suspended_reason: z.string().nullable(),
  }),
});
export type Membership = z.infer<typeof membershipSchema>;

// Which organization this device works on, for users who belong to several.
const CHOSEN_KEY = 'wifi-billing:organization';

/** Work on this organization from now on (on this device). */
export function chooseOrganization(organizationId: string): void {
  localStorage.setItem(CHOSEN_KEY, organizationId);
}

/**
 * The organization this admin works on (the one chosen on this device, else the first by name)
 * and the user's role there; null when they belong to none. The UI mirrors the role; RLS
 * enforces it.
 */
export async function currentMembership(
  supabase: SupabaseClient,
  userId: string,
): Promise<Membership | null> {
  const memberships = checked(
    await supabase
      .from('memberships')
      .select('role, organization:organizations(id, name, suspended_at, suspended_reason)')
      .eq('user_id', userId),
    z.array(membershipSchema),
    'your organizations',
  );
  memberships.sort((a, b) => a.organization.name.localeCompare(b.organization.name));
  const chosen = localStorage.getItem(CHOSEN_KEY);
  return memberships.find((m) => m.organization.id === chosen) ?? memberships[0] ?? null;
}

let barCheck: { key: string; at: number; membership: Promise<Membership | null> } | null = null;

/**
 * The current membership for the section bar (the owners' links, the suspension banner).
 * Remembered for a minute per user and chosen organization so each page does not ask again;
 * RLS decides what anyone may do. Null when signed out, in no organization, or offline.
 */
export async function barMembership(supabase: SupabaseClient): Promise<Membership | null> {
  const { data } = await supabase.auth.getSession();
  const userId = data.session?.user.id;
  if (!userId) return null;
  const key = `${userId}|${localStorage.getItem(CHOSEN_KEY) ?? ''}`;
  if (!barCheck || barCheck.key !== key || Date.now() - barCheck.at > 60_000) {
    const membership = currentMembership(supabase, userId);
    barCheck = { key, at: Date.now(), membership };
    // A failure (offline) is not remembered: the next page asks again.
    membership.catch(() => (barCheck = null));
  }
  return barCheck.membership.catch(() => null);
}
