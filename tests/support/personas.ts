// Two organizations full of rows and the people (and keys) who call the API about them, for
// tests of who can do what (tests/integration/rls-matrix.test.ts). Every call creates its own
// organizations and users with random names, so test files running in parallel never meet.
//
// Organization A: two sites, a plan sold at the first, a router (with its RADIUS secret), a
// batch of vouchers issued by ownerA, a batch and a single voucher issued by agentA, a customer,
// a successful payment, an SMS and the audit log rows the triggers wrote for all of that.
// Organization B: one site and one plan sold there.
//
// The SMS is already sent: the local stack's dispatcher works on queued messages and would
// change the row while a test looks at it.
//
// Routers get a network (not a single address) as nas_ip: radius.nas_clients() leaves those
// out, so creating, changing and deleting them here never makes the shared FreeRADIUS restart.
import type { SupabaseClient } from '@supabase/supabase-js';
import { randomBytes, randomInt } from 'node:crypto';
import { stackInfo } from './stack.ts';
import { client, clientAs, createTestUser, ownerSql, type TestUser } from './users.ts';

/** Everyone the matrix asks, in the order its tables list them. */
export const PERSONAS = ['anon', 'agentA', 'adminA', 'ownerA', 'adminB', 'service_role'] as const;
export type Persona = (typeof PERSONAS)[number];
export type UserPersona = Exclude<Persona, 'anon' | 'service_role'>;

/** What a row of a new organization needs to point at. */
export type OrgFixture = {
  id: string;
  name: string;
  siteId: string;
  siteSlug: string;
  siteName: string;
  planId: string;
  planName: string;
  planPriceKes: number;
};

export type OrgAFixture = OrgFixture & {
  /** A second site (no plans), e.g. to move a plan_sites row to. */
  site2Id: string;
  routerId: string;
  routerSecret: string;
  /** Batch of 2 vouchers issued by ownerA, and its vouchers. */
  ownerBatchId: string;
  ownerVoucherIds: string[];
  /** Batch of 1 voucher issued by agentA, its voucher, and a single voucher agentA issued. */
  agentBatchId: string;
  agentVoucherIds: string[];
  customerId: string;
  /** A successful payment settled two days ago (so in the last 7 days but never "today"). */
  paymentId: string;
  paymentAmountKes: number;
  smsId: string;
  /** memberships.id by user. */
  membershipIds: Record<'ownerA' | 'adminA' | 'agentA' | 'bridge', string>;
  /** audit_log ids of organization A when the fixture was complete. */
  auditIds: string[];
};

export type World = {
  tag: string;
  a: OrgAFixture;
  b: OrgFixture;
  users: Record<UserPersona, TestUser> & {
    /** Owner of A and admin of B: the one person who could want to move a row from A to B. */
    bridge: TestUser;
  };
  /** supabase-js clients: publishable key without a user, each user's JWT, the secret key. */
  clients: Record<Persona, SupabaseClient> & { bridge: SupabaseClient };
  /** The auth user id behind a persona (null for anon and service_role). */
  userId: (persona: Persona) => string | null;
};

/** A random lower-case tag for names, slugs and markers. */
export function randomTag(bytes = 5): string {
  return randomBytes(bytes).toString('hex');
}

