/**
 * What every public RPC that returns `jsonb` answers, one zod schema per RPC under its name.
 * The generated supabase/types.ts can only call those replies `Json`; these schemas are their
 * declared shape, read off the SQL function bodies (supabase/migrations), and
 * tests/integration/rpc-replies.test.ts checks them against the real functions with every key
 * required and no other key allowed.
 *
 * The apps parse with these schemas as written (`z.object` drops keys it does not name), so a
 * migration that adds a key to a reply does not break an app built before it.
 *
 * Numbers: PostgREST sends `jsonb` as stored, so integer, bigint and count(*) values are JSON
 * numbers (only postgres.js turns bigint into strings, and only for columns, not jsonb).
 */
import * as z from 'zod';
import { LANGUAGES } from '../domain/languages.ts';

/** Any 8-4-4-4-12 hex id: gen_random_uuid() and the seed's fixed ids alike. */
const id = z.guid();
/** timestamptz inside jsonb: ISO 8601 with the offset, e.g. 2026-12-05T10:11:12.345678+00:00. */
const timestamp = z.iso.datetime({ offset: true });
const int = z.number().int();
const count = int.nonnegative();

const paymentStatus = z.enum(['pending', 'success', 'failed', 'cancelled', 'timeout']);
/**
 * What `portal_voucher_status` reports: a voucher's status (`inactive`: printed, not sold yet),
 * `expired` as soon as its time has passed.
 */
const voucherStatus = z.enum(['active', 'inactive', 'revoked', 'exhausted', 'expired']);
/** `private.roles()`. */
const role = z.enum(['owner', 'admin', 'agent']);
/** What `private.image_type()` recognises and `private.site_logos` allows. */
const imageType = z.enum(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);
const routerVendor = z.enum(['mikrotik', 'coovachilli', 'opennds', 'unifi', 'generic']);
const receiptReason = z.enum([
  'no_payment',
  'amount_mismatch',
  'phone_mismatch',
  'second_payment',
  'plan_unavailable',
  'c2b',
]);

/**
 * `private.session_json()`: one radacct row with its voucher code, and the name of the router it
 * arrived from and of that router's site (null once that router is deleted).
 */
const session = z.object({
  id: int,
  voucher_id: id.nullable(),
  code: z.string().nullable(),
  mac: z.string().nullable(),
  router: z.string().nullable(),
  site: z.string().nullable(),
  started_at: timestamp.nullable(),
  /** The last interim update, else the start. */
  updated_at: timestamp.nullable(),
  stopped_at: timestamp.nullable(),
  seconds: count,
  bytes_in: count,
  bytes_out: count,
  stop_cause: z.string().nullable(),
});

/** `payment_settings`, which the two setters also return. Hints are `…` + the last 4 characters. */
const paymentSettings = z.object({
  mpesa: z
    .object({
      environment: z.enum(['sandbox', 'production']),
      shortcode: z.string(),
      account_type: z.enum(['paybill', 'till']),
      till_number: z.string().nullable(),
      passkey_hint: z.string(),
      consumer_key_hint: z.string(),
      consumer_secret_hint: z.string(),
      /** The Transaction Status initiator; null: unmatched receipts cannot be verified. */
      initiator_name: z.string().nullable(),
      security_credential_hint: z.string().nullable(),
      updated_at: timestamp,
    })
    .nullable(),
  sms: z
    .object({
      username: z.string(),
      sender_id: z.string().nullable(),
      api_key_hint: z.string(),
      updated_at: timestamp,
    })
    .nullable(),
});

/**
 * A table row as `to_jsonb()` gives it: every column under its name (supabase/types.ts has their
 * types), so a new column reaches the export without a change here.
 */
const tableRow = z.record(z.string(), z.json());

const notFound = z.object({ ok: z.literal(false), error: z.literal('not_found') });
const rateLimited = z.object({
  ok: z.literal(false),
  error: z.literal('rate_limited'),
  retry_after_seconds: count,
});

