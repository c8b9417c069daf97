/** Used when a site has no colour or one we cannot safely put into CSS. */
export const defaultBrand = '#0f766e';

/**
 * The site's primary colour and a readable text colour on it, as CSS custom properties. Only
 * `#rgb`/`#rrggbb` gets through: the value lands in a style attribute.
 */
export function brandStyle(primaryColor: string | null | undefined): string {
  const brand = /^#(?:[0-9a-f]{3}){1,2}$/i.test(primaryColor ?? '') ? primaryColor! : defaultBrand;
  return `--brand:${brand};--on-brand:${prefersDarkText(brand) ? '#111' : '#fff'}`;
}

// WCAG relative luminance: dark text once the background is light enough to give it more
// contrast than white would.
function prefersDarkText(hex: string): boolean {
  const digits =
    hex.length === 4
      ? [...hex.slice(1)].map((d) => d + d)
      : [1, 3, 5].map((i) => hex.slice(i, i + 2));
  const [r, g, b] = digits.map((d) => {
    const c = parseInt(d, 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05);
}
