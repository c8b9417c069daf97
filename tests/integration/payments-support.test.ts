import { beforeAll, describe, expect, it } from 'vitest';
import { isVoucherCode } from '../../supabase/functions/_shared/domain/voucher-code.ts';
import { clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';
import {
  createPayHotspot,
  functionsUrl,
  payment,
  receipt,
  settled,
  simPushes,
  simSwitch,
  startPayment,
  testPhone,
  waitFor,
  type PayHotspot,
} from '../support/payments.ts';

let hotspot: PayHotspot;
let owner: TestUser;
let admin: TestUser;
let agent: TestUser;
let outsider: TestUser;

beforeAll(async () => {
  hotspot = await createPayHotspot(20);
  [owner, admin, agent, outsider] = await Promise.all([
    createTestUser('sup-owner'),
    createTestUser('sup-admin'),
    createTestUser('sup-agent'),
    createTestUser('sup-outsider'),
  ]);
  await ownerSql()`insert into public.memberships (organization_id, user_id, role) values
    (${hotspot.organizationId}, ${owner.id}, 'owner'),
    (${hotspot.organizationId}, ${admin.id}, 'admin'),
    (${hotspot.organizationId}, ${agent.id}, 'agent')`;
});

async function unmatched(amount = 20, phone = testPhone()) {
  const code = receipt();
  await ownerSql()`
    insert into private.unmatched_receipts (receipt, organization_id, site_id, phone, amount_kes, reason)
    values (${code}, ${hotspot.organizationId}, ${hotspot.siteId}, ${phone}, ${amount}, 'amount_mismatch')`;
  return { code, phone };
}

const audits = (action: string, rowId: string) =>
  ownerSql()`select * from public.audit_log where organization_id = ${hotspot.organizationId}
             and table_name = ${`support:${action}`} and row_id = ${rowId}`;

describe('support actions', () => {
  it('lists unmatched receipts for owners and admins only', async () => {
    const { code } = await unmatched();
    const listed = await clientAs(admin).rpc('unmatched_receipts', {
      p_organization_id: hotspot.organizationId,
    });
    expect(listed.error).toBeNull();
    expect((listed.data as { receipt: string }[]).map((r) => r.receipt)).toContain(code);
    for (const user of [agent, outsider]) {
      const denied = await clientAs(user).rpc('unmatched_receipts', {
        p_organization_id: hotspot.organizationId,
      });
      expect(denied.error?.code).toBe('42501');
    }
  });

  it('issues the voucher for an unmatched receipt once, audited', async () => {
    const { code, phone } = await unmatched(15);
    const denied = await clientAs(agent).rpc('support_issue_voucher', {
      p_receipt: code,
      p_plan_id: hotspot.planId,
      p_phone: phone,
    });
    expect(denied.error?.code).toBe('42501');
    const issued = await clientAs(admin).rpc('support_issue_voucher', {
      p_receipt: code,
      p_plan_id: hotspot.planId,
      p_phone: phone,
    });
    expect(issued.error).toBeNull();
    expect(isVoucherCode(issued.data.voucher_code)).toBe(true);
    expect(await payment(issued.data.payment_id)).toMatchObject({
      status: 'success',
      via: 'admin',
      mpesa_receipt: code,
    });
    const twice = await clientAs(owner).rpc('support_issue_voucher', {
      p_receipt: code,
      p_plan_id: hotspot.planId,
      p_phone: phone,
    });
    expect(twice.error?.code).toBe('P0001');
    expect(await audits('issue_voucher', code)).toHaveLength(1);
  });

  it('marks a receipt refunded, after which nobody can redeem it', async () => {
    const { code, phone } = await unmatched(20);
    const refunded = await clientAs(owner).rpc('support_mark_refunded', {
      p_receipt: code,
      p_note: 'sent back by M-Pesa reversal',
    });
    expect(refunded.error).toBeNull();
    expect(refunded.data.refunded_at).toBeTruthy();
    const recover = await clientAs(outsider).rpc('recover_voucher', {
      p_site_slug: hotspot.siteSlug,
      p_receipt: code,
      p_phone: phone,
    });
    expect(recover.data).toEqual({ ok: false, error: 'not_found' });
    const issue = await clientAs(owner).rpc('support_issue_voucher', {
      p_receipt: code,
      p_plan_id: hotspot.planId,
      p_phone: phone,
    });
    expect(issue.error?.code).toBe('P0001');
    expect(await audits('mark_refunded', code)).toHaveLength(1);
  });

  it('resends the SMS of a paid payment, at most three times an hour', async () => {
    const started = await startPayment(hotspot, { phone: testPhone() });
    const row = await settled(started.body.payment_id!);
    expect(row.status).toBe('success');
    const denied = await clientAs(agent).rpc('support_resend_sms', { p_payment_id: row.id });
    expect(denied.error?.code).toBe('42501');
    for (let i = 0; i < 3; i++) {
      const sent = await clientAs(admin).rpc('support_resend_sms', { p_payment_id: row.id });
      expect(sent.error).toBeNull();
    }
    const tooMany = await clientAs(admin).rpc('support_resend_sms', { p_payment_id: row.id });
    expect(tooMany.error?.code).toBe('54000');
    const sms = await ownerSql()`select body from public.sms_outbox where payment_id = ${row.id}`;
    expect(sms).toHaveLength(4);
    expect(new Set(sms.map((s) => s.body)).size).toBe(1);
  });

  it('re-checks one pending payment now through pay-reconcile (owners and admins of its organization)', async () => {
    const phone = testPhone();
    await simSwitch(phone, { drop: true });
    const started = await startPayment(hotspot, { phone });
    const id = started.body.payment_id!;
    await waitFor(async () => (await simPushes(phone))[0]?.status === 'done', 5000, 'push done');
    const recheck = (user: TestUser) =>
      fetch(`${functionsUrl()}/pay-reconcile`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${user.accessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ payment_id: id }),
      });
    expect((await recheck(agent)).status).toBe(403);
    expect((await recheck(outsider)).status).toBe(403);
    expect((await payment(id)).status).toBe('pending');
    const ok = await recheck(admin);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ checked: 1, settled: 1 });
    expect(await payment(id)).toMatchObject({ status: 'success', via: 'query' });
    expect(await audits('recheck_payment', id)).toHaveLength(1);
  });
});