export const rpcReplies = {
  /** The membership the invitation gave (unchanged if the caller was a member already). */
  accept_invitation: z.object({ organization_id: id, role }),

  create_router: z.object({ router_id: id, secret: z.string().regex(/^[0-9a-f]{32}$/) }),

  /** Failing STK pushes (the last hour), failing SMS (the last day), routers gone quiet. */
  /**
   * A customer's access request: everything the organization holds about one phone number,
   * oldest first; nothing once erase_customer has run for it.
   */
  customer_data_export: z.object({
    phone: z.string(),
    organization_id: id,
    exported_at: timestamp,
    customer: tableRow.nullable(),
    payments: z.array(tableRow),
    vouchers: z.array(tableRow),
    sessions: z.array(
      z.object({
        id: int,
        voucher_id: id.nullable(),
        router_id: id.nullable(),
        started_at: timestamp.nullable(),
        updated_at: timestamp.nullable(),
        stopped_at: timestamp.nullable(),
        seconds: count.nullable(),
        bytes_in: count.nullable(),
        bytes_out: count.nullable(),
        mac: z.string().nullable(),
        calling_station_id: z.string().nullable(),
        ip: z.string().nullable(),
        terminate_cause: z.string().nullable(),
      }),
    ),
    /** radius.voucher_devices rows of those vouchers. */
    devices: z.array(tableRow),
    sms: z.array(tableRow),
    unmatched_receipts: z.array(tableRow),
  }),

  dashboard_alerts: z.array(
    z.discriminatedUnion('kind', [
      // max(push_error) over rows whose push_error is set: never null.
      z.object({ kind: z.literal('stk_failing'), count, detail: z.string() }),
      z.object({ kind: z.literal('sms_failing'), count, detail: z.string().nullable() }),
      z.object({
        kind: z.literal('router_silent'),
        router: z.string(),
        last_accounting_at: timestamp,
      }),
    ]),
  ),

  dashboard_summary: z.object({
    revenue: z.object({
      today_kes: count,
      last_7_days_kes: count,
      last_30_days_kes: count,
      mpesa_30_days_kes: count,
      cash_30_days_kes: count,
    }),
    /** Always the 30 Nairobi days up to today, oldest first. */
    daily: z.array(z.object({ day: z.iso.date(), kes: count })),
    payments: z.object({
      /** Only statuses that occurred. */
      by_status: z.partialRecord(paymentStatus, count),
      /** Successful out of settled (three decimals); null before any payment settled. */
      success_rate: z.number().min(0).max(1).nullable(),
    }),
    sessions_online: count,
    sold_by_plan: z.array(z.object({ plan: z.string(), count })),
    top_sites: z.array(z.object({ site: z.string(), kes: count })),
  }),

  /** A customer's erasure request: rows changed per kind; `erased` whether anything matched. */
  erase_customer: z.object({
    erased: z.boolean(),
    payments: count,
    sms: count,
    unmatched_receipts: count,
    devices: count,
    sessions: count,
    vouchers: count,
  }),

  /** An owner's export: every row of the organization, oldest first; no secret is among them. */
  export_organization: z.object({
    organization_id: id,
    exported_at: timestamp,
    organization: tableRow,
    sites: z.array(tableRow),
    /** Without secrets: those live in private.router_secrets. */
    routers: z.array(tableRow),
    plans: z.array(tableRow),
    plan_sites: z.array(tableRow),
    voucher_batches: z.array(tableRow),
    vouchers: z.array(tableRow),
    customers: z.array(tableRow),
    payments: z.array(tableRow),
    sms_outbox: z.array(tableRow),
    /** Each with the member's `email`. */
    memberships: z.array(tableRow),
    /** By id. */
    audit_log: z.array(tableRow),
  }),

  /** A pending invitation; the same whether or not the address has an account. */
  invite_member: z.object({ invitation_id: id, email: z.string(), role, expires_at: timestamp }),

  payment_settings: paymentSettings,

  /** Null for an unknown token. */
  payment_status: z
    .object({
      status: paymentStatus,
      amount_kes: count,
      plan_id: id,
      plan_name: z.string(),
      /** Daraja's code as text (some are not numbers); null until an outcome arrives. */
      result_code: z.string().nullable(),
      /** Only once the payment succeeded. */
      voucher_code: z.string().nullable(),
      receipt_missing: z.boolean(),
    })
    .nullable(),

  /** Null when the site has no logo (or there is no such site). */
  portal_logo: z.object({ content_type: imageType, base64: z.string() }).nullable(),

  /** The device's payment to come back to (pending, or paid and unused), or null. */
  portal_resume: z
    .object({ status_token: z.string(), status: z.enum(['pending', 'success']) })
    .nullable(),

  /** Null for an unknown slug; the plans on sale there, cheapest first. */
  portal_site: z
    .object({
      id,
      name: z.string(),
      slug: z.string(),
      support_phone: z.string().nullable(),
      primary_color: z.string(),
      /** The portal path of the stored logo, versioned (`/s/<slug>/logo?v=…`), or null. */
      logo_url: z.string().nullable(),
      default_language: z.enum(LANGUAGES),
      /** False while platform staff suspend the organization (plans is then empty). */
      available: z.boolean(),
      plans: z.array(
        z.object({
          id,
          name: z.string(),
          price_kes: count,
          validity_seconds: count,
          time_quota_seconds: count.nullable(),
          data_quota_bytes: count.nullable(),
          download_kbps: count.nullable(),
          upload_kbps: count.nullable(),
          devices_allowed: count,
        }),
      ),
    })
    .nullable(),

  /** Null quotas mean unlimited; the `_left` figures are what the customer still has. */
  portal_voucher_status: z.discriminatedUnion('ok', [
    z.object({
      ok: z.literal(true),
      code: z.string(),
      status: voucherStatus,
      plan_name: z.string(),
      devices_allowed: count,
      validity_seconds: count,
      first_used_at: timestamp.nullable(),
      expires_at: timestamp.nullable(),
      seconds_left: count,
      time_quota_seconds: count.nullable(),
      used_seconds: count,
      data_quota_bytes: count.nullable(),
      used_bytes: count,
      bytes_left: count.nullable(),
    }),
    z.discriminatedUnion('error', [notFound, rateLimited]),
  ]),

  recover_voucher: z.discriminatedUnion('ok', [
    z.object({
      ok: z.literal(true),
      voucher_code: z.string(),
      plan_name: z.string(),
      amount_kes: count,
    }),
    z.discriminatedUnion('error', [
      notFound,
      rateLimited,
      // Money that matched no payment and is less than any plan at the site costs.
      z.object({ ok: z.literal(false), error: z.literal('amount_too_small'), amount_kes: count }),
      // Daraja's Transaction Status has not confirmed the receipt yet: try again shortly.
      z.object({
        ok: z.literal(false),
        error: z.literal('verifying'),
        retry_after_seconds: count,
      }),
    ]),
  ]),

  /** How many inactive vouchers (of a batch, or the one voucher) became active. */
  release_vouchers: z.object({ released: count }),

  revenue_summary: z.object({
    today_kes: count,
    last_7_days_kes: count,
    last_30_days_kes: count,
  }),

  router_health: z.array(
    z.object({
      router_id: id,
      name: z.string(),
      site: z.string(),
      /** host(): the address without the mask. */
      nas_ip: z.string(),
      open_sessions: count,
      last_accounting_at: timestamp.nullable(),
    }),
  ),

  router_setup: z.object({
    router_id: id,
    name: z.string(),
    vendor: routerVendor,
    /** inet::text: with the mask, e.g. 10.0.0.1/32. */
    nas_ip: z.string(),
    coa_port: int.min(1).max(65535),
    require_message_authenticator: z.boolean(),
    /** The router files address the site by its id (/s/<site_id>), never by its slug. */
    site_id: id,
    /** Null for a router inserted without one (create_router always makes one). */
    secret: z.string().nullable(),
  }),

  sell_voucher: z.object({ id, code: z.string(), sold_at: timestamp, sold_price_kes: count }),

  /** Finished sessions, newest first (also those of routers deleted since: router null). */
  session_history: z.array(session.extend({ stopped_at: timestamp })),

  /** Open sessions, newest first (at most 200; router null once the router is deleted). */
  sessions_online: z.array(session.extend({ stopped_at: z.null() })),

  set_mpesa_settings: paymentSettings,

  /** Removing the logo answers the null/0/null variant. */
  set_site_logo: z.union([
    z.object({ content_type: imageType, size: count, logo_url: z.string() }),
    z.object({ content_type: z.null(), size: z.literal(0), logo_url: z.null() }),
  ]),

  set_sms_settings: paymentSettings,

  support_issue_voucher: z.object({ voucher_code: z.string(), payment_id: id }),

  support_mark_refunded: z.object({ receipt: z.string(), refunded_at: timestamp }),

  support_resend_sms: z.object({ sms_id: id }),

  /** Newest first. */
  unmatched_receipts: z.array(
    z.object({
      receipt: z.string(),
      amount_kes: count,
      phone: z.string().nullable(),
      /** C2B: the masked or hashed MSISDN Daraja sent instead of a phone. */
      msisdn_hint: z.string().nullable(),
      reason: receiptReason,
      received_at: timestamp,
      payment_id: id.nullable(),
      redeemed_at: timestamp.nullable(),
      redeemed_payment_id: id.nullable(),
      overpaid_kes: count.nullable(),
      refunded_at: timestamp.nullable(),
      note: z.string().nullable(),
      /** Daraja's Transaction Status: only confirmed money is redeemable on the portal. */
      verification: z.enum(['unverified', 'requested', 'confirmed', 'refuted']),
      verified_amount_kes: count.nullable(),
      verification_error: z.string().nullable(),
    }),
  ),

  voucher_sessions: z.object({
    devices: z.array(
      z.object({ mac: z.string(), first_seen_at: timestamp, last_seen_at: timestamp }),
    ),
    /** Open ones first, then newest; router and site are null once the router is gone. */
    sessions: z.array(session.extend({ code: z.string() })),
  }),
};

/** The RPCs that answer `jsonb`. */
export type JsonbRpc = keyof typeof rpcReplies;

/** What `name` answers once parsed. */
export type RpcReply<N extends JsonbRpc> = z.output<(typeof rpcReplies)[N]>;
