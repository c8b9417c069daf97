// Support actions of an admin of the demo organization (whose M-Pesa settings point at the
// Daraja simulator) in the admin app, against the real RPCs and edge function:
// money that bought nothing gets its voucher or is marked refunded, a payment whose callback was
// lost is re-checked with M-Pesa (the Daraja simulator answers the STK Query), and its voucher
// SMS is sent again. Every action must leave an audit_log row.
import { expect, test } from '@playwright/test';
import { randomBytes, randomInt } from 'node:crypto';
import postgres from 'postgres';
import {
  VOUCHER_ALPHABET,
  VOUCHER_CODE_LENGTH,
  VOUCHER_CODE_MAX_LENGTH,
} from '../../supabase/functions/_shared/domain/voucher-code.ts';
import { newOperator, newUser, serviceClient, shot, signInAs } from './operator.ts';
import { stack, type Stack } from './stack-file.ts';

const DEMO_ORG = 'd0000000-0000-4000-8000-000000000010';
const DEMO_SITE = 'd0000000-0000-4000-8000-000000000020';
const ONE_HOUR_PLAN = 'd0000000-0000-4000-8000-000000000041';
const ONE_DAY_PLAN = 'd0000000-0000-4000-8000-000000000042';

const info = () => stack() as Stack & { daraja?: { url: string } };
const receiptCode = () => `S${randomBytes(5).toString('hex').toUpperCase()}`;
/**
 * A number of its own, so the simulator's per-phone switches and limits are this test's. It ends
 * in 5: the simulator picks failures by the last four digits, and none of those ends in 5.
 */
const localPhone = () => `07${String(randomInt(0, 10_000_000)).padStart(7, '0')}5`;
const e164 = (local: string) => `+254${local.slice(1)}`;

// One long journey (two receipts, a payment through the simulator): room for a busy machine.
test.describe.configure({ timeout: 60_000 });

let sql: postgres.Sql;
/** Users this file made members of the demo organization, removed again at the end. */
const demoMembers: string[] = [];
test.beforeAll(() => {
  sql = postgres(info().dbUrl, { max: 2, onnotice: () => {} });
});
test.afterAll(async () => {
  if (demoMembers.length > 0)
    await sql`delete from public.memberships
              where organization_id = ${DEMO_ORG} and user_id in ${sql(demoMembers)}`;
  await sql?.end();
});

const audited = async (action: string, rowId: string) => {
  const [row] = await sql`select count(*)::int as n from public.audit_log
                          where table_name = ${`support:${action}`} and row_id = ${rowId}`;
  return row!.n as number;
};

