import type { SupabaseClient } from './supabase.ts';
import { z } from 'zod';
import { LANGUAGES } from '$domain/languages.ts';
import { roleAtLeast } from '$domain/roles.ts';
import { errorWords } from './errors.ts';
import { checked, currentMembership, type Membership } from './membership.ts';
import { rpc, rpcData, type RpcReply } from './rpc.ts';
import { portalBaseUrl } from './supabase.ts';

export type PaymentSettings = RpcReply<'payment_settings'>;

const siteRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  support_phone: z.string().nullable(),
  primary_color: z.string(),
  default_language: z.enum(LANGUAGES),
});
/** A site's look; `logo_url` is where the portal serves its logo (a path on the portal) or null. */
export type SiteLook = z.infer<typeof siteRowSchema> & { logo_url: string | null };

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
  if (!roleAtLeast(membership.role, 'admin')) return { membership, payment: null, sites: [] };
  const organizationId = membership.organization.id;
  const [payment, siteRows] = await Promise.all([
    rpcData(
      supabase,
      'payment_settings',
      { p_organization_id: organizationId },
      'payment settings',
    ),
    supabase
      .from('sites')
      .select('id, name, slug, support_phone, primary_color, default_language')
      .eq('organization_id', organizationId)
      .order('name'),
  ]);
  const rows = checked(siteRows, z.array(siteRowSchema), 'sites');
  // The logo lives in the database; the portal says where it serves it (versioned path).
  const sites = await Promise.all(
    rows.map(async (row): Promise<SiteLook> => {
      const portal = await rpcData(
        supabase,
        'portal_site',
        { p_slug: row.slug },
        `the logo of ${row.name}`,
      );
      return { ...row, logo_url: portal?.logo_url ?? null };
    }),
  );
  return { membership, payment, sites };
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
  // Transaction Status (verifies receipts before the portal redeems them); empty keeps them.
  initiator_name: z
    .string()
    .trim()
    .regex(/^([A-Za-z0-9_.@-]{1,100})?$/, {
      error: 'The initiator name is letters, digits and . _ @ - only.',
    })
    .transform((value) => value || null),
  security_credential: secret,
});

export async function saveMpesa(
  supabase: SupabaseClient,
  organizationId: string,
  form: z.output<typeof mpesaFormSchema>,
): Promise<string | null> {
  const { error } = await rpc(supabase, 'set_mpesa_settings', {
    p_organization_id: organizationId,
    p_environment: form.environment,
    p_shortcode: form.shortcode,
    p_account_type: form.account_type,
    p_till_number: form.till_number,
    p_passkey: form.passkey,
    p_consumer_key: form.consumer_key,
    p_consumer_secret: form.consumer_secret,
    p_initiator_name: form.initiator_name,
    p_security_credential: form.security_credential,
  });
  return error ? errorWords(error, 'save the M-Pesa settings') : null;
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
  const { error } = await rpc(supabase, 'set_sms_settings', {
    p_organization_id: organizationId,
    p_username: form.username,
    p_api_key: form.api_key,
    p_sender_id: form.sender_id,
  });
  return error ? errorWords(error, 'save the SMS settings') : null;
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
  default_language: z.enum(LANGUAGES),
});

export async function saveLook(
  supabase: SupabaseClient,
  siteId: string,
  look: z.output<typeof lookFormSchema>,
): Promise<string | null> {
  const { error } = await supabase.from('sites').update(look).eq('id', siteId);
  return error ? errorWords(error, 'save the portal look') : null;
}

/** The largest logo the portal serves (its landing page must stay small on a weak signal). */
export const LOGO_MAX_BYTES = 8192;
export const LOGO_ACCEPT = 'image/png,image/jpeg,image/webp,image/gif';

/** A size in kilobytes as operators read it: "8 KB", "9.2 KB". */
function kilobytes(bytes: number): string {
  const kb = bytes / 1024;
  return `${Number.isInteger(kb) ? kb : kb.toFixed(1)} KB`;
}

/** Why this file cannot be a logo before sending it (size only: the server reads the type). */
export function logoFileProblem(file: { size: number }): string | null {
  if (file.size === 0) return 'That file is empty. Choose a PNG, JPEG, WebP or GIF image.';
  if (file.size > LOGO_MAX_BYTES)
    return `The logo can be at most ${kilobytes(LOGO_MAX_BYTES)}, and this file is ${kilobytes(file.size)} (${file.size} bytes). Choose a smaller image, for example with fewer pixels.`;
  return null;
}

/** The file's bytes as base64 (logos are small, so a plain loop is fine). */
export async function fileBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Where the admin shows a logo the portal serves (`logo_url` is a path on the portal). */
export function logoPreviewUrl(logoUrl: string | null): string | null {
  const portal = portalBaseUrl();
  return logoUrl && portal ? portal + logoUrl : null;
}

/**
 * Stores a site's logo (base64), or removes it with null. The new logo's path on the portal, or
 * a problem in plain words.
 */
export async function setSiteLogo(
  supabase: SupabaseClient,
  siteId: string,
  imageBase64: string | null,
): Promise<{ logoUrl: string | null } | { problem: string }> {
  const { data, error } = await rpc(supabase, 'set_site_logo', {
    p_site_id: siteId,
    p_image_base64: imageBase64,
  });
  const what = imageBase64 === null ? 'remove the logo' : 'save the logo';
  if (error)
    return {
      problem: errorWords(error, what, {
        not_allowed: "Only owners and admins of this site's organization can change its logo.",
      }),
    };
  return { logoUrl: data.logo_url };
}
