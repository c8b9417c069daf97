// Cash sales and the audit log in the admin app, against the real cash_up RPC and RLS: an agent
// sells two vouchers and sees them in My sales; the owner's cash-up counts that agent's cash and
// lists the sales; the owner's audit log shows a plan edit they just made, and an agent cannot
// open the audit log. Users of their own: another spec signs the demo owner out everywhere.
import { expect, test } from '@playwright/test';
import { newOperator, newUser, serviceClient, shot, signInAs } from './operator.ts';

// Two sign-ins and a few screens each: room for a busy machine.
test.describe.configure({ timeout: 60_000 });

test('cash-up: an agent’s sales and totals; audit log: owners only', async ({ page }) => {
  const owner = await newOperator();
  const plan = await owner.client
    .from('plans')
    .insert({
      organization_id: owner.organizationId,
      name: 'Hour pass',
      price_kes: 10,
      validity_seconds: 3600,
    })
    .select('id')
    .single();
  expect(plan.error).toBeNull();
  const agent = await newUser('agent');
  const joined = await serviceClient()
    .from('memberships')
    .insert({ organization_id: owner.organizationId, user_id: agent.id, role: 'agent' });
  expect(joined.error).toBeNull();

  // The agent issues two vouchers (agents make no batches) and sells one at a special price
  // (the RPC as the agent) and the other for the plan's price in the app.
  const issue = async () =>
    (
      await agent.client
        .from('vouchers')
        .insert({ organization_id: owner.organizationId, plan_id: plan.data!.id } as never)
        .select('id, code')
        .single()
    ).data as { id: string; code: string };
  const issued = { data: [await issue(), await issue()] };
  const [special, plain] = issued.data!;
  const sold = await agent.client.rpc('sell_voucher', {
    p_voucher_id: special!.id,
    p_price_kes: 15,
  });
  expect(sold.error).toBeNull();

  await signInAs(page, agent);
  const sections = page.getByRole('navigation', { name: 'Sections' });
  await sections.getByRole('link', { name: 'Vouchers' }).click();
  const voucher = page.getByRole('listitem', { name: plain!.code });
  await voucher.getByRole('button', { name: 'Sell for cash' }).click();
  await expect(voucher).toContainText(/Sold .* for KES 10/);

  // My sales: today's two sales, 25 KES.
  await expect(sections.getByRole('link', { name: 'Vouchers' })).toBeVisible();
  await expect(sections.getByRole('link', { name: 'Audit log' })).toHaveCount(0);
  await sections.getByRole('link', { name: 'Cash-up' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My sales');
  await expect(page.getByLabel('Total')).toContainText('KES 25');
  await expect(page.getByLabel('Total')).toContainText('2 vouchers sold');
  const sales = page.getByRole('list', { name: 'Sales' });
  await expect(sales.getByRole('listitem')).toHaveCount(2);
  await expect(sales.getByRole('listitem', { name: special!.code })).toContainText(
    'Hour pass · KES 15',
  );
  await expect(sales.getByRole('listitem', { name: plain!.code })).toContainText(
    'Hour pass · KES 10',
  );
  // Another day: nothing sold.
  await page.getByLabel('Day').fill('2024-01-02');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/day=2024-01-02/);
  await expect(page.getByLabel('Total')).toContainText('KES 0');
  await expect(page.getByText('No sales on this day.')).toBeVisible();

  // The audit log is the owner's: no link, and the page says so.
  await page.goto(`${new URL(page.url()).origin}/audit`);
  await expect(page.getByText('Only owners see the audit log')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Changes' })).toHaveCount(0);

  // The owner: cash-up per person for today, with the agent's sales behind a link.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInAs(page, owner);
  await sections.getByRole('link', { name: 'Cash-up' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Cash-up');
  const seller = page.getByRole('list', { name: 'Sellers' }).getByRole('listitem');
  await expect(seller).toHaveCount(1);
  await expect(seller).toHaveAccessibleName(agent.email);
  await expect(seller).toContainText('agent');
  await expect(seller).toContainText('KES 25');
  await expect(seller).toContainText('2 vouchers');
  await expect(page.getByLabel('Total')).toContainText('KES 25');
  await seller.getByRole('link', { name: 'Show sales' }).click();
  await expect(page).toHaveURL(/seller=/);
  await expect(page.getByRole('heading', { name: `Sales by ${agent.email}` })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Sales' }).getByRole('listitem')).toHaveCount(2);
  await shot(page, 'cashup');

  // A plan edit shows up in the owner's audit log: who, what and the change.
  await sections.getByRole('link', { name: 'Plans' }).click();
  const planItem = page.getByRole('listitem', { name: 'Hour pass' });
  await planItem.getByRole('button', { name: 'Edit' }).click();
  await planItem.getByLabel('Price (KES)').fill('12');
  await planItem.getByRole('button', { name: 'Save changes' }).click();
  await expect(planItem).toContainText('KES 12');

  await sections.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit log');
  const changes = page.getByRole('list', { name: 'Changes' });
  const edit = changes.getByRole('listitem', { name: 'Changed Plans' }).first();
  await expect(edit).toContainText(owner.email);
  await expect(edit).toContainText('price_kes: 10 → 12');
  await expect(edit).toContainText(plan.data!.id);
  // The agent's sales are there too, by the agent.
  await expect(changes.getByRole('listitem', { name: 'Changed Vouchers' })).toHaveCount(2);
  await shot(page, 'audit');
  await expect(changes.getByRole('listitem', { name: 'Changed Vouchers' }).first()).toContainText(
    agent.email,
  );

  // Filters: only plan changes, then only removals (none yet).
  await page.getByLabel('What').selectOption('plans');
  await page.getByLabel('Action').selectOption('update');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/table=plans/);
  await expect(changes.getByRole('listitem', { name: /^Changed Plans$/ })).toHaveCount(1);
  await expect(changes.getByRole('listitem', { name: 'Changed Vouchers' })).toHaveCount(0);
  await page.getByLabel('Action').selectOption('delete');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByText('No changes match.')).toBeVisible();
});
