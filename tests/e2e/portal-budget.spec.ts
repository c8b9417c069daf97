// The landing page's budget (issue 5): at most 12 KB transferred and 30 KB uncompressed with
// CSS and logo, in both languages, no JavaScript, no web fonts, no third-party requests —
// measured from Chromium's network log.
import { expect, test } from '@playwright/test';
import { stack } from './stack-file.ts';

for (const lang of ['en', 'sw'] as const) {
  test(`the landing page in ${lang} stays within the budget`, async ({ page }, info) => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const requests = new Map<string, { url: string; type?: string; bytes: number; body: number }>();
    cdp.on('Network.requestWillBeSent', (e) =>
      requests.set(e.requestId, { url: e.request.url, type: e.type, bytes: 0, body: 0 }),
    );
    cdp.on('Network.dataReceived', (e) => {
      const r = requests.get(e.requestId);
      if (r) r.body += e.dataLength;
    });
    cdp.on('Network.loadingFinished', (e) => {
      const r = requests.get(e.requestId);
      if (r) r.bytes = e.encodedDataLength;
    });
    const portal = new URL(stack().portalUrl);
    // As the hotspot sends it: with the controller's variables.
    await page.goto(
      `${portal.origin}/s/${stack().demo.siteSlug}?lang=${lang}&mac=AA%3ABB%3ACC%3ADD%3AEE%3AFF&ip=10.5.50.2` +
        `&link-login-only=http%3A%2F%2F10.5.50.1%2Flogin&link-orig=http%3A%2F%2Fexample.com%2F` +
        `&chap-id=%5C371&chap-challenge=${'%5C357'.repeat(16)}`,
      { waitUntil: 'networkidle' },
    );
    const all = [...requests.values()];
    const transferred = all.reduce((sum, r) => sum + r.bytes, 0);
    const uncompressed = all.reduce((sum, r) => sum + r.body, 0);
    info.annotations.push({
      type: 'budget',
      description: `${lang}: ${all.length} request(s), ${transferred} B transferred, ${uncompressed} B uncompressed`,
    });
    console.log(
      `landing page ${lang}: ${all.length} request(s), ${transferred} B transferred, ${uncompressed} B uncompressed`,
    );
    expect(transferred).toBeGreaterThan(500);
    expect(transferred).toBeLessThanOrEqual(12 * 1024);
    // Sent gzipped: the HTML shrinks to about a quarter.
    expect(transferred).toBeLessThan(uncompressed / 2);
    expect(uncompressed).toBeLessThanOrEqual(30 * 1024);
    for (const r of all) expect(new URL(r.url).origin, r.url).toBe(portal.origin);
    expect(all.filter((r) => r.type === 'Script' || r.type === 'Font')).toEqual([]);
    await expect(page.locator('script')).toHaveCount(0);
    await expect(page.getByRole('link', { name: /I have a voucher|Nina vocha/ })).toBeVisible();
  });
}
