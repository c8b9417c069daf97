import type { Handle } from '@sveltejs/kit';
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
  return response;
};
