import { LANGUAGES, type Language } from '$domain/languages.ts';

/** The languages the portal speaks: the ones the database stores for sites and payments. */
export const languages = LANGUAGES;
export type Lang = Language;

function asLang(value: string | null | undefined): Lang | null {
  const primary = value?.trim().toLowerCase().split('-')[0];
  return languages.find((lang) => lang === primary) ?? null;
}

/**
 * The language a visitor asked for: `?lang=` wins (a link or the switcher set it), then the
 * first of our languages in Accept-Language by preference. Null when neither names one, so the
 * caller can fall back to the site's default. No cookie: captive mini-browsers drop them.
 */
export function preferredLanguage(url: URL, acceptLanguage: string | null): Lang | null {
  const fromQuery = asLang(url.searchParams.get('lang'));
  if (fromQuery) return fromQuery;

  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { lang: asLang(tag), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.lang !== null && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranked[0]?.lang ?? null;
}
