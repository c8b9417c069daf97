import type { SupabaseClient } from '@supabase/supabase-js';
import { z } from 'zod';
import { checked, currentMembership, type Membership } from './membership.ts';

const hint = z.string().nullable();
const settingsSchema = z.object({
  mpesa: z
    .object({
      environment: z.enum(['sandbox', 'production']),
      shortcode: z.string(),
      account_type: z.string(),
      till_number: z.string().nullable(),
      passkey_hint: hint,
      consumer_key_hint: hint,
      consumer_secret_hint: hint,
    })
    .nullable(),
  sms: z
    .object({ username: z.string(), sender_id: z.string().nullable(), api_key_hint: hint })
    .nullable(),
});
export type PaymentSettings = z.infer<typeof settingsSchema>;

const siteLookSchema = z.object({
  id: z.string(),
  name: z.string(),
  support_phone: z.string().nullable(),
  primary_color: z.string(),
  logo_url: z.string().nullable(),
  default_language: z.enum(['en', 'sw']),
});
export type SiteLook = z.infer<typeof siteLookSchema>;

export type SettingsPage = {
  membership: Membership;
  payment: PaymentSettings | null;
  sites: SiteLook[];
};

/** Secrets never come back: the RPC gives only their last characters. Agents get nothing. */
export async function loadSettingsPage(
  supabase: SupabaseClient,
  userId: string,
): Promise<SettingsPage | null> {
  const membership = await currentMembership(supabase, userId);
  if (!membership) return null;
  if (membership.role === 'agent') return { membership, payment: null, sites: [] };
  const organizationId = membership.organization.id;
  const [payment, sites] = await Promise.all([
    supabase.rpc('payment_settings', { p_organization_id: organizationId }),
    supabase
      .from('sites')
      .select('id, name, support_phone, primary_color, logo_url, default_language')
      .eq('organization_id', organizationId)
      .order('name'),
  ]);
  return {
    membership,
    payment: checked(payment, settingsSchema, 'payment settings'),
    sites: checked(sites, z.array(siteLookSchema), 'sites'),
  };
}

/** An empty secret field keeps the stored secret. */
const secret = z
  .string()
  .trim()
  .transform((value) => value || null);

export const mpesaFormSchema = z.object({
  environment: z.enum(['sandbox', 'production']),
  shortcode: z
    .string()
    .trim()
    .regex(/^\d{5,7}$/, { error: 'The shortcode is 5 to 7 digits.' }),
  account_type: z.enum(['paybill', 'till']),
  till_number: z
    .string()
    .trim()
    .regex(/^(\d{5,7})?$/, { error: 'The till number is 5 to 7 digits.' }),
  passkey: secret,
  consumer_key: secret,
  consumer_secret: secret,
});

export async function saveMpesa(
  supabase: SupabaseClient,
  organizationId: string,
  form: z.output<typeof mpesaFormSchema>,
): Promise<string | null> {
  const { error } = await supabase.rpc('set_mpesa_settings', {
    p_organization_id: organizationId,
    p_environment: form.environment,
    p_shortcode: form.shortcode,
    p_account_type: form.account_type,
    p_till_number: form.till_number,
    p_passkey: form.passkey,
    p_consumer_key: form.consumer_key,
    p_consumer_secret: form.consumer_secret,
  });
  if (error?.code === '22023')
    return 'M-Pesa settings incomplete: the first time, enter the passkey, consumer key and secret.';
  return error ? `Could not save the M-Pesa settings: ${error.message}` : null;
}

export const smsFormSchema = z.object({
  username: z.string().trim().min(1, { error: "Enter the Africa's Talking username." }),
  api_key: secret,
  sender_id: secret,
});

export async function saveSms(
  supabase: SupabaseClient,
  organizationId: string,
  form: z.output<typeof smsFormSchema>,
): Promise<string | null> {
  const { error } = await supabase.rpc('set_sms_settings', {
    p_organization_id: organizationId,
    p_username: form.username,
    p_api_key: form.api_key,
    p_sender_id: form.sender_id,
  });
  if (error?.code === '22023') return 'SMS settings incomplete: the first time, enter the API key.';
  return error ? `Could not save the SMS settings: ${error.message}` : null;
}

export const lookFormSchema = z.object({
  name: z.string().trim().min(1, { error: 'The site needs a name.' }).max(100),
  support_phone: z
    .string()
    .trim()
    .regex(/^(\+[1-9]\d{6,14})?$/, {
      error: 'Support phone in international form, e.g. +254712345678.',
    })
    .transform((value) => value || null),
  primary_color: z.string().regex(/^#[0-9a-fA-F]{6}$/, { error: 'Choose a colour.' }),
  logo_url: z
    .string()
    .trim()
    .regex(/^(https?:\/\/\S{1,2040})?$/, {
      error: 'The logo is a web address starting with https://.',
    })
    .transform((value) => value || null),
  default_language: z.enum(['en', 'sw']),
});

export async function saveLook(
  supabase: SupabaseClient,
  siteId: string,
  look: z.output<typeof lookFormSchema>,
): Promise<string | null> {
  const { error } = await supabase.from('sites').update(look).eq('id', siteId);
  return error ? `Could not save the portal look: ${error.message}` : null;
}
