/**
 * Per-payment callback tokens: Daraja signs nothing, so each payment's callback URL carries
 * HMAC-SHA256(secret, payment id) (128 bits, hex). One leaked URL can only ever speak about
 * its own payment; the check is constant-time. Hex never spells the words Daraja refuses in
 * callback URLs (exe, cmd, sql, query ...).
 *
 * Pure TypeScript (Web Crypto, a global in Deno, Node and browsers).
 */

/** Hex characters of the token kept in the URL (128 bits). */
export const CALLBACK_TOKEN_LENGTH = 32;

const encoder = new TextEncoder();

// Imported keys by secret: importing is the costly part of an HMAC (a cache, not state).
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
const keys = new Map<string, Promise<HmacKey>>();

function hmacKey(secret: string): Promise<HmacKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      'raw',
      encoder.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    if (keys.size > 16) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

async function hmacHex(secret: string, message: string): Promise<string> {
  if (!secret || secret.length < 16) throw new RangeError('callback secret must be >= 16 chars');
  const key = await hmacKey(secret);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message)));
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The token for one payment's callback URL. */
export async function callbackToken(
  secret: string,
  paymentId: string,
  purpose = 'stk',
): Promise<string> {
  return (await hmacHex(secret, `${purpose}:${paymentId.toLowerCase()}`)).slice(
    0,
    CALLBACK_TOKEN_LENGTH,
  );
}

/**
 * The purpose of an organization's C2B token of URL generation `generation` (rotating the URLs
 * makes a new generation; private.c2b_url_generations). Generation 1 keeps the original
 * `c2b:<organization id>` message, so URLs registered before rotation existed keep working.
 */
export function c2bTokenPurpose(generation: number): string {
  if (!Number.isSafeInteger(generation) || generation < 1) throw new RangeError('bad generation');
  return generation === 1 ? 'c2b' : `c2b-g${generation}`;
}

/** Constant-time string comparison (length is not secret). */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Whether `token` is the one issued for `paymentId`. */
export async function verifyCallbackToken(
  secret: string,
  paymentId: string,
  token: string,
  purpose = 'stk',
): Promise<boolean> {
  if (typeof token !== 'string' || !/^[0-9a-f]+$/.test(token)) return false;
  return timingSafeEqual(await callbackToken(secret, paymentId, purpose), token);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `/<function>/<payment id>/<token>` → its parts, or null for any other path. */
export function parseCallbackPath(pathname: string): { paymentId: string; token: string } | null {
  const parts = pathname.split('/').filter(Boolean);
  if (parts.length !== 3) return null;
  const [, paymentId, token] = parts as [string, string, string];
  if (!UUID.test(paymentId) || !/^[0-9a-f]{32}$/.test(token)) return null;
  return { paymentId, token };
}
