// Receipt recovery while M-Pesa has not confirmed the payment yet (SECURITY.md, "Money is
// verified before it becomes internet"), with JavaScript off: the portal says it is confirming
// the payment, keeps the form filled, and the same form sent again once Daraja's Transaction
// Status confirmed it gives the voucher.
import { expect, test } from '@playwright/test';
import { randomInt } from 'node:crypto';
import postgres from 'postgres';
import { claimLocalPhone } from '../support/phones.ts';
import { stack } from './stack-file.ts';

const DEMO_ORG = 'd0000000-0000-4000-8000-000000000010';
const DEMO_SITE = 'd0000000-0000-4000-8000-000000000020';

let sql: postgres.Sql;
test.beforeAll(() => {
  sql = postgres(stack().dbUrl, { max: 1, onnotice: () => {} });
});
test.afterAll(async () => {
  await sql?.end();
});

test.use({ javaScriptEnabled: false });

test('a receipt M-Pesa has not confirmed yet: "we are confirming", the form kept', async ({
  page,
}) => {
  const local = claimLocalPhone('5555');
  const receipt = `TV${randomInt(0, 1e8).toString(36).toUpperCase().padStart(6, 'X')}`;
  // Asked just now and not answered yet (pay-verify asks again only after 5 minutes).
  await sql`
    insert into private.unmatched_receipts (receipt, organization_id, site_id, phone, amount_kes,
                                            reason, verification, verification_requested_at)
    values (${receipt}, ${DEMO_ORG}, ${DEMO_SITE}, ${`+254${local.slice(1)}`}, 1000, 'c2b',
            'requested', now())`;
  await page.goto(`${stack().portalUrl}/s/${stack().demo.siteSlug}/recover`);
  await page.getByLabel('M-Pesa confirmation code').fill(receipt);
  await page.getByLabel('Your M-Pesa phone number').fill(local);
  await page.getByRole('button', { name: 'Find my voucher' }).click();
  await expect(page.getByRole('alert')).toContainText('We are confirming this payment with M-Pesa');
  await expect(page.getByLabel('M-Pesa confirmation code')).toHaveValue(receipt);
  await expect(page.getByLabel('Your M-Pesa phone number')).toHaveValue(local);
  // Daraja confirms it (as pay-verify records it): the same form, sent again, gives the voucher.
  await sql`update private.unmatched_receipts
            set verification = 'confirmed', verified_amount_kes = 1000, verified_at = now()
            where organization_id = ${DEMO_ORG} and receipt = ${receipt}`;
  await page.getByRole('button', { name: 'Find my voucher' }).click();
  await expect(page.getByRole('heading', { name: 'Here is your voucher' })).toBeVisible();
});
