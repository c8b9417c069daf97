// Keyset pages on the payments, vouchers and customers lists: more rows than a page for an
// organization of its own (its owner is this file's, so no other spec signs it out), walked with
// "Older …" and "Newest", with and without a filter. Every row the database has for the filter
// must show exactly once, in (created_at desc, id desc) order. Rows share created_at in runs of
// seven (as a voucher batch does) and a run straddles each page break, so a cursor on created_at
// alone would skip or repeat rows there.
import { expect, test, type Page } from '@playwright/test';
import { randomInt } from 'node:crypto';
import postgres from 'postgres';
import { newOperator, shot, signInAs, type Operator } from './operator.ts';
import { VOUCHER_ALPHABET as ALPHABET } from '../../supabase/functions/_shared/domain/voucher-code.ts';
import { stack } from './stack-file.ts';

/** The lists' page size (LIST_LIMIT in admin/src/lib/{payments,vouchers,customers}.ts). */
const PAGE = 100;
/** Rows of each kind: two full pages and part of a third. */
const ROWS = 230;
/** Rows sharing one created_at (row 100, the first of page 2, is in the middle of a run). */
const RUN = 7;

/** This run's voucher codes start with it, so a search for it + 'A' finds this run's only. */
const TAG = Array.from({ length: 6 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

let sql: postgres.Sql;
let owner: Operator;

test.describe.configure({ timeout: 90_000 });

/** Ids of this organization's rows of a list, in the admin's order (created_at, id, newest first). */
async function newestIds(
  table: 'payments' | 'vouchers' | 'customers',
  filter: postgres.PendingQuery<postgres.Row[]> = sql``,
): Promise<string[]> {
  const rows = await sql`select id from ${sql('public.' + table)}
                         where organization_id = ${owner.organizationId} ${filter}
                         order by created_at desc, id desc`;
  return rows.map((r) => r.id as string);
}

test.beforeAll(async () => {
  sql = postgres(stack().dbUrl, { max: 2, onnotice: () => {} });
  owner = await newOperator();
  const org = owner.organizationId;
  const [plan] = await sql`
    insert into public.plans (organization_id, name, price_kes, validity_seconds)
    values (${org}, 'Paging hour', 10, 3600) returning id`;
  // now() has microseconds, so the cursors carry them too.
  await sql`
    insert into public.customers (organization_id, phone, created_at)
    select ${org}, '+2547' || lpad(g::text, 5, '0') || case when g % 3 = 0 then '456' else '123' end,
           now() - (g / ${RUN}::int) * interval '1 second'
    from generate_series(0, ${ROWS - 1}::int) g`;
  await sql`
    insert into public.payments
      (organization_id, plan_id, phone, amount_kes, status, mpesa_receipt, created_at)
    select ${org}, ${plan!.id}, '+254711000' || lpad(g::text, 3, '0'), 10,
           case when g % 3 = 0 then 'failed' else 'success' end,
           case when g % 3 = 0 then null else ${`Q${TAG}`}::text || g end,
           now() - (g / ${RUN}::int) * interval '1 second'
    from generate_series(0, ${ROWS - 1}::int) g`;
  // Codes: TAG, A or B (even or odd), the number in digits without 0 and 1.
  await sql`
    insert into public.vouchers (organization_id, plan_id, code, created_at)
    select ${org}, ${plan!.id},
           ${TAG}::text || case when g % 2 = 0 then 'A' else 'B' end
             || translate(lpad(g::text, 4, '0'), '01', 'XY'),
           now() - (g / ${RUN}::int) * interval '1 second'
    from generate_series(0, ${ROWS - 1}::int) g`;
});

test.afterAll(async () => {
  await sql?.end();
});

/** Ids of the rows on screen, from their links (`/payments/<id>` and the like). */
const shownIds = (page: Page, rows: string) =>
  page
    .locator(rows)
    .evaluateAll((links) => links.map((a) => (a.getAttribute('href') ?? '').split('/').pop()!));

/** Polled often: a page shows its rows well within a second once its query answers. */
const showsRows = (page: Page, rows: string) =>
  expect.poll(() => shownIds(page, rows), { intervals: [100, 100, 200] });

/**
 * Walks a list from its newest page with its "Older …" link to the end, checking each page
 * against the database's order; then back and forward in history, reload, and "Newest".
 */
async function walk(page: Page, list: { rows: string; older: string; expected: string[] }) {
  const { rows, older, expected } = list;
  expect(expected.length).toBeGreaterThan(PAGE);
  const seen: string[] = [];
  const pages = Math.ceil(expected.length / PAGE);
  for (let n = 0; n < pages; n++) {
    const want = expected.slice(n * PAGE, (n + 1) * PAGE);
    await showsRows(page, rows).toEqual(want);
    seen.push(...want);
    const link = page.getByRole('link', { name: older });
    if (n === pages - 1) {
      await expect(link).toHaveCount(0);
      break;
    }
    await link.click();
    await expect(page).toHaveURL(/[?&]before=/);
  }
  // Each row exactly once, none left out.
  expect(seen).toEqual(expected);
  expect(new Set(seen).size).toBe(expected.length);

  // The page is in the URL: reload keeps it, Back goes to the newer page, Forward returns.
  const last = expected.slice((pages - 1) * PAGE);
  await page.reload();
  await showsRows(page, rows).toEqual(last);
  await page.goBack();
  await showsRows(page, rows).toEqual(expected.slice((pages - 2) * PAGE, (pages - 1) * PAGE));
  await page.goForward();
  await showsRows(page, rows).toEqual(last);
  await page.getByRole('link', { name: 'Newest' }).click();
  await expect(page).not.toHaveURL(/before=/);
  await showsRows(page, rows).toEqual(expected.slice(0, PAGE));
  await expect(page.getByRole('link', { name: 'Newest' })).toHaveCount(0);
}

test('payments: keyset pages, all and filtered by status', async ({ page }) => {
  const all = await newestIds('payments');
  const success = await newestIds('payments', sql`and status = 'success'`);
  expect(all).toHaveLength(ROWS);

  await signInAs(page, owner);
  await page.getByRole('link', { name: 'Payments' }).click();
  await walk(page, { rows: '.payments li a', older: 'Older payments', expected: all });

  await page.getByLabel('Status').selectOption('success');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/status=success/);
  await showsRows(page, '.payments li a').toEqual(success.slice(0, PAGE));
  await page.getByRole('link', { name: 'Older payments' }).click();
  // The filter stays on with the cursor.
  await expect(page).toHaveURL(/status=success.*before=|before=.*status=success/);
  await showsRows(page, '.payments li a').toEqual(success.slice(PAGE));
  await shot(page, 'payments-older-page', { fullPage: false });
  await expect(page.getByRole('link', { name: 'Older payments' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Newest' }).click();
  await expect(page).toHaveURL(/status=success/);
  await showsRows(page, '.payments li a').toEqual(success.slice(0, PAGE));
});

test('vouchers: keyset pages, all and with a code search', async ({ page }) => {
  const all = await newestIds('vouchers');
  const found = await newestIds('vouchers', sql`and code like ${`%${TAG}A%`}`);
  expect(all).toHaveLength(ROWS);

  await signInAs(page, owner);
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('link', { name: 'Vouchers' })
    .click();
  await walk(page, { rows: '.vouchers li a', older: 'Older vouchers', expected: all });

  await page.getByLabel('Search code').fill(`${TAG}a`.toLowerCase());
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/\?q=/);
  await walk(page, { rows: '.vouchers li a', older: 'Older vouchers', expected: found });
  await expect(page).toHaveURL(/\?q=/);
  await shot(page, 'vouchers-search-newest', { fullPage: false });
});

test('customers: keyset pages, all and by the last digits of the phone', async ({ page }) => {
  const all = await newestIds('customers');
  const found = await newestIds('customers', sql`and phone like '%123'`);
  expect(all).toHaveLength(ROWS);

  await signInAs(page, owner);
  await page.getByRole('link', { name: 'Customers' }).click();
  await walk(page, { rows: '.customers li a', older: 'Older customers', expected: all });

  await page.getByLabel('Phone number').fill('123');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/phone=123/);
  await walk(page, { rows: '.customers li a', older: 'Older customers', expected: found });
  await expect(page).toHaveURL(/phone=123/);
});
