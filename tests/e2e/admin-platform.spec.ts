// The admin's platform section against the real stack: platform staff (a row in
// private.platform_staff, added by SQL as an operator would) see the stack worker's real jobs
// with their heartbeats, and suspend and resume an organization of this test's own (never the
// demo organization other specs use), whose owner meanwhile sees the read-only banner; an
// ordinary owner has no platform link and is told the section is not theirs.
import { expect, test, type Browser, type Page } from '@playwright/test';
import postgres from 'postgres';
import { newOperator, newUser, signInAs, shot } from './operator.ts';
import { stack } from './stack-file.ts';

/** What the stack's worker runs (worker/README.md); radius-clients once per node. */
const JOBS = ['pay-reconcile', 'sms-dispatch', 'radius-sweep', 'radius-disconnects'];
const PER_NODE_JOBS = ['radius-clients'];

let sql: postgres.Sql;
test.beforeAll(() => {
  sql = postgres(stack().dbUrl, { max: 2, onnotice: () => {} });
});
test.afterAll(async () => {
  await sql?.end();
});

async function signedInPage(browser: Browser, user: { email: string; password: string }) {
  const page = await (await browser.newContext()).newPage();
  await signInAs(page, user);
  return page;
}

const suspendedAt = async (organizationId: string) =>
  (await sql`select suspended_at from public.organizations where id = ${organizationId}`)[0]!
    .suspended_at as Date | null;

/** The banner paragraph: its headline, then the reason. */
const banner = (page: Page) =>
  page.locator('p', { has: page.getByText('suspended by the platform: read-only') });

test('platform staff see the jobs, suspend an organization and resume it', async ({
  page,
  browser,
}) => {
  // Two signed-in browsers and three screens in one story: under CI's full parallel load it has
  // taken 70 s (it takes 15-20 s alone), so it gets the slow-test allowance.
  test.slow();
  const [staff, operator] = await Promise.all([newUser('staff'), newOperator()]);
  await sql`insert into private.platform_staff (user_id) values (${staff.id})`;
  const [organization] = await sql`select name from public.organizations
                                    where id = ${operator.organizationId}`;
  const name = organization!.name as string;
  const reason = 'Unpaid platform invoice (e2e)';

  await signInAs(page, staff);
  await page.getByRole('link', { name: 'Platform', exact: true }).click();
  await expect(page).toHaveURL(/\/platform$/);

  // Jobs: every real job of the stack's worker, each with a heartbeat (the worker runs them all
  // at its start, so a success may still be on its way when this spec runs first).
  await page
    .getByRole('navigation', { name: 'Platform' })
    .getByRole('link', { name: 'Jobs' })
    .click();
  const jobs = page.getByRole('list', { name: 'Jobs' });
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    for (const job of JOBS) {
      const row = jobs.getByRole('listitem', { name: job, exact: true });
      await expect(row).toContainText(/Last success\s*(just now|\d+ (s|min) ago)/, {
        timeout: 1000,
      });
    }
    for (const job of PER_NODE_JOBS) {
      const row = jobs.getByRole('listitem', { name: new RegExp(`^${job} on `) });
      await expect(row.first()).toContainText(/Last success\s*(just now|\d+ (s|min) ago)/, {
        timeout: 1000,
      });
    }
  }).toPass({ timeout: 15_000 });
  await shot(page, 'platform-jobs');

  // Settings: the sign-up mode with what each means. Saved unchanged: other specs create
  // organizations meanwhile, which `open` would leave unapproved.
  await page
    .getByRole('navigation', { name: 'Platform' })
    .getByRole('link', { name: 'Settings' })
    .click();
  await expect(page.getByLabel('Invite only (the default)')).toBeChecked();
  await expect(page.getByText('approve each new organization before RADIUS')).toBeVisible();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Sign-up mode saved.' })).toBeVisible();
  // How long records are kept: each kind with its floor and reason; saved as it is.
  const sms = page.getByLabel('SMS sent (days, at least 30)');
  await expect(sms).toHaveValue('90');
  await expect(page.getByText('support answers "I got no SMS"')).toBeVisible();
  await page.getByRole('button', { name: 'Save how long SMS sent are kept' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'SMS sent: kept 90 days.' }),
  ).toBeVisible();

  // Organizations: suspend this test's own organization, with a reason, after confirming.
  await page
    .getByRole('navigation', { name: 'Platform' })
    .getByRole('link', { name: 'Organizations' })
    .click();
  const row = page.getByRole('list', { name: 'Organizations' }).getByRole('listitem', { name });
  await expect(row.getByText('Active', { exact: true })).toBeVisible();
  await expect(row).toContainText(operator.email);
  await row.getByText('Suspend…').click();
  await row.getByRole('button', { name: `Suspend ${name}` }).click();
  await expect(page.getByRole('alert')).toContainText('Say why the organization is suspended');
  await row.getByLabel('Why').fill(reason);
  page.once('dialog', (dialog) => void dialog.accept());
  await row.getByRole('button', { name: `Suspend ${name}` }).click();
  await expect(page.getByRole('status').filter({ hasText: `${name} is suspended.` })).toBeVisible();
  await expect(row.getByText('Suspended', { exact: true })).toBeVisible();
  await expect(row).toContainText(reason);
  expect(await suspendedAt(operator.organizationId)).not.toBeNull();
  await shot(page, 'platform-organizations');

  // Its owner sees why the admin is read-only, on every page.
  const ownerPage = await signedInPage(browser, operator);
  await expect(banner(ownerPage)).toBeVisible();
  await expect(banner(ownerPage)).toContainText(reason);
  await expect(ownerPage.getByRole('link', { name: 'Platform', exact: true })).toBeHidden();
  await shot(ownerPage, 'suspended-banner');

  await row.getByRole('button', { name: `Resume ${name}` }).click();
  await expect(
    page.getByRole('status').filter({ hasText: `${name} is active again.` }),
  ).toBeVisible();
  await expect(row.getByText('Active', { exact: true })).toBeVisible();
  expect(await suspendedAt(operator.organizationId)).toBeNull();
  await ownerPage.reload();
  await expect(ownerPage.getByRole('link', { name: 'Team' })).toBeVisible();
  await expect(banner(ownerPage)).toBeHidden();
});

test('an ordinary owner has no platform section', async ({ page }) => {
  const { email, password } = stack().demo;
  await signInAs(page, { email, password });
  await page.goto(`${stack().adminUrl}/platform`);
  // The page's own staff check is the one the bar's link waits on: once it has answered, the
  // link's absence means something.
  await expect(page.getByText('Only platform staff see the platform section.')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Organizations' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Platform', exact: true })).toBeHidden();
  for (const screen of ['jobs', 'settings']) {
    await page.goto(`${stack().adminUrl}/platform/${screen}`);
    await expect(page.getByText('Only platform staff see the platform section.')).toBeVisible();
  }
});
