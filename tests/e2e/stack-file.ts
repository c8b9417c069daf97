import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The running stack the specs talk to, as `npm start` / `npm test` describe it. */
export interface Stack {
  supabaseUrl: string;
  publishableKey: string;
  secretKey: string;
  dbUrl: string;
  mailUrl: string;
  portalUrl: string;
  adminUrl: string;
  demo: {
    email: string;
    password: string;
    siteSlug: string;
    /** The demo site's id (router files address a site by id: /s/<siteId>). */
    siteId: string;
    organizationName: string;
    /** Checked on the portal page when the stack names it. */
    siteName?: string;
    /** The demo router's address, as FreeRADIUS knows it. */
    routerIp: string;
    /** The portal's openNDS faskey. */
    fasKey: string;
  };
  /** FreeRADIUS, when installed; the demo router signs with `secret`. */
  radius?: { host: string; authPort: number; acctPort: number; secret: string };
  /** The Daraja simulator's control API (/_sim). */
  daraja?: { url: string };
}

let cached: Stack | undefined;

/** Read lazily, so `playwright test --list` works without a running stack. */
export function stack(): Stack {
  if (cached) return cached;
  const file = resolve(process.env.STACK_FILE ?? '.local/stack.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new Error(`No stack file at ${file}: start the stack (npm start) or set STACK_FILE`, {
      cause,
    });
  }
  cached = JSON.parse(text) as Stack;
  return cached;
}
