// Small HTTP helpers shared by the edge function handlers.
import { timingSafeEqual } from './domain/callback-token.ts';
import { requireEnv } from './env.ts';

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** The body as text, or null when it is larger than `maxBytes` (stops reading at the limit). */
export async function readLimited(request: Request, maxBytes: number): Promise<string | null> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await request.body?.cancel();
    return null;
  }
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return new TextDecoder().decode(all);
}

/** The bearer token of the request, if any. */
export function bearer(request: Request): string | null {
  return (
    request.headers
      .get('authorization')
      ?.match(/^Bearer\s+(.+)$/i)?.[1]
      ?.trim() ?? null
  );
}

/**
 * Whether the caller holds the service role key: the portal server (which keeps it server-side,
 * never in a browser), Supabase Cron and the local stack's timers.
 */
export function isServiceRole(request: Request): boolean {
  const token = bearer(request);
  return token !== null && timingSafeEqual(token, requireEnv('SUPABASE_SERVICE_ROLE_KEY'));
}

/** The signed-in user behind the request's JWT (asked of Supabase Auth), or null. */
export async function authUserId(request: Request): Promise<string | null> {
  const token = bearer(request);
  if (!token) return null;
  const response = await fetch(`${requireEnv('SUPABASE_URL')}/auth/v1/user`, {
    headers: { apikey: requireEnv('SUPABASE_ANON_KEY'), authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(5000),
  }).catch(() => null);
  if (!response?.ok) {
    await response?.body?.cancel();
    return null;
  }
  const user = (await response.json().catch(() => null)) as { id?: string } | null;
  return typeof user?.id === 'string' ? user.id : null;
}
