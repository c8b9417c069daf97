// Issue 13, "junk costs nothing lasting", written as the attacker: an anonymous sender on the
// internet who floods the public callback URLs, replays a signed URL long after its payment
// settled, or keeps an old status token. Junk is counted per hour (private.callback_junk) with
// a few samples; real callbacks keep their raw body.
import { beforeAll, describe, expect, it } from 'vitest';
import { client, ownerSql } from '../support/users.ts';
import {
  callbackSecret,
  createPayHotspot,
  functionsUrl,
  payment,
  postCallback,
  receipt,
  signedCallbackUrl,
  simSwitch,
  startPayment,
  successCallback,
  testPhone,
  waitFor,
  type PayHotspot,
} from '../support/payments.ts';
import { callbackToken } from '../../supabase/functions/_shared/domain/callback-token.ts';
import { actAs, attempt, rolledBack, user, type Tx } from '../support/rolled-back.ts';

let hotspot: PayHotspot;
beforeAll(async () => {
  hotspot = await createPayHotspot(20);
});

/** A payment whose push Daraja accepted but whose callback the simulator drops. */
async function pendingPayment() {
  const phone = testPhone();
  await simSwitch(phone, { drop: true });
  const started = await startPayment(hotspot, { phone });
  expect(started.status).toBe(201);
  const id = started.body.payment_id!;
  const row = await waitFor(
    async () => {
      const r = await payment(id);
      return r.checkout_request_id ? r : null;
    },
    5000,
    'CheckoutRequestID stored',
  );
  const token = started.body.status_token!;
  return { id, phone, token, crid: row.checkout_request_id!, url: signedCallbackUrl(id) };
}

/** Junk counted so far for a kind and reason, over every hour kept. */
async function junkHits(kind: string, reason: string): Promise<number> {
  const [row] = await ownerSql()`
    select coalesce(sum(hits), 0)::int as n from private.callback_junk
    where kind = ${kind} and reason = ${reason}`;
  return row!.n;
}

/** Rows of every table a callback can write to (callbacks, junk counters, junk samples). */
async function callbackRows(): Promise<number> {
  const [row] = await ownerSql()`
    select (select count(*) from private.payment_callbacks)
         + (select count(*) from private.callback_junk)
         + (select count(*) from private.callback_junk_samples) as n`;
  return Number(row!.n);
}

/** Bytes (heap, indexes, TOAST) of the tables junk may write to. */
async function junkBytes(): Promise<number> {
  const [row] = await ownerSql()`
    select pg_total_relation_size('private.callback_junk')
         + pg_total_relation_size('private.callback_junk_samples') as n`;
  return Number(row!.n);
}

/** Sends `count` requests, 50 at a time. */
async function flood(count: number, send: () => Promise<{ status: number }>): Promise<number[]> {
  const statuses: number[] = [];
  for (let sent = 0; sent < count; sent += 50) {
    const batch = Array.from({ length: Math.min(50, count - sent) }, send);
    statuses.push(...(await Promise.all(batch)).map((a) => a.status));
  }
  return statuses;
}

describe('a flood of junk STK callbacks is counted, not stored', () => {
  it('500 forged and 200 malformed callbacks leave a constant number of rows', async () => {
    const p = await pendingPayment();
    const forgedUrl = p.url.replace(/\/[0-9a-f]{32}$/, `/${'0'.repeat(32)}`);
    const [forgedBefore, malformedBefore, rowsBefore, bytesBefore] = await Promise.all([
      junkHits('stk', 'forged'),
      junkHits('stk', 'malformed'),
      callbackRows(),
      junkBytes(),
    ]);
    const pad = 'x'.repeat(6000);
    const forged = await flood(500, () =>
      postCallback(
        forgedUrl,
        successCallback(p.crid, '20', receipt(), p.phone).replace('m-1', pad),
      ),
    );
    const malformed = await flood(200, () => postCallback(p.url, `{"Body": "${pad}`));
    expect(new Set(forged)).toEqual(new Set([403]));
    expect(new Set(malformed)).toEqual(new Set([400]));

    expect((await junkHits('stk', 'forged')) - forgedBefore).toBeGreaterThanOrEqual(500);
    expect((await junkHits('stk', 'forged')) - forgedBefore).toBeLessThan(520);
    expect((await junkHits('stk', 'malformed')) - malformedBefore).toBeGreaterThanOrEqual(200);
    expect((await junkHits('stk', 'malformed')) - malformedBefore).toBeLessThan(220);
    // At most 2 counters and 10 samples per reason (an hour boundary may fall in the flood),
    // plus what other test files write meanwhile.
    expect((await callbackRows()) - rowsBefore).toBeLessThan(40);
    // 700 bodies of ~6 KB used to cost ~4 MB; now a few counter versions and 1 KB samples.
    const grown = (await junkBytes()) - bytesBefore;
    expect(grown).toBeLessThan(256 * 1024);
    const stored = await ownerSql()`
      select 1 from private.payment_callbacks where payment_id = ${p.id}`;
    expect(stored).toHaveLength(0);
    const [samples] = await ownerSql()`
      select count(*)::int as n, max(length(body))::int as longest
      from private.callback_junk_samples where ref = ${p.id}`;
    expect(samples!.n).toBeLessThanOrEqual(20);
    expect(samples!.longest).toBeLessThanOrEqual(1024);
    expect((await payment(p.id)).status).toBe('pending');
  });

  it('a correctly signed callback still settles and keeps its raw body', async () => {
    const p = await pendingPayment();
    const body = successCallback(p.crid, '20', receipt(), p.phone);
    expect((await postCallback(p.url, body)).status).toBe(200);
    expect((await payment(p.id)).status).toBe('success');
    const rows = await ownerSql()`
      select verdict, body from private.payment_callbacks where payment_id = ${p.id}`;
    expect(rows).toEqual([{ verdict: 'success', body }]);
  });
});