/** A Kenyan mobile number nobody else uses (E.164). */
export function randomPhone(): string {
  return `+2547${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
}

/**
 * A router address that no other router has: a network in 2001:db8::/32 (documentation range).
 * FreeRADIUS never sees it (radius.nas_clients() only lists single addresses).
 */
export function randomRouterNetwork(): string {
  const group = () => randomBytes(2).toString('hex');
  return `2001:db8:${group()}:${group()}:${group()}:${group()}::/96`;
}

/**
 * An auth user straight in auth.users, never signed in: cheap membership material (the target
 * of "add a member", "change a member's role").
 */
export async function createBareUser(label = 'bare'): Promise<string> {
  const [row] = await ownerSql()`
    insert into auth.users (id, aud, role, email, created_at, updated_at)
    values (gen_random_uuid(), 'authenticated', 'authenticated',
            ${`${label}-${randomTag()}@test.local`}, now(), now())
    returning id`;
  return row.id as string;
}

async function createOrganization(tag: string, label: string): Promise<OrgFixture> {
  const sql = ownerSql();
  const name = `RLS ${label} ${tag}`;
  const [organization] =
    await sql`insert into public.organizations (name) values (${name}) returning id`;
  const id = organization.id as string;
  const siteSlug = `rls-${label.toLowerCase()}-${tag}`;
  const siteName = `Site ${label} ${tag}`;
  const [site] = await sql`
    insert into public.sites (organization_id, slug, name, support_phone)
    values (${id}, ${siteSlug}, ${siteName}, '+254700000001')
    returning id`;
  const planName = `Plan ${label} ${tag}`;
  const planPriceKes = 25;
  const [plan] = await sql`
    insert into public.plans (organization_id, name, price_kes, validity_seconds, time_quota_seconds,
      data_quota_bytes, download_kbps, upload_kbps, devices_allowed)
    values (${id}, ${planName}, ${planPriceKes}, 3600, 1800, 104857600, 2048, 1024, 1)
    returning id`;
  await sql`insert into public.plan_sites (plan_id, site_id, organization_id)
            values (${plan.id}, ${site.id}, ${id})`;
  return { id, name, siteId: site.id, siteSlug, siteName, planId: plan.id, planName, planPriceKes };
}

async function addMember(
  organizationId: string,
  userId: string,
  role: 'owner' | 'admin' | 'agent',
) {
  const [row] = await ownerSql()`
    insert into public.memberships (organization_id, user_id, role)
    values (${organizationId}, ${userId}, ${role})
    returning id`;
  return row.id as string;
}

/** Creates organizations A and B, their rows, the users and a client per persona. */
export async function createPersonas(): Promise<World> {
  const sql = ownerSql();
  const tag = randomTag();
  const [agentA, adminA, ownerA, adminB, bridge] = await Promise.all([
    createTestUser('agent-a'),
    createTestUser('admin-a'),
    createTestUser('owner-a'),
    createTestUser('admin-b'),
    createTestUser('bridge'),
  ]);
  const [orgA, b] = await Promise.all([createOrganization(tag, 'A'), createOrganization(tag, 'B')]);

  const membershipIds = {
    ownerA: await addMember(orgA.id, ownerA.id, 'owner'),
    adminA: await addMember(orgA.id, adminA.id, 'admin'),
    agentA: await addMember(orgA.id, agentA.id, 'agent'),
    bridge: await addMember(orgA.id, bridge.id, 'owner'),
  };
  await addMember(b.id, adminB.id, 'admin');
  await addMember(b.id, bridge.id, 'admin');

  const [site2] = await sql`
    insert into public.sites (organization_id, slug, name)
    values (${orgA.id}, ${`rls-a2-${tag}`}, ${`Second site ${tag}`})
    returning id`;

  const routerSecret = randomBytes(16).toString('hex');
  const [router] = await sql`
    insert into public.routers (organization_id, site_id, name, nas_ip, vendor)
    values (${orgA.id}, ${orgA.siteId}, ${`Router ${tag}`}, ${randomRouterNetwork()}, 'mikrotik')
    returning id`;
  await sql`insert into private.router_secrets (router_id, secret) values (${router.id}, ${routerSecret})`;

  const [ownerBatch] = await sql`
    insert into public.voucher_batches (organization_id, plan_id, count, created_by)
    values (${orgA.id}, ${orgA.planId}, 2, ${ownerA.id})
    returning id`;
  const [agentBatch] = await sql`
    insert into public.voucher_batches (organization_id, plan_id, count, prefix, created_by)
    values (${orgA.id}, ${orgA.planId}, 1, 'AG', ${agentA.id})
    returning id`;
  const [agentSingle] = await sql`
    insert into public.vouchers (organization_id, plan_id, created_by)
    values (${orgA.id}, ${orgA.planId}, ${agentA.id})
    returning id`;
  const ownerVoucherIds = (
    await sql`select id from public.vouchers where batch_id = ${ownerBatch.id} order by id`
  ).map((r) => r.id as string);
  const agentVoucherIds = [
    ...(await sql`select id from public.vouchers where batch_id = ${agentBatch.id}`).map(
      (r) => r.id as string,
    ),
    agentSingle.id as string,
  ];

  const phone = randomPhone();
  const [customer] = await sql`
    insert into public.customers (organization_id, phone) values (${orgA.id}, ${phone}) returning id`;
  const paymentAmountKes = orgA.planPriceKes;
  const [payment] = await sql`
    insert into public.payments (organization_id, site_id, plan_id, customer_id, phone, amount_kes,
      status, settled_at, checkout_request_id, mpesa_receipt, voucher_id, router_id, idempotency_key)
    values (${orgA.id}, ${orgA.siteId}, ${orgA.planId}, ${customer.id}, ${phone}, ${paymentAmountKes},
      'success', now() - interval '2 days', ${`ws_CO_${tag}`}, ${`RLS${tag}`.toUpperCase()},
      ${ownerVoucherIds[0]}, ${router.id}, ${`rls-${tag}`})
    returning id`;
  const [sms] = await sql`
    insert into public.sms_outbox (organization_id, to_phone, body, status, sent_at)
    values (${orgA.id}, ${phone}, ${`Your code (${tag})`}, 'sent', now())
    returning id`;
  const auditIds = (
    await sql`select id::text from public.audit_log where organization_id = ${orgA.id} order by id`
  ).map((r) => r.id as string);

  const a: OrgAFixture = {
    ...orgA,
    site2Id: site2.id,
    routerId: router.id,
    routerSecret,
    ownerBatchId: ownerBatch.id,
    ownerVoucherIds,
    agentBatchId: agentBatch.id,
    agentVoucherIds,
    customerId: customer.id,
    paymentId: payment.id,
    paymentAmountKes,
    smsId: sms.id,
    membershipIds,
    auditIds,
  };
  const users = { agentA, adminA, ownerA, adminB, bridge };
  const clients = {
    anon: client(),
    agentA: clientAs(agentA),
    adminA: clientAs(adminA),
    ownerA: clientAs(ownerA),
    adminB: clientAs(adminB),
    service_role: client(stackInfo().secretKey),
    bridge: clientAs(bridge),
  };
  const userId = (persona: Persona) =>
    persona === 'anon' || persona === 'service_role' ? null : users[persona].id;
  return { tag, a, b, users, clients, userId };
}
