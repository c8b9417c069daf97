import { createHash } from 'node:crypto';
import { normalizeMac } from '$domain/mac.ts';

/**
 * openNDS forwarding authentication (FAS), security level 1: the gateway redirects to the
 * portal with `fas` = base64 of `hid=…, clientip=…, clientmac=…, gatewayname=…,
 * gatewayaddress=…, originurl=…` (items separated by ", "). The portal authorises the client by
 * sending its browser to `http://<gatewayaddress>/opennds_auth/?tok=…&redir=…` with
 * tok = hex(SHA-256(hid ‖ faskey)). openNDS asks no RADIUS server: the portal checks the
 * voucher itself before it hands out the tok.
 */

export type FasClient = {
  hid: string;
  mac: string | null;
  authUrl: string;
  originUrl: string | null;
};

/** The client openNDS describes in `fas`, or null when it is not a usable level-1 `fas`. */
export function parseFas(fas: string | undefined): FasClient | null {
  if (!fas || !/^[A-Za-z0-9+/=_-]+$/.test(fas)) return null;
  const items = new Map<string, string>();
  for (const item of Buffer.from(fas, 'base64').toString('utf8').split(', ')) {
    const at = item.indexOf('=');
    if (at > 0) items.set(item.slice(0, at).trim(), item.slice(at + 1).trim());
  }
  const hid = items.get('hid') ?? '';
  const gateway = items.get('gatewayaddress') ?? '';
  if (!/^[0-9a-f]{16,128}$/i.test(hid)) return null;
  if (!/^(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?$/.test(gateway)) return null;
  const mac = items.get('clientmac') ?? '';
  const origin = items.get('originurl') ?? '';
  return {
    hid,
    mac: normalizeMac(mac),
    authUrl: `http://${gateway}/opennds_auth/`,
    originUrl: /^https?:\/\//.test(origin) ? origin : null,
  };
}

/** The token openNDS expects for this client: hex(SHA-256(hid ‖ faskey)), lower case. */
export function fasToken(hid: string, faskey: string): string {
  return createHash('sha256')
    .update(hid + faskey)
    .digest('hex');
}
