// M-Pesa test support: a hotspot of its own per test file (organization with sandbox M-Pesa and
// SMS settings, a site, a plan sold there, a router), and the calls the portal server, Daraja
// and the stack's timers make: pay-start, the Daraja simulator's control API, pay-notify with a
// signed URL, pay-reconcile, sms-dispatch.
import { createHmac, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isVoucherCode } from '../../supabase/functions/_shared/domain/voucher-code.ts';
import { claimLocalPhone } from './phones.ts';
import { stackInfo } from './stack.ts';
import { ownerSql } from './users.ts';

export type PayHotspot = {
  organizationId: string;
  siteId: string;
  siteSlug: string;
  planId: string;
  priceKes: number;
  routerId: string;
  /** Adds another plan sold at the site. */
  plan: (priceKes: number, name?: string) => Promise<string>;
};

const SANDBOX_PASSKEY = 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919';
/** The Daraja simulator's initiator (stack/sim/daraja.ts): Transaction Status works with it. */
export const SANDBOX_INITIATOR = 'testapi';
export const SANDBOX_SECURITY_CREDENTIAL = 'c2ltdWxhdG9yLWluaXRpYXRvci1jcmVkZW50aWFs';

export async function createPayHotspot(priceKes = 20): Promise<PayHotspot> {
  const sql = ownerSql();
  const tag = randomBytes(4).toString('hex');
  const [org] = await sql`
    insert into public.organizations (name) values (${`Pay test ${tag}`}) returning id`;
  const organizationId = org.id as string;
  const siteSlug = `pay-${tag}`;
  const [site] = await sql`
    insert into public.sites (organization_id, slug, name) values (${organizationId}, ${siteSlug}, ${`Cafe ${tag}`})
    returning id`;
  const plan = async (price: number, name = `Plan ${price} ${randomBytes(2).toString('hex')}`) => {
    const [row] = await sql`
      insert into public.plans (organization_id, name, price_kes, validity_seconds, devices_allowed)
      values (${organizationId}, ${name}, ${price}, 3600, 1) returning id`;
    await sql`insert into public.plan_sites (plan_id, site_id, organization_id)
              values (${row.id}, ${site.id}, ${organizationId})`;
    return row.id as string;
  };
  const planId = await plan(priceKes, '1 Hour');
  const [router] = await sql`
    insert into public.routers (organization_id, site_id, name, nas_ip, vendor)
    values (${organizationId}, ${site.id}, 'Router', ${`2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::/64`}, 'mikrotik')
    returning id`;
  await sql`
    insert into private.mpesa_settings (organization_id, environment, shortcode, account_type,
      passkey, consumer_key, consumer_secret, initiator_name, security_credential)
    values (${organizationId}, 'sandbox', '174379', 'paybill', ${SANDBOX_PASSKEY},
            ${`key-${tag}`}, ${`secret-${tag}`}, ${SANDBOX_INITIATOR}, ${SANDBOX_SECURITY_CREDENTIAL})`;
  await sql`
    insert into private.sms_settings (organization_id, username, api_key)
    values (${organizationId}, 'sandbox', ${`at-key-${tag}`})`;
  return {
    organizationId,
    siteId: site.id as string,
    siteSlug,
    planId,
    priceKes,
    routerId: router.id as string,
    plan,
  };
}

/** A Kenyan number (E.164) no other test of the run uses; its last four digits pick the
 * simulator's outcome. */
export function testPhone(suffix = '0000'): string {
  return `+254${claimLocalPhone(suffix).slice(1)}`;
}

/** A fresh MAC address. */
export function testMac(): string {
  return Array.from(randomBytes(6), (b, i) =>
    (i === 0 ? b & 0xfe : b).toString(16).padStart(2, '0'),
  ).join(':');
}

export const functionsUrl = () => `${stackInfo().supabaseUrl}/functions/v1`;

export type StartAnswer = {
  status: number;
  body: {
    payment_id?: string;
    status_token?: string;
    status?: string;
    error?: string;
    message?: string;
    existing?: boolean;
    amount_kes?: number;
    retry_after_seconds?: number;
  };
};

/**
 * POST pay-start as the portal server does (its own credential, in `x-portal-key`) unless `key`
 * says otherwise: an API key (`sb_…`) goes in `apikey`, a user's session JWT is the bearer token.
 */
export async function startPayment(
  hotspot: PayHotspot,
  input: Record<string, unknown>,
  key = stackInfo().portalKey,
): Promise<StartAnswer> {
  const response = await fetch(`${functionsUrl()}/pay-start`, {
    method: 'POST',
    headers: {
      ...(key.startsWith('wb_portal_')
        ? { 'x-portal-key': key }
        : key.startsWith('sb_')
          ? { apikey: key }
          : { authorization: `Bearer ${key}` }),
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      site_id: hotspot.siteId,
      plan_id: hotspot.planId,
      router_id: hotspot.routerId,
      client_mac: testMac(),
      idempotency_key: `form-${randomBytes(8).toString('hex')}`,
      ...input,
    }),
  });
  return { status: response.status, body: (await response.json()) as StartAnswer['body'] };
}

