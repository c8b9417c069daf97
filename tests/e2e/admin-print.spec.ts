import { expect, test } from '@playwright/test';
import jsQRModule from 'jsqr';
import { newOperator, signInAs, shot } from './operator.ts';
import { stack } from './stack-file.ts';

// jsqr is CommonJS whose types declare an ES default export: take whichever is callable.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule.default }).default ??
  jsQRModule) as unknown as typeof jsQRModule.default;

/** Reads a QR code drawn as our SVG path of unit squares ("M{x} {y}h1v1h-1z"). */
function decodeSvgQr(size: number, path: string): string | null {
  const scale = 4;
  const width = size * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const [, x, y] of path.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    for (let dy = 0; dy < scale; dy++)
      for (let dx = 0; dx < scale; dx++) {
        const i = ((Number(y) * scale + dy) * width + Number(x) * scale + dx) * 4;
        pixels.fill(0, i, i + 3);
      }
  }
  return jsQR(pixels, width, width)?.data ?? null;
}

test('the print sheet has every unsold voucher with a QR code that opens the portal with the code', async ({
  page,
}) => {
  const owner = await newOperator();
  const site = owner.site;
  const plan = await owner.client
    .from('plans')
    .insert({
      organization_id: owner.organizationId,
      name: '1 day',
      price_kes: 50,
      validity_seconds: 86400,
    })
    .select('id')
    .single();
  await owner.client.from('plan_sites').insert({
    plan_id: plan.data!.id,
    site_id: site.id,
    organization_id: owner.organizationId,
  });
  const batch = await owner.client
    .from('voucher_batches')
    .insert({ organization_id: owner.organizationId, plan_id: plan.data!.id, count: 3 });
  expect(batch.error).toBeNull();
  const codes = (
    await owner.client.from('vouchers').select('code').eq('organization_id', owner.organizationId)
  ).data!;
  const sold = await owner.client.rpc('sell_voucher', {
    p_voucher_id: (
      await owner.client.from('vouchers').select('id').eq('code', codes[0]!.code).single()
    ).data!.id,
  });
  expect(sold.error).toBeNull();

  await signInAs(page, owner);
  await page.getByRole('link', { name: 'Vouchers' }).click();
  await page.getByRole('link', { name: 'Print unsold vouchers' }).click();
  const cards = page.locator('.sheet .card');
  await expect(cards).toHaveCount(2);
  await expect(page.getByRole('listitem', { name: codes[0]!.code })).toHaveCount(0);
  await shot(page, 'vouchers-print');

  for (const { code } of codes.slice(1)) {
    const card = page.getByRole('listitem', { name: code });
    await expect(card).toContainText('1 day');
    await expect(card).toContainText('KES 50');
    const svg = card.getByRole('img', { name: `QR code for ${code}` });
    const size = Number((await svg.getAttribute('viewBox'))!.split(' ')[2]);
    const path = (await svg.locator('path').getAttribute('d'))!;
    // A printed card addresses the site by its id, never its slug.
    expect(decodeSvgQr(size, path)).toBe(`${stack().portalUrl}/s/${site.id}?code=${code}`);
  }

  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
});
