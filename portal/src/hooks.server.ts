import type { Handle } from '@sveltejs/kit';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { inlineScripts } from '$lib/inline-scripts.ts';
import { preferredLanguage } from '$lib/language.ts';

// The portal's own inline scripts, by hash: no other script runs in its pages.
const scriptSources = inlineScripts
  .map((body) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`)
  .join(' ');

/**
 * The Content-Security-Policy of every response. Forms go only to the portal itself and to the
 * registered login target this response hands the code to (./lib/server/login-target.ts);
 * styles stay 'unsafe-inline' because the CSS is inlined and the brand colour is a style
 * attribute (every value in it is escaped; styles cannot run script).
 */
function contentSecurityPolicy(loginTarget: string | undefined): string {
  return [
    "default-src 'self'",
    `script-src ${scriptSources}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    `form-action 'self'${loginTarget ? ` ${loginTarget}` : ''}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Headers every portal response carries, whatever answered (page, endpoint, error). */
function secure(response: Response, loginTarget: string | undefined): Response {
  const headers = {
    'content-security-policy': contentSecurityPolicy(loginTarget),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
  try {
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  } catch {
    // A response with immutable headers (a fetch's own) is copied once.
    const copy = new Response(response.body, response);
    for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
    return copy;
  }
}

export const handle: Handle = async ({ event, resolve }) => {
  const preferred = preferredLanguage(event.url, event.request.headers.get('accept-language'));
  event.locals.preferredLang = preferred;
  // A page load may replace this (a site's default language) before the HTML is written.
  event.locals.lang = preferred ?? 'en';

  const response = await resolve(event, {
    transformPageChunk: ({ html }) => html.replace('%lang%', event.locals.lang),
  });

  // The page's words depend on the visitor's language, so caches must key on it.
  response.headers.append('vary', 'Accept-Language');
  if (response.status === 503) response.headers.set('retry-after', '30');
  if (response.status >= 400) response.headers.set('cache-control', 'no-store');
  // Answers to a form (a voucher login, a code's status) carry the code: never cache them.
  if (event.request.method === 'POST') response.headers.set('cache-control', 'no-store, private');
  return secure(
    await compressed(response, event.request.headers.get('accept-encoding') ?? ''),
    event.locals.loginTarget,
  );
};

/**
 * Pages gzipped (adapter-node sends them as they are): about 7.5 KB of HTML becomes 1.7 KB,
 * which on a weak 3G signal is most of the wait (npm run bench:portal).
 */
async function compressed(response: Response, acceptEncoding: string): Promise<Response> {
  const type = response.headers.get('content-type') ?? '';
  if (
    !/\bgzip\b/.test(acceptEncoding) ||
    response.headers.has('content-encoding') ||
    !/^(text\/html|application\/json)/.test(type) ||
    !response.body
  ) {
    return response;
  }
  const body = new Uint8Array(await response.arrayBuffer());
  const headers = new Headers(response.headers);
  headers.append('vary', 'Accept-Encoding');
  if (body.byteLength < 1024) return new Response(body, { status: response.status, headers });
  headers.set('content-encoding', 'gzip');
  headers.delete('content-length');
  return new Response(gzipSync(body), { status: response.status, headers });
}
