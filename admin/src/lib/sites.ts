import type { SupabaseClient } from './supabase.ts';
import { z } from 'zod';
import { roleAtLeast } from '$domain/roles.ts';
import { errorWords, type ApiError, type ErrorContext } from './errors.ts';
import { checked, currentMembership, type Membership } from './membership.ts';
import { rpc, rpcData, type RpcReply } from './rpc.ts';

const routerSchema = z.object({
  id: z.string(),
  name: z.string(),
  nas_ip: z.string(),
  vendor: z.string(),
  require_message_authenticator: z.boolean(),
  message_authenticator_off_reason: z.string().nullable(),
  login_host: z.string().nullable(),
});
export type SiteRouter = z.infer<typeof routerSchema>;
const siteSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  support_phone: z.string().nullable(),
  routers: z.array(routerSchema),
});
export type Site = z.infer<typeof siteSchema>;
export type RouterHealth = RpcReply<'router_health'>[number];

export type SitesPage = {
  membership: Membership;
  sites: Site[];
  health: Map<string, RouterHealth>;
};

export const VENDORS = {
  mikrotik: 'MikroTik',
  coovachilli: 'CoovaChilli',
  opennds: 'openNDS',
  unifi: 'UniFi',
  generic: 'Other',
} as const;

/** Owners and admins manage sites and routers; agents have no business here (RLS agrees). */
export async function loadSitesPage(
  supabase: SupabaseClient,
  userId: string,
): Promise<SitesPage | null> {
  const membership = await currentMembership(supabase, userId);
  if (!membership) return null;
  if (!roleAtLeast(membership.role, 'admin')) return { membership, sites: [], health: new Map() };
  const [sites, health] = await Promise.all([
    supabase
      .from('sites')
      .select(
        'id, slug, name, support_phone, routers(id, name, nas_ip, vendor, require_message_authenticator, message_authenticator_off_reason, login_host)',
      )
      .eq('organization_id', membership.organization.id)
      .order('name'),
    rpcData(
      supabase,
      'router_health',
      { p_organization_id: membership.organization.id },
      'router health',
    ),
  ]);
  return {
    membership,
    sites: checked(sites, z.array(siteSchema), 'sites'),
    health: new Map(health.map((h) => [h.router_id, h])),
  };
}

export const siteFormSchema = z.object({
  name: z.string().trim().min(1, { error: 'Give the site a name.' }).max(100),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, {
      error: 'The web address uses lower-case letters, digits and dashes, e.g. "kibera-cafe".',
    })
    // The portal reads a uuid in /s/… as a site's id (the database refuses such a slug too).
    .refine(
      (slug) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(slug),
      {
        error: 'That looks like a site id. Choose a name, e.g. "kibera-cafe".',
      },
    ),
});

export async function createSite(
  supabase: SupabaseClient,
  organizationId: string,
  site: z.output<typeof siteFormSchema>,
): Promise<string | null> {
  const { error } = await supabase
    .from('sites')
    .insert({ organization_id: organizationId, ...site });
  return error
    ? errorWords(error, 'create the site', {
        '23505': `The address "${site.slug}" is taken: choose another.`,
      })
    : null;
}

// IPv4 or IPv6 as the database's inet accepts it; the database has the last word.
const ipAddress = z.union([z.ipv4(), z.ipv6()], {
  error: 'Enter the address the router reaches RADIUS from, e.g. 10.8.0.2.',
});

export const routerFormSchema = z.object({
  site_id: z.string().min(1),
  name: z.string().trim().min(1, { error: 'Give the router a name.' }).max(100),
  nas_ip: z.string().trim().pipe(ipAddress),
  vendor: z.enum(Object.keys(VENDORS) as [keyof typeof VENDORS]),
});

/** The new router's RADIUS secret: returned once, never readable again. */
export async function createRouter(
  supabase: SupabaseClient,
  router: z.output<typeof routerFormSchema>,
): Promise<{ secret: string } | { problem: string }> {
  const { data, error } = await rpc(supabase, 'create_router', {
    p_site_id: router.site_id,
    p_name: router.name,
    p_nas_ip: router.nas_ip,
    p_vendor: router.vendor,
  });
  if (error)
    return {
      problem: errorWords(error, 'add the router', {
        '23505': `Another router already uses ${router.nas_ip}.`,
        ...waitWords(error),
      }),
    };
  return { secret: data.secret };
}

/**
 * The rate limit's refusal with the time to wait, which the database gives in the error's detail
 * ({"retry_after_seconds": n}); without it, the general words of errors.ts.
 */
function waitWords(error: ApiError): ErrorContext {
  if (error.hint !== 'router_changes_rate_limited') return {};
  let detail: unknown;
  try {
    detail = JSON.parse(error.details ?? '');
  } catch {
    return {};
  }
  const retry = z.object({ retry_after_seconds: z.number().positive() }).safeParse(detail);
  if (!retry.success) return {};
  const minutes = Math.ceil(retry.data.retry_after_seconds / 60);
  return {
    router_changes_rate_limited: `Too many router changes in this organization in the last 10 minutes. Try again in ${minutes === 1 ? 'a minute' : `${minutes} minutes`}.`,
  };
}

/**
 * The Message-Authenticator form: required (the box ticked), or off with the reason the router
 * cannot send it. Only owners may switch it off; the database refuses anyone else.
 */
export const messageAuthenticatorFormSchema = z
  .object({
    required: z.literal('on').optional(),
    reason: z
      .string()
      .trim()
      .max(500, { error: 'Keep the reason to 500 characters.' })
      .optional()
      .default(''),
  })
  .transform(({ required, reason }) => ({ required: required === 'on', reason }))
  .refine((setting) => setting.required || setting.reason !== '', {
    error: 'Say why this router cannot send Message-Authenticator, e.g. “RouterOS 6.49”.',
  });

export async function setMessageAuthenticator(
  supabase: SupabaseClient,
  routerId: string,
  setting: z.output<typeof messageAuthenticatorFormSchema>,
): Promise<string | null> {
  const { error } = await supabase
    .from('routers')
    .update(
      setting.required
        ? { require_message_authenticator: true }
        : {
            require_message_authenticator: false,
            message_authenticator_off_reason: setting.reason,
          },
    )
    .eq('id', routerId)
    .select('id')
    .single();
  const action = `${setting.required ? 'require' : 'switch off'} Message-Authenticator`;
  return error ? errorWords(error, action, waitWords(error)) : null;
}

/**
 * Where the router's login page sends customers' codes, as their phones reach it (e.g. MikroTik's
 * hotspot address 10.5.50.1 or DNS name). The portal posts a code only to a router's registered
 * address or this host (SECURITY.md, login target); empty clears it. Lowercase, as the
 * database's check wants it.
 */
export const loginHostFormSchema = z.object({
  login_host: z
    .string()
    .trim()
    .toLowerCase()
    .refine((host) => host === '' || /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(host), {
      error: 'Enter an address or host name, e.g. 10.5.50.1 or hotspot.cafe.lan.',
    })
    .transform((host) => (host === '' ? null : host)),
});

export async function setLoginHost(
  supabase: SupabaseClient,
  routerId: string,
  form: z.output<typeof loginHostFormSchema>,
): Promise<string | null> {
  const { error } = await supabase
    .from('routers')
    .update({ login_host: form.login_host })
    .eq('id', routerId)
    .select('id')
    .single();
  return error ? errorWords(error, "save the router's login address", waitWords(error)) : null;
}