describe('signed callback URLs expire 48 hours after their payment settled', () => {
  it('a signed callback to a payment settled 49 hours ago is refused and changes nothing', async () => {
    const p = await pendingPayment();
    const first = receipt();
    expect((await postCallback(p.url, successCallback(p.crid, '20', first, p.phone))).status).toBe(
      200,
    );
    await ownerSql()`
      update public.payments set settled_at = now() - interval '47 hours' where id = ${p.id}`;
    // Inside the window a repeat is still a harmless duplicate.
    expect((await postCallback(p.url, successCallback(p.crid, '20', first, p.phone))).status).toBe(
      200,
    );
    await ownerSql()`
      update public.payments set settled_at = now() - interval '49 hours' where id = ${p.id}`;
    const before = await payment(p.id);
    const expiredBefore = await junkHits('stk', 'expired');
    const late = await postCallback(p.url, successCallback(p.crid, '20', receipt(), p.phone));
    expect(late).toEqual({ status: 403, body: { ResultCode: 1, ResultDesc: 'Rejected' } });
    expect(await payment(p.id)).toEqual(before);
    const stored = await ownerSql()`
      select verdict from private.payment_callbacks where payment_id = ${p.id} order by id`;
    expect(stored.map((r) => r.verdict)).toEqual(['success', 'duplicate']);
    expect((await junkHits('stk', 'expired')) - expiredBefore).toBeGreaterThanOrEqual(1);
    const unmatched = await ownerSql()`
      select 1 from private.unmatched_receipts where payment_id = ${p.id}`;
    expect(unmatched).toHaveLength(0);
  });
});

describe('portal status tokens expire after 7 days', () => {
  it('a token of a payment started 8 days ago returns nothing; 6 days still answers', async () => {
    const p = await pendingPayment();
    const status = () => client().rpc('payment_status', { p_token: p.token });
    await ownerSql()`
      update public.payments set created_at = now() - interval '6 days' where id = ${p.id}`;
    expect((await status()).data).toMatchObject({ status: 'pending' });
    await ownerSql()`
      update public.payments set created_at = now() - interval '8 days' where id = ${p.id}`;
    const old = await status();
    expect(old.error).toBeNull();
    expect(old.data).toBeNull();
  });
});

describe('a flood of junk C2B confirmations is counted, not stored', () => {
  it('forged and malformed confirmations leave a constant number of rows', async () => {
    const token = await callbackToken(callbackSecret(), hotspot.organizationId, 'c2b');
    const base = `${functionsUrl()}/pay-c2b/${hotspot.organizationId}`;
    const real = `${base}/${token}/confirmation`;
    const forgedUrl = `${base}/${'a'.repeat(32)}/confirmation`;
    const note = {
      TransactionType: 'Pay Bill',
      TransID: 'TJUNK00001',
      TransTime: '20261129101501',
      TransAmount: '20.00',
      BusinessShortCode: '174379',
      BillRefNumber: 'x'.repeat(6000),
      MSISDN: '254712345678',
    };
    const [forgedBefore, malformedBefore, rowsBefore] = await Promise.all([
      junkHits('c2b', 'forged'),
      junkHits('c2b', 'malformed'),
      callbackRows(),
    ]);
    const forged = await flood(300, () => postCallback(forgedUrl, note));
    const malformed = await flood(100, () => postCallback(real, '{"TransID":'));
    expect(new Set(forged)).toEqual(new Set([403]));
    expect(new Set(malformed)).toEqual(new Set([400]));
    expect((await junkHits('c2b', 'forged')) - forgedBefore).toBeGreaterThanOrEqual(300);
    expect((await junkHits('c2b', 'forged')) - forgedBefore).toBeLessThan(320);
    expect((await junkHits('c2b', 'malformed')) - malformedBefore).toBeGreaterThanOrEqual(100);
    expect((await callbackRows()) - rowsBefore).toBeLessThan(40);
    const kept = await ownerSql()`
      select 1 from private.unmatched_receipts where receipt = 'TJUNK00001'`;
    expect(kept).toHaveLength(0);
  });
});

describe('the two lifetimes are platform settings', () => {
  it('48 hours and 7 days by default; platform staff set them (audited)', async () => {
    const outcome = await rolledBack(async (tx) => {
      const staffId = await user(tx, 'lifetimes-staff');
      await tx`insert into private.platform_staff (user_id) values (${staffId})`;
      const asStaff = async <T>(sp: Tx, statement: () => PromiseLike<T>) => {
        await actAs(sp, staffId);
        const result = await statement();
        await sp.unsafe('reset role');
        return result;
      };
      const [defaults] = await asStaff(tx, () => tx`select * from public.platform_settings()`);
      const invalid = await attempt(tx, (sp) =>
        asStaff(sp, () => sp`select public.set_payment_link_lifetimes(0, 7)`),
      );
      await asStaff(tx, () => tx`select public.set_payment_link_lifetimes(72, 14)`);
      const [after] = await asStaff(tx, () => tx`select * from public.platform_settings()`);
      const audit = await tx`select action, detail from private.platform_audit
                             where actor = ${staffId} order by at`;
      return { defaults, invalid, after, audit };
    });
    expect(outcome.defaults).toMatchObject({ callback_url_hours: 48, status_token_days: 7 });
    expect(outcome.invalid).toBe('22023');
    expect(outcome.after).toMatchObject({ callback_url_hours: 72, status_token_days: 14 });
    expect(outcome.audit).toEqual([
      {
        action: 'set_payment_link_lifetimes',
        detail: { callback_url_hours: 72, status_token_days: 14 },
      },
    ]);
  });
});
