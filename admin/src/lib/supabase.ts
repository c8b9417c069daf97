import { createClient, type SupabaseClient as UntypedClient } from '@supabase/supabase-js';
import { z } from 'zod';
import type { Database } from '$contract/call-rpc.ts';

/**
 * supabase-js's client typed with the database's generated types (supabase/types.ts): tables,
 * columns and RPC arguments are checked; the `jsonb` RPC replies go through `$contract`.
 */
export type SupabaseClient = UntypedClient<Database>;

/**
 * Where this deployment's Supabase lives. Read at startup from /config.json next to the app's
 * files (the deployer writes it), so one build serves any project.
 */
const configSchema = z
  .object({
    supabaseUrl: z.url(),
    /** The project's publishable key (sb_publishable_…): the only key a browser may hold. */
    publishableKey: z.string().min(1).optional(),
    /** What a config.json written before the new keys calls it (a legacy anon key). */
    anonKey: z.string().min(1).optional(),
    /** The captive portal, for QR codes on printed vouchers. */
    portalUrl: z.url().optional(),
  })
  .transform(({ publishableKey, anonKey, ...rest }, ctx) => {
    const key = publishableKey ?? anonKey;
    if (key) return { ...rest, key };
    ctx.addIssue({ code: 'custom', message: 'publishableKey is missing' });
    return z.NEVER;
  });

let portalUrl: string | undefined;

/** The captive portal's address from /config.json (known once the client is created). */
export function portalBaseUrl(): string | undefined {
  return portalUrl;
}

/** The app cannot start: no usable /config.json. Shown to the operator as is. */
export class SetupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SetupError';
  }
}

let client: Promise<SupabaseClient> | undefined;

/** The one Supabase client of this tab, created on first use. */
export function getSupabase(fetch: typeof globalThis.fetch): Promise<SupabaseClient> {
  client ??= connect(fetch).catch((err: unknown) => {
    client = undefined; // let the next navigation try again
    throw err;
  });
  return client;
}

async function connect(fetch: typeof globalThis.fetch): Promise<SupabaseClient> {
  let response: Response;
  try {
    response = await fetch('/config.json', { cache: 'no-store' });
  } catch (cause) {
    throw new SetupError('Cannot reach the server. Check your connection and reload.', { cause });
  }
  if (!response.ok) {
    throw new SetupError(
      `This admin is not configured yet (/config.json: HTTP ${response.status}).`,
    );
  }
  const config = configSchema.safeParse(await response.json().catch(() => null));
  if (!config.success) {
    throw new SetupError(
      'This admin is misconfigured: /config.json needs supabaseUrl and publishableKey.',
    );
  }
  portalUrl = config.data.portalUrl?.replace(/\/$/, '');
  return createClient<Database>(config.data.supabaseUrl, config.data.key, {
    auth: { persistSession: true, autoRefreshToken: true, storage: localStorage },
    // No automatic retries of failed reads (postgrest-js waits 1 + 2 + 4 s): offline, a page
    // shows this device's last copy at once (offline-copy.ts), and every page has Try again.
    db: { retry: false },
  });
}
