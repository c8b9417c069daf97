import { createHash, timingSafeEqual } from 'node:crypto';
import type { ProjectJwt } from './jwt.ts';
import type { ApiKeys } from './keys.ts';

export type KeyRole = 'anon' | 'service_role';
type Known = { key: string; role: KeyRole; legacy: boolean };

/** How long a JWT the gateway mints for an opaque key lives (it never leaves the gateway's upstreams). */
const MINTED_SECONDS = 120;

/**
 * The project API keys, as hosted Supabase's API gateway treats them on /rest and /auth: an
 * `sb_publishable_…` key is the anon role and an `sb_secret_…` key the service_role; neither is
 * a JWT, so the gateway puts a short-lived JWT of that role (signed with the project's signing
 * key) in `Authorization` before PostgREST or Auth see the request. Legacy keys are JWTs
 * themselves and go through as they are.
 */
export function apiKeyGate(keys: ApiKeys, jwt: ProjectJwt) {
  const known: Known[] = [
    { key: keys.publishableKey, role: 'anon', legacy: false },
    { key: keys.secretKey, role: 'service_role', legacy: false },
    { key: keys.anonKey, role: 'anon', legacy: true },
    { key: keys.serviceRoleKey, role: 'service_role', legacy: true },
  ];
  const minted = new Map<KeyRole, { token: string; renewAt: number }>();

  /** The key's role, or null for a key of no one (compared in constant time). */
  function identify(presented: string): Known | null {
    const digest = sha256(presented);
    let match: Known | null = null;
    for (const entry of known) if (timingSafeEqual(digest, sha256(entry.key))) match = entry;
    return match;
  }

  async function bearerFor(entry: Known): Promise<string> {
    if (entry.legacy) return entry.key;
    const cached = minted.get(entry.role);
    if (cached && cached.renewAt > Date.now()) return cached.token;
    const token = await jwt.sign({ role: entry.role, iss: 'supabase-gateway' }, MINTED_SECONDS);
    minted.set(entry.role, { token, renewAt: Date.now() + (MINTED_SECONDS / 2) * 1000 });
    return token;
  }

  /**
   * The Authorization header to forward: the key's JWT when there is none, a minted JWT in place
   * of an `sb_…` key sent as a bearer token (supabase-js does that before anyone signs in), and a
   * user's JWT unchanged (PostgREST and Auth verify it). Null: the bearer is an unknown `sb_` key.
   */
  async function authorization(apiKey: Known, header: string | undefined): Promise<string | null> {
    if (!header) return `Bearer ${await bearerFor(apiKey)}`;
    const token = header.match(/^Bearer\s+(sb_\S+)$/i)?.[1];
    if (!token) return header;
    const entry = identify(token);
    return entry ? `Bearer ${await bearerFor(entry)}` : null;
  }

  return { identify, authorization };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
