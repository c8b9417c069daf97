import type { SupabaseClient } from './supabase.ts';
import { z } from 'zod';
import { mikrotikLoginHtml, mikrotikSetupScript, sitePortalUrl } from '$domain/router-files.ts';
import { errorWords } from './errors.ts';
import { rpc } from './rpc.ts';
import { portalBaseUrl } from './supabase.ts';

/**
 * What the download form starts with. The portal comes from /config.json (`portalUrl`); the
 * RADIUS server as routers reach it may be there too (`radiusHost`, `radiusAuthPort`,
 * `radiusAcctPort`: optional, a deployer adds them). Anything missing is typed in the form.
 */
export type RouterFileDefaults = {
  portalUrl: string;
  radiusHost: string;
  authPort: number;
  accountingPort: number;
};

const radiusConfigSchema = z.object({
  radiusHost: z.string().optional().catch(undefined),
  radiusAuthPort: z.number().int().optional().catch(undefined),
  radiusAcctPort: z.number().int().optional().catch(undefined),
});

/** Reads /config.json again (the shared client keeps only what it needs); never throws. */
export async function routerFileDefaults(
  fetch: typeof globalThis.fetch,
): Promise<RouterFileDefaults> {
  const config = await fetch('/config.json', { cache: 'no-store' })
    .then((r) => (r.ok ? r.json() : null))
    .catch(() => null);
  const radius = radiusConfigSchema.safeParse(config ?? {});
  const found = radius.success ? radius.data : {};
  return {
    portalUrl: portalBaseUrl() ?? '',
    radiusHost: found.radiusHost ?? '',
    authPort: found.radiusAuthPort ?? 1812,
    accountingPort: found.radiusAcctPort ?? 1813,
  };
}

const port = (what: string) =>
  z.coerce
    .number({ error: `Enter the ${what} port.` })
    .int({ error: `The ${what} port is a whole number.` })
    .min(1, { error: `The ${what} port is 1–65535.` })
    .max(65535, { error: `The ${what} port is 1–65535.` });

export const routerFilesFormSchema = z.object({
  portal_url: z
    .string()
    .trim()
    .pipe(
      z.url({
        protocol: /^https?$/,
        error: 'Enter the portal address, e.g. https://wifi.example.net.',
      }),
    ),
  // The generated script accepts IPv4 only (RouterOS /radius address).
  radius_address: z
    .string()
    .trim()
    .pipe(z.ipv4({ error: 'Enter the RADIUS server address the router reaches, e.g. 10.8.0.1.' })),
  auth_port: port('authentication'),
  accounting_port: port('accounting'),
  // A checkbox: present ("on") only when ticked.
  mac_login: z
    .literal('on')
    .optional()
    .transform((ticked) => ticked === 'on'),
});
export type RouterFilesForm = z.output<typeof routerFilesFormSchema>;

/** Hands text to the browser as a downloaded file. */
function saveFile(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL by now; a later revoke frees the secret's copy.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * login.html needs no secret, so it does not call router_setup (nothing to audit). It forwards to
 * the site's portal page by the site's id (sitePortalUrl), never its slug.
 */
export function downloadLoginHtml(form: RouterFilesForm, siteId: string): string | null {
  try {
    saveFile('login.html', mikrotikLoginHtml(sitePortalUrl(form.portal_url, siteId)), 'text/html');
    return null;
  } catch (err) {
    return err instanceof RangeError ? err.message : 'Could not make login.html.';
  }
}

/**
 * The RouterOS script with this router's RADIUS secret: read through router_setup (owners and
 * admins; the database audits every call) and kept only in the downloaded file.
 */
export async function downloadSetupScript(
  supabase: SupabaseClient,
  routerId: string,
  form: RouterFilesForm,
): Promise<string | null> {
  const { data: setup, error } = await rpc(supabase, 'router_setup', { p_router_id: routerId });
  if (error)
    return errorWords(error, "read the router's set-up", {
      not_allowed: 'Only owners and admins can download router files.',
      '42501': 'Only owners and admins can download router files.',
    });
  // Only a router inserted behind the API's back has none (create_router always makes one).
  if (setup.secret === null)
    return 'This router has no RADIUS secret. Remove it and add it again to get one.';
  try {
    const script = mikrotikSetupScript({
      routerName: setup.name,
      portalUrl: sitePortalUrl(form.portal_url, setup.site_id),
      radius: {
        address: form.radius_address,
        secret: setup.secret,
        authPort: form.auth_port,
        accountingPort: form.accounting_port,
      },
      coaPort: setup.coa_port,
      macLogin: form.mac_login,
    });
    // The name the script's own first lines tell the operator to /import.
    saveFile('wifi-billing.rsc', script, 'text/plain');
    return null;
  } catch (err) {
    return err instanceof RangeError ? err.message : 'Could not make the set-up script.';
  }
}
