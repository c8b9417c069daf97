// The platform section: what platform staff (private.platform_staff, apart from any
// organization's roles) see and do through the RPCs of 20261205001100_platform.sql. Every RPC
// refuses anyone else (not_platform_staff); the app asks is_platform_staff() only to decide what
// to show.
import type { SupabaseClient } from './supabase.ts';
import { z } from 'zod';
import { errorWords, type ApiError } from './errors.ts';
import { jobSchema } from './job-health.ts';
import { checked } from './membership.ts';

export { ago, jobTrouble, spoken, type Job } from './job-health.ts';

// The generated types call every column of a returned table non-null; these say which may be.
const organizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.string(),
  routers_approved_at: z.string().nullable(),
  suspended_at: z.string().nullable(),
  suspended_reason: z.string().nullable(),
  owner_emails: z.array(z.string()),
  sites: z.number(),
  routers: z.number(),
  routers_seen_last_hour: z.number(),
  active_vouchers: z.number(),
  payments_last_day: z.number(),
  failed_payments_last_day: z.number(),
  router_last_seen_at: z.string().nullable(),
});
export type PlatformOrganization = z.infer<typeof organizationSchema>;

export const SIGNUP_MODES = ['invite_only', 'open'] as const;
export type SignupMode = (typeof SIGNUP_MODES)[number];

/** Each mode as private.platform_settings documents it. */
export const SIGNUP_MODE_WORDS: Record<SignupMode, { label: string; meaning: string }> = {
  invite_only: {
    label: 'Invite only (the default)',
    meaning: 'A new organization’s routers are served at once: the platform knows who signs up.',
  },
  open: {
    label: 'Open',
    meaning:
      'Anyone may sign up; platform staff approve each new organization before RADIUS serves its routers.',
  },
};

const settingsSchema = z
  .array(z.object({ signup_mode: z.enum(SIGNUP_MODES), updated_at: z.string() }))
  .length(1)
  .transform(([row]) => row!);
export type PlatformSettings = z.infer<typeof settingsSchema>;

const retentionSchema = z.array(
  z.object({
    kind: z.string(),
    days: z.number().int(),
    minimum_days: z.number().int(),
    reason: z.string(),
    updated_at: z.string(),
  }),
);
export type RetentionPolicy = z.infer<typeof retentionSchema>[number];

let staffCheck: { userId: string; at: number; staff: Promise<boolean> } | null = null;

/**
 * Whether the signed-in user is platform staff (false when signed out). Remembered for a minute
 * per user, so the section bar and the page do not each ask; the RPCs decide anyway.
 */
export async function isPlatformStaff(supabase: SupabaseClient): Promise<boolean> {
  const { data } = await supabase.auth.getSession();
  const userId = data.session?.user.id;
  if (!userId) return false;
  if (!staffCheck || staffCheck.userId !== userId || Date.now() - staffCheck.at > 60_000) {
    const ask = async () =>
      checked(await supabase.rpc('is_platform_staff'), z.boolean(), 'your platform role');
    const staff = ask();
    staffCheck = { userId, at: Date.now(), staff };
    // A failure (offline) is not remembered: the next page asks again.
    staff.catch(() => (staffCheck = null));
  }
  return staffCheck.staff;
}

/** `load` for staff only: null for anyone else (the page says the section is not theirs). */
async function forStaff<T>(supabase: SupabaseClient, load: () => Promise<T>): Promise<T | null> {
  return (await isPlatformStaff(supabase)) ? load() : null;
}

export const loadJobs = (supabase: SupabaseClient) =>
  forStaff(supabase, async () =>
    checked(await supabase.rpc('platform_jobs'), z.array(jobSchema), 'the jobs'),
  );

export const loadOrganizations = (supabase: SupabaseClient) =>
  forStaff(supabase, async () =>
    checked(
      await supabase.rpc('platform_organizations'),
      z.array(organizationSchema),
      'the organizations',
    ),
  );

export const loadSettings = (supabase: SupabaseClient) =>
  forStaff(supabase, async () =>
    checked(await supabase.rpc('platform_settings'), settingsSchema, 'the platform settings'),
  );

export const loadRetention = (supabase: SupabaseClient) =>
  forStaff(supabase, async () =>
    checked(await supabase.rpc('retention_policies'), retentionSchema, 'the retention periods'),
  );

/** A staff action's outcome: null when done, else the problem in words. */
async function act(
  call: PromiseLike<{ error: ApiError | null }>,
  action: string,
): Promise<string | null> {
  const { error } = await call;
  return error ? errorWords(error, action) : null;
}

export const approveOrganization = (supabase: SupabaseClient, organization: PlatformOrganization) =>
  act(
    supabase.rpc('approve_organization', { p_organization_id: organization.id }),
    `approve ${organization.name}`,
  );

export const suspendOrganization = (
  supabase: SupabaseClient,
  organization: PlatformOrganization,
  reason: string,
) =>
  act(
    supabase.rpc('suspend_organization', { p_organization_id: organization.id, p_reason: reason }),
    `suspend ${organization.name}`,
  );

export const resumeOrganization = (supabase: SupabaseClient, organization: PlatformOrganization) =>
  act(
    supabase.rpc('resume_organization', { p_organization_id: organization.id }),
    `resume ${organization.name}`,
  );

export const setRetentionDays = (supabase: SupabaseClient, kind: string, days: number) =>
  act(
    supabase.rpc('set_retention_days', { p_kind: kind, p_days: days }),
    `change how long ${kind} is kept`,
  );

export const setSignupMode = (supabase: SupabaseClient, mode: SignupMode) =>
  act(supabase.rpc('set_signup_mode', { p_mode: mode }), 'change the sign-up mode');

/** What a suspension reason must be (suspend_organization checks the same, after trimming). */
export const suspendReasonSchema = z
  .string()
  .trim()
  .min(1, { error: 'Say why the organization is suspended.' })
  .max(500, { error: 'Say why in at most 500 characters.' });

/** Where an organization stands, most pressing first (the list's own order). */
export function organizationState(
  organization: PlatformOrganization,
): 'suspended' | 'awaiting' | 'active' {
  if (organization.suspended_at) return 'suspended';
  return organization.routers_approved_at ? 'active' : 'awaiting';
}