export type SimPush = {
  checkoutRequestId: string;
  phone: string;
  amount: number;
  callbackUrl: string;
  status: 'pending' | 'done';
  resultCode: number | string | null;
  receipt: string | null;
  callbacks: { status: number | null; resultCode: number | string }[];
};

const darajaUrl = () => {
  const url = stackInfo().daraja?.url;
  if (!url) throw new Error('stack.json has no Daraja simulator');
  return url;
};

export async function simPushes(phone: string): Promise<SimPush[]> {
  const response = await fetch(`${darajaUrl()}/_sim/pushes?phone=${phone.replace('+', '')}`);
  return (await response.json()) as SimPush[];
}

export async function simSwitch(phone: string, switches: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${darajaUrl()}/_sim/phones/${phone.replace('+', '')}`, {
    method: 'POST',
    body: JSON.stringify(switches),
  });
  if (!response.ok) throw new Error(`sim switch: ${response.status}`);
}

export async function simMessages(
  to: string,
): Promise<{ message: string; status: string; messageId: string }[]> {
  const url = stackInfo().sms?.url;
  if (!url) throw new Error('stack.json has no SMS simulator');
  const response = await fetch(`${url}/_sim/messages?to=${encodeURIComponent(to)}`);
  return (await response.json()) as { message: string; status: string; messageId: string }[];
}

/** The callback secret the stack gave the functions (derived from the JWT secret). */
export function callbackSecret(): string {
  return createHmac('sha256', stackInfo().jwtSecret).update('pay').digest('hex');
}

export function signedCallbackUrl(paymentId: string): string {
  const token = createHmac('sha256', callbackSecret())
    .update(`stk:${paymentId}`)
    .digest('hex')
    .slice(0, 32);
  return `${functionsUrl()}/pay-notify/${paymentId}/${token}`;
}

/** POSTs a callback body (string or object) to a URL as Daraja would (no JWT). */
export async function postCallback(
  url: string,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: response.status, body: parsed };
}

export function successCallback(
  checkoutRequestId: string,
  amount: string,
  receipt: string,
  phone: string,
) {
  return `{"Body":{"stkCallback":{"MerchantRequestID":"m-1","CheckoutRequestID":"${checkoutRequestId}","ResultCode":0,"ResultDesc":"The service request is processed successfully.","CallbackMetadata":{"Item":[{"Name":"Amount","Value":${amount}},{"Name":"MpesaReceiptNumber","Value":"${receipt}"},{"Name":"Balance"},{"Name":"TransactionDate","Value":20261129093042},{"Name":"PhoneNumber","Value":${phone.replace('+', '')}}]}}}}`;
}

export function receipt(): string {
  return `T${randomBytes(5).toString('hex').toUpperCase().slice(0, 9)}`;
}

/** Calls a secret-key function (pay-reconcile, sms-dispatch), the key in `apikey` as Supabase advises. */
export async function runFunction(
  name: string,
  body: unknown = {},
): Promise<{ status: number; body: Record<string, number> }> {
  const response = await fetch(`${functionsUrl()}/${name}`, {
    method: 'POST',
    headers: {
      apikey: stackInfo().secretKey,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, number> };
}

export type PaymentRow = {
  id: string;
  status: string;
  amount_kes: number;
  phone: string;
  checkout_request_id: string | null;
  mpesa_receipt: string | null;
  result_code: number | null;
  result_code_raw: string | null;
  voucher_id: string | null;
  customer_id: string | null;
  receipt_missing: boolean;
  via: string | null;
  client_mac: string | null;
  status_token: string;
};

export async function payment(id: string): Promise<PaymentRow> {
  const [row] = await ownerSql()`select * from public.payments where id = ${id}`;
  return row as unknown as PaymentRow;
}

/** Polls `check` until it returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(
  check: () => Promise<T>,
  timeoutMs = 8000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Waits until a payment leaves `pending`. */
export function settled(id: string, timeoutMs = 8000): Promise<PaymentRow> {
  return waitFor(
    async () => {
      const row = await payment(id);
      return row.status !== 'pending' ? row : null;
    },
    timeoutMs,
    `payment ${id} to settle`,
  );
}

/** Waits until Daraja's Transaction Status has confirmed or refuted an unmatched receipt (the
 * worker's pay-verify job, woken when the receipt was stored); its row then. */
export function verified(
  organizationId: string,
  code: string,
  timeoutMs = 8000,
): Promise<Record<string, unknown>> {
  return waitFor(
    async () => {
      const [row] = await ownerSql()`
        select * from private.unmatched_receipts
        where organization_id = ${organizationId} and receipt = ${code}
          and verification in ('confirmed', 'refuted')`;
      return row as Record<string, unknown> | undefined;
    },
    timeoutMs,
    `receipt ${code} to be verified`,
  );
}

/** Tells the Daraja simulator that M-Pesa really saw this payment (its Transaction Status then
 * confirms it). `msisdn` as 2547…. */
export async function simReceipt(input: {
  receipt: string;
  amount: number;
  msisdn: string;
  shortcode?: string;
}): Promise<void> {
  const response = await fetch(`${darajaUrl()}/_sim/receipts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ shortcode: '174379', ...input }),
  });
  if (!response.ok) throw new Error(`simulator refused the receipt: ${response.status}`);
}

