import type { Cookies } from '@sveltejs/kit';

/**
 * The payment this browser started, remembered in a cookie so that this browser, and only it,
 * can come back to its payment page (which shows the code once paid): after a mini-browser is
 * closed and opened again, after the router's round trip for a fresh login challenge, or after
 * tapping Pay again. The device's MAC in the URL proves nothing (anyone on the Wi-Fi can see
 * and type it), so a device without this cookie is shown its payment's status only, and the
 * code reaches it by SMS. Captive mini-browsers may drop cookies: then that is the path.
 */
const NAME = 'wb_payment';

/** Remembers the status token of a payment this browser just started (30 minutes, as resume). */
export function rememberPayment(cookies: Cookies, token: string, https: boolean): void {
  cookies.set(NAME, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: https,
    maxAge: 30 * 60,
  });
}

/** The status token this browser holds, if any. */
export function rememberedPayment(cookies: Cookies): string | null {
  const token = cookies.get(NAME);
  return token && /^[0-9a-f]{32}$/.test(token) ? token : null;
}
