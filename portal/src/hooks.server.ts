import type { Handle } from '@sveltejs/kit';
import { gzipSync } from 'node:zlib';
import { preferredLanguage } from '$lib/language.ts';

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
  return compressed(response, event.request.headers.get('accept-encoding') ?? '');
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
