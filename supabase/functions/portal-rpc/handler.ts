// The portal server's way to the few RPCs only it may call: POST /portal-rpc/<name> with the
// RPC's JSON arguments and the portal's own credential (PORTAL_API_KEY in `x-portal-key`). The
// call goes on to PostgREST with this function's secret key, so the RPC sees the service role
// (which names the client's own bucket in the portal's caps), and PostgREST's answer comes back
// as it is (status, body, error hint). Any other name is refused: the portal credential reaches
// these RPCs, pay-start, and nothing else.
import { secretKey } from '../_shared/api-keys.ts';
import { requireEnv } from '../_shared/env.ts';
import { isPortal, json, readLimited } from '../_shared/http.ts';

/** The RPCs the portal server calls with its credential (portal/src/lib/server/). */
export const PORTAL_RPCS: ReadonlySet<string> = new Set([
  'portal_resume',
  'portal_voucher_status',
  'recover_voucher',
]);

/** The Deno.serve handler of portal-rpc. */
export async function handlePortalRpc(request: Request): Promise<Response> {
  if (request.method !== 'POST') return json(405, { error: 'method_not_allowed' });
  if (!isPortal(request)) return json(401, { error: 'unauthorized' });
  const name = new URL(request.url).pathname.match(/\/portal-rpc\/([a-z_]+)$/)?.[1];
  if (!name || !PORTAL_RPCS.has(name)) return json(404, { error: 'not_found' });
  const body = await readLimited(request, 4 * 1024);
  if (body === null) return json(413, { error: 'too_large' });
  try {
    const response = await fetch(`${requireEnv('SUPABASE_URL')}/rest/v1/rpc/${name}`, {
      method: 'POST',
      headers: {
        apikey: secretKey(),
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body,
      signal: AbortSignal.timeout(8000),
    });
    return new Response(await response.text(), {
      status: response.status,
      headers: {
        'content-type': response.headers.get('content-type') ?? 'application/json',
      },
    });
  } catch (error) {
    console.error(`portal-rpc ${name}: ${(error as Error).message}`);
    return json(503, { error: 'unavailable' });
  }
}