test('support: issue a voucher for and refund unmatched receipts, re-check a payment, resend its SMS', async ({
  page,
}) => {
  const { adminUrl, supabaseUrl, secretKey } = info();
  const daraja = info().daraja?.url;
  if (!daraja) throw new Error('the stack has no Daraja simulator');

  // Money M-Pesa received that bought nothing: a wrong amount and a payment made by hand (C2B).
  const buyer = e164(localPhone());
  const [toVoucher, toRefund] = [receiptCode(), receiptCode()];
  await sql`insert into private.unmatched_receipts
              (receipt, organization_id, site_id, phone, amount_kes, reason, msisdn_hint)
            values (${toVoucher}, ${DEMO_ORG}, ${DEMO_SITE}, ${buyer}, 55, 'amount_mismatch', null),
                   (${toRefund}, ${DEMO_ORG}, null, null, 20, 'c2b', '2547 ***** 678')`;

  // A user of its own: another spec signing the demo owner out would end every session of theirs.
  const admin = await newUser('support-admin');
  await sql`insert into public.memberships (organization_id, user_id, role)
            values (${DEMO_ORG}, ${admin.id}, 'admin')`;
  demoMembers.push(admin.id);
  await signInAs(page, admin);
  await page.getByRole('link', { name: 'Payments' }).click();
  await page.getByRole('link', { name: 'Unmatched receipts' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Unmatched receipts');

  // Issue: the form suggests the dearest plan the money covers and the phone that paid.
  const first = page.getByRole('listitem', { name: toVoucher });
  await expect(first).toContainText('Amount differs from the plan’s price');
  await shot(page, 'payments-unmatched');
  await first.locator('summary', { hasText: 'Issue voucher' }).click();
  await expect(first.getByLabel('Plan')).toHaveValue(ONE_DAY_PLAN);
  await expect(first.getByLabel('Customer phone')).toHaveValue(buyer);
  await first.getByRole('button', { name: 'Issue voucher' }).click();
  const issued = page.getByRole('status').filter({ hasText: `issued for receipt ${toVoucher}` });
  await expect(issued).toContainText(
    new RegExp(
      `^Voucher [${VOUCHER_ALPHABET}]{${VOUCHER_CODE_LENGTH},${VOUCHER_CODE_MAX_LENGTH}} issued`,
    ),
  );
  const code = /Voucher (\S+) issued/.exec((await issued.textContent()) ?? '')![1]!;
  await expect(issued).toContainText(`the SMS goes to ${buyer}`);
  await expect(first).toContainText('Bought a voucher');
  const [voucher] = await sql`
    select v.code, v.plan_id, p.via, p.phone from private.unmatched_receipts u
    join public.payments p on p.id = u.redeemed_payment_id
    join public.vouchers v on v.id = p.voucher_id
    where u.receipt = ${toVoucher}`;
  expect(voucher).toMatchObject({ code, plan_id: ONE_DAY_PLAN, via: 'admin', phone: buyer });
  expect(await audited('issue_voucher', toVoucher)).toBe(1);

  // Refund: the other receipt can no longer be redeemed.
  const second = page.getByRole('listitem', { name: toRefund });
  await expect(second).toContainText('2547 ***** 678');
  await second.locator('summary', { hasText: 'Mark refunded' }).click();
  await second.getByLabel('Note (optional)').fill('Sent back by M-Pesa reversal');
  await second.getByRole('button', { name: 'Mark refunded' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: `Receipt ${toRefund} is marked refunded.` }),
  ).toBeVisible();
  await expect(second).toContainText('Refunded');
  const [refunded] = await sql`select refunded_at, note from private.unmatched_receipts
                               where receipt = ${toRefund}`;
  expect(refunded!.refunded_at).not.toBeNull();
  expect(refunded!.note).toBe('Sent back by M-Pesa reversal');
  expect(await audited('mark_refunded', toRefund)).toBe(1);

  // A payment the customer paid but whose callback never came (the simulator drops it); the
  // stack's own reconciler leaves it alone for a minute, so the re-check below is the UI's.
  const payer = localPhone();
  const sim = await fetch(`${daraja}/_sim/phones/254${payer.slice(1)}`, {
    method: 'POST',
    body: JSON.stringify({ drop: true }),
  });
  expect(sim.ok).toBe(true);
  const started = await fetch(`${supabaseUrl}/functions/v1/pay-start`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      site_id: DEMO_SITE,
      plan_id: ONE_HOUR_PLAN,
      phone: payer,
      idempotency_key: `support-${randomBytes(6).toString('hex')}`,
    }),
  });
  const start = (await started.json()) as { payment_id?: string };
  expect(started.status, JSON.stringify(start)).toBe(201);
  const paymentId = start.payment_id!;
  // The simulated customer has typed the PIN once its push is done (the query then knows).
  await expect
    .poll(async () => {
      const pushes = (await (
        await fetch(`${daraja}/_sim/pushes?phone=254${payer.slice(1)}`)
      ).json()) as { status: string }[];
      return pushes.map((p) => p.status);
    })
    .toEqual(['done']);

  await page.goto(`${adminUrl}/payments/${paymentId}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('KES 10 · pending');
  await page.getByRole('button', { name: 'Check with M-Pesa now' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'M-Pesa answered: the payment is now success.' }),
  ).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('KES 10 · success');
  const [settled] = await sql`select status, via, voucher_id from public.payments
                              where id = ${paymentId}`;
  expect(settled).toMatchObject({ status: 'success', via: 'query' });
  expect(settled!.voucher_id).not.toBeNull();
  expect(await audited('recheck_payment', paymentId)).toBe(1);

  // Resend the voucher SMS: one more row in the outbox for this payment.
  const smsCount = async () => {
    const [row] = await sql`select count(*)::int as n from public.sms_outbox
                            where payment_id = ${paymentId}`;
    return row!.n as number;
  };
  const before = await smsCount();
  await page.getByRole('button', { name: 'Resend SMS' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: `The voucher SMS is on its way to ${e164(payer)}` }),
  ).toBeVisible();
  expect(await smsCount()).toBe(before + 1);
  expect(await audited('resend_sms', paymentId)).toBe(1);
});

test('support: agents see no unmatched receipts', async ({ page }) => {
  const owner = await newOperator();
  const agent = await newUser('agent');
  const added = await serviceClient()
    .from('memberships')
    .insert({ organization_id: owner.organizationId, user_id: agent.id, role: 'agent' });
  expect(added.error).toBeNull();
  await signInAs(page, agent);
  await page.goto(`${info().adminUrl}/payments/unmatched`);
  await expect(page.getByText('Only owners and admins see unmatched receipts.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Issue voucher' })).toHaveCount(0);
});