export async function vouchersOf(paymentId: string) {
  return ownerSql()`
    select v.* from public.vouchers v join public.payments p on p.voucher_id = v.id where p.id = ${paymentId}`;
}

// ---------------------------------------------------------------------------------------------
// Drivers for tests/integration/rls-matrix.test.ts: the support RPCs of the payments migration,
// in the shape of its RPC_DRIVERS (spread them in: `...PAYMENT_SUPPORT_RPC_DRIVERS`). Each call
// prepares fresh rows of organization A, so every persona gets its own receipt or payment.
// ---------------------------------------------------------------------------------------------

type RlsWorld = {
  a: { id: string; siteId: string; siteSlug: string; planId: string; planPriceKes: number };
  users: { ownerA: { id: string } };
};
type RlsCall = {
  args: Record<string, unknown>;
  allowed: (data: unknown, persona: string) => Promise<void>;
  denied: () => Promise<void>;
};

async function unmatchedReceiptOfA(w: RlsWorld): Promise<{ code: string; phone: string }> {
  const code = receipt();
  const phone = testPhone();
  await ownerSql()`
    insert into private.unmatched_receipts (receipt, organization_id, site_id, phone, amount_kes, reason)
    values (${code}, ${w.a.id}, ${w.a.siteId}, ${phone}, ${w.a.planPriceKes}, 'amount_mismatch')`;
  return { code, phone };
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

export const PAYMENT_SUPPORT_RPC_DRIVERS: Record<string, (w: RlsWorld) => Promise<RlsCall>> = {
  'unmatched_receipts(uuid)': async (w) => {
    const { code } = await unmatchedReceiptOfA(w);
    return {
      args: { p_organization_id: w.a.id },
      allowed: async (data) => {
        const receipts = (data as { receipt: string }[]).map((r) => r.receipt);
        check(receipts.includes(code), `unmatched_receipts() lacks ${code}`);
      },
      denied: async () => {},
    };
  },

  'support_issue_voucher(text, uuid, text)': async (w) => {
    const { code, phone } = await unmatchedReceiptOfA(w);
    const state = async () => {
      const [row] = await ownerSql()`
        select u.redeemed_payment_id, p.via, p.status, p.phone
        from private.unmatched_receipts u
        left join public.payments p on p.id = u.redeemed_payment_id
        where u.receipt = ${code}`;
      return row!;
    };
    return {
      args: { p_receipt: code.toLowerCase(), p_plan_id: w.a.planId, p_phone: phone },
      allowed: async (data) => {
        check(isVoucherCode((data as { voucher_code: string }).voucher_code), 'no voucher code');
        const row = await state();
        check(
          row.via === 'admin' && row.status === 'success' && row.phone === phone,
          'payment not recorded',
        );
      },
      denied: async () =>
        check((await state()).redeemed_payment_id === null, 'receipt was redeemed'),
    };
  },

  'support_mark_refunded(text, text)': async (w) => {
    const { code } = await unmatchedReceiptOfA(w);
    const refunded = async () =>
      (
        await ownerSql()`select refunded_at from private.unmatched_receipts where receipt = ${code}`
      )[0]!.refunded_at as Date | null;
    return {
      args: { p_receipt: code, p_note: 'refunded in the matrix' },
      allowed: async () => check((await refunded()) !== null, 'receipt not marked refunded'),
      denied: async () => check((await refunded()) === null, 'receipt was marked refunded'),
    };
  },

  // A paid payment settled 40 days ago (outside revenue_summary's windows).
  'support_resend_sms(uuid)': async (w) => {
    const [voucher] = await ownerSql()`
      insert into public.vouchers (organization_id, plan_id, created_by)
      values (${w.a.id}, ${w.a.planId}, ${w.users.ownerA.id}) returning id`;
    const [paid] = await ownerSql()`
      insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes, status,
        settled_at, mpesa_receipt, voucher_id)
      values (${w.a.id}, ${w.a.siteId}, ${w.a.planId}, ${testPhone()}, ${w.a.planPriceKes}, 'success',
        now() - interval '40 days', ${receipt()}, ${voucher!.id})
      returning id`;
    const queued = async () =>
      (
        await ownerSql()`select count(*)::int as n from public.sms_outbox where payment_id = ${paid!.id}`
      )[0]!.n as number;
    return {
      args: { p_payment_id: paid!.id },
      allowed: async () => check((await queued()) === 1, 'SMS not queued'),
      denied: async () => check((await queued()) === 0, 'SMS was queued'),
    };
  },
};
