// Who can do what, through real PostgREST with real JWTs: every table, view and function of the
// exposed schema against six personas (anon, agentA, adminA, ownerA, adminB, service_role).
// The list of tables and functions comes from pg_catalog; the expected outcomes are the
// literals in ./rls-matrix.ts (each table's and function's `comment on`, per persona). Every
// write is checked in the database (as its owner), not only by the API's answer.
import type { PostgrestError } from '@supabase/supabase-js';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PERSONAS,
  createBareUser,
  createPersonas,
  randomPhone,
  randomRouterNetwork,
  randomTag,
  type Persona,
  type World,
} from '../support/personas.ts';
import { PAYMENT_SUPPORT_RPC_DRIVERS } from '../support/payments.ts';
import { stackInfo } from '../support/stack.ts';
import { ownerSql } from '../support/users.ts';
import { RPCS, TABLES, type Can } from './rls-matrix.ts';

type Row = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// pg_catalog: what the exposed schema really holds (read once, as the superuser)
// ---------------------------------------------------------------------------------------------

const config = parse(
  readFileSync(new URL('../../supabase/config.toml', import.meta.url), 'utf8'),
) as {
  api: { schemas: string[] };
};
const exposedSchemas = config.api.schemas;

const superuser = postgres(stackInfo().superuserDbUrl, { max: 1, onnotice: () => {} });
const catalogTables = (
  await superuser<{ name: string }[]>`
    select c.relname as name
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f')
    order by 1`
).map((r) => r.name);
const catalogFunctions = (
  await superuser<{ name: string }[]>`
    select format('%s(%s)', p.proname, pg_catalog.oidvectortypes(p.proargtypes)) as name
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public'
      and not exists (
        select 1 from pg_catalog.pg_depend d
        where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e'
      )
    order by 1`
).map((r) => r.name);
const tablesWithOrganizationId = (
  await superuser<{ name: string }[]>`
    select c.relname as name
    from pg_catalog.pg_attribute a
    join pg_catalog.pg_class c on c.oid = a.attrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and a.attname = 'organization_id' and not a.attisdropped`
).map((r) => r.name);
afterAll(() => superuser.end());

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])].sort();

// ---------------------------------------------------------------------------------------------
// How to make, find and change a row of each table
// ---------------------------------------------------------------------------------------------

/** Where a new row goes: organization A or B (with that organization's site and plan). */
type Org = 'a' | 'b';

type Driver = {
  /** The column that identifies a row (plan_sites: each test row has its own plan). */
  idColumn: string;
  /** Organization A's fixture rows, and those among them that are agentA's own. */
  fixtures: (w: World) => { all: string[]; own: string[] };
  /** A valid new row for the organization, and how many rows with its unique marker exist. */
  newRow: (w: World, org: Org) => Promise<{ row: Row; count: () => Promise<number> }>;
  /** A fresh row of organization A (made by the database owner); returns its id. */
  target: (w: World) => Promise<string>;
  /** A harmless change. */
  patch: (w: World) => Row;
};

const sql = () => ownerSql();
const count = async (query: Promise<postgres.RowList<Row[]>>) => Number((await query)[0].n);

async function freshPlan(organizationId: string): Promise<string> {
  const [plan] = await sql()`
    insert into public.plans (organization_id, name, price_kes, validity_seconds)
    values (${organizationId}, ${`Fresh ${randomTag(3)}`}, 15, 3600)
    returning id`;
  return plan.id as string;
}

const orgOf = (w: World, org: Org) => (org === 'a' ? w.a : w.b);

const DRIVERS: Record<string, Driver> = {
  organizations: {
    idColumn: 'id',
    fixtures: (w) => ({ all: [w.a.id], own: [] }),
    newRow: async () => {
      const name = `RLS new ${randomTag()}`;
      return {
        row: { name },
        count: () =>
          count(sql()`select count(*) as n from public.organizations where name = ${name}`),
      };
    },
    // A second organization where the personas hold the same roles as in A.
    target: async (w) => {
      const [row] = await sql()`
        insert into public.organizations (name) values (${`RLS target ${randomTag()}`}) returning id`;
      await sql()`
        insert into public.memberships (organization_id, user_id, role)
        values (${row.id}, ${w.users.ownerA.id}, 'owner'), (${row.id}, ${w.users.adminA.id}, 'admin'),
               (${row.id}, ${w.users.agentA.id}, 'agent')`;
      return row.id as string;
    },
    patch: () => ({ name: `Renamed ${randomTag()}` }),
  },

  memberships: {
    idColumn: 'id',
    fixtures: (w) => ({
      all: Object.values(w.a.membershipIds),
      own: [w.a.membershipIds.agentA],
    }),
    newRow: async (w, org) => {
      const userId = await createBareUser('member');
      return {
        row: { organization_id: orgOf(w, org).id, user_id: userId, role: 'agent' },
        count: () =>
          count(sql()`select count(*) as n from public.memberships where user_id = ${userId}`),
      };
    },
    target: async (w) => {
      const userId = await createBareUser('target');
      const [row] = await sql()`
        insert into public.memberships (organization_id, user_id, role)
        values (${w.a.id}, ${userId}, 'agent') returning id`;
      return row.id as string;
    },
    patch: () => ({ role: 'admin' }),
  },

  audit_log: {
    idColumn: 'id',
    fixtures: (w) => ({ all: w.a.auditIds, own: [] }),
    newRow: async (w, org) => {
      const marker = `forged-${randomTag()}`;
      return {
        row: { organization_id: orgOf(w, org).id, action: 'insert', table_name: marker },
        count: () =>
          count(sql()`select count(*) as n from public.audit_log where table_name = ${marker}`),
      };
    },
    target: async (w) => {
      const [row] = await sql()`
        insert into public.audit_log (organization_id, action, table_name)
        values (${w.a.id}, 'insert', 'rls-matrix') returning id::text`;
      return row.id as string;
    },
    patch: () => ({ table_name: 'tampered' }),
  },

  sites: {
    idColumn: 'id',
    fixtures: (w) => ({ all: [w.a.siteId, w.a.site2Id], own: [] }),
    newRow: async (w, org) => {
      const slug = `rls-new-${randomTag()}`;
      return {
        row: { organization_id: orgOf(w, org).id, slug, name: 'New site', default_language: 'sw' },
        count: () => count(sql()`select count(*) as n from public.sites where slug = ${slug}`),
      };
    },
    target: async (w) => {
      const [row] = await sql()`
        insert into public.sites (organization_id, slug, name)
        values (${w.a.id}, ${`rls-target-${randomTag()}`}, 'Target site') returning id`;
      return row.id as string;
    },
    patch: () => ({ name: `Renamed ${randomTag()}` }),
  },

  routers: {
    idColumn: 'id',
    fixtures: (w) => ({ all: [w.a.routerId], own: [] }),
    newRow: async (w, org) => {
      const name = `New router ${randomTag()}`;
      const { id, siteId } = orgOf(w, org);
      return {
        row: {
          organization_id: id,
          site_id: siteId,
          name,
          nas_ip: randomRouterNetwork(),
          vendor: 'generic',
        },
        count: () => count(sql()`select count(*) as n from public.routers where name = ${name}`),
      };
    },
    target: async (w) => {
      const [row] = await sql()`
        insert into public.routers (organization_id, site_id, name, nas_ip, vendor)
        values (${w.a.id}, ${w.a.siteId}, 'Target router', ${randomRouterNetwork()}, 'unifi')
        returning id`;
      await sql()`insert into private.router_secrets (router_id, secret)
                  values (${row.id}, ${randomTag(16)})`;
      return row.id as string;
    },
    patch: () => ({ name: `Renamed ${randomTag()}` }),
  },

  plans: {
    idColumn: 'id',
    fixtures: (w) => ({ all: [w.a.planId], own: [] }),
    newRow: async (w, org) => {
      const name = `New plan ${randomTag()}`;
      return {
        row: { organization_id: orgOf(w, org).id, name, price_kes: 30, validity_seconds: 7200 },
        count: () => count(sql()`select count(*) as n from public.plans where name = ${name}`),
      };
    },
    target: (w) => freshPlan(w.a.id),
    patch: () => ({ name: `Renamed ${randomTag()}` }),
  },

  plan_sites: {
    idColumn: 'plan_id',
    fixtures: (w) => ({ all: [w.a.planId], own: [] }),
    newRow: async (w, org) => {
      const { id, siteId } = orgOf(w, org);
      const planId = await freshPlan(id);
      return {
        row: { plan_id: planId, site_id: siteId, organization_id: id },
        count: () =>
          count(sql()`select count(*) as n from public.plan_sites where plan_id = ${planId}`),
      };
    },
    target: async (w) => {
      const planId = await freshPlan(w.a.id);
      await sql()`insert into public.plan_sites (plan_id, site_id, organization_id)
                  values (${planId}, ${w.a.siteId}, ${w.a.id})`;
      return planId;
    },
    patch: (w) => ({ site_id: w.a.site2Id }),
  },

  voucher_batches: {
    idColumn: 'id',
    fixtures: (w) => ({ all: [w.a.ownerBatchId, w.a.agentBatchId], own: [w.a.agentBatchId] }),
    newRow: async (w, org) => {
      const planId = await freshPlan(orgOf(w, org).id);
      return {
        row: { organization_id: orgOf(w, org).id, plan_id: planId, count: 1, prefix: 'RM' },
        count: () =>
          count(sql()`select count(*) as n from public.voucher_batches where plan_id = ${planId}`),
      };
    },
    target: async (w) => {
      const [row] = await sql()`
        insert into public.voucher_batches (organization_id, plan_id, count, created_by)
        values (${w.a.id}, ${w.a.planId}, 1, ${w.users.agentA.id}) returning id`;
      return row.id as string;
    },
    patch: () => ({ prefix: 'ZZ' }),
  },

  vouchers: {
    idColumn: 'id',
    fixtures: (w) => ({
      all: [...w.a.ownerVoucherIds, ...w.a.agentVoucherIds],
      own: w.a.agentVoucherIds,
    }),
    newRow: async (w, org) => {
      const planId = await freshPlan(orgOf(w, org).id);
      return {
        row: { organization_id: orgOf(w, org).id, plan_id: planId },
        count: () =>
          count(sql()`select count(*) as n from public.vouchers where plan_id = ${planId}`),
      };
    },
    // Issued by agentA: agentA sees it, yet may neither revoke nor delete it.
    target: async (w) => {
      const [row] = await sql()`
        insert into public.vouchers (organization_id, plan_id, created_by)
        values (${w.a.id}, ${w.a.planId}, ${w.users.agentA.id}) returning id`;
      return row.id as string;
    },
    patch: () => ({ status: 'revoked' }),
  },

  customers: {
    idColumn: 'id',
    fixtures: (w) => ({ all: [w.a.customerId], own: [] }),
    newRow: async (w, org) => {
      const phone = randomPhone();
      return {
        row: { organization_id: orgOf(w, org).id, phone },
        count: () =>
          count(sql()`select count(*) as n from public.customers where phone = ${phone}`),
      };
    },
    target: async (w) => {
      const [row] = await sql()`
        insert into public.customers (organization_id, phone) values (${w.a.id}, ${randomPhone()})
        returning id`;
      return row.id as string;
    },
    patch: () => ({ phone: randomPhone() }),
  },

  payments: {
    idColumn: 'id',
    fixtures: (w) => ({ all: [w.a.paymentId], own: [] }),
    newRow: async (w, org) => {
      const key = `rls-new-${randomTag()}`;
      const { id, planId } = orgOf(w, org);
      return {
        row: {
          organization_id: id,
          plan_id: planId,
          phone: randomPhone(),
          amount_kes: 10,
          idempotency_key: key,
        },
        count: () =>
          count(sql()`select count(*) as n from public.payments where idempotency_key = ${key}`),
      };
    },
    target: async (w) => {
      const [row] = await sql()`
        insert into public.payments (organization_id, plan_id, phone, amount_kes)
        values (${w.a.id}, ${w.a.planId}, ${randomPhone()}, 10) returning id`;
      return row.id as string;
    },
    patch: () => ({ result_desc: 'checked' }),
  },

  // Targets are sent messages: the stack's SMS dispatcher changes queued ones at any moment.
  sms_outbox: {
    idColumn: 'id',
    fixtures: (w) => ({ all: [w.a.smsId], own: [] }),
    newRow: async (w, org) => {
      const body = `New SMS ${randomTag()}`;
      return {
        row: { organization_id: orgOf(w, org).id, to_phone: randomPhone(), body },
        count: () => count(sql()`select count(*) as n from public.sms_outbox where body = ${body}`),
      };
    },
    target: async (w) => {
      const [row] = await sql()`
        insert into public.sms_outbox (organization_id, to_phone, body, status, sent_at)
        values (${w.a.id}, ${randomPhone()}, 'Target SMS', 'sent', now()) returning id`;
      return row.id as string;
    },
    patch: () => ({ attempts: 1 }),
  },
};

/** The row as the database owner sees it (undefined when it is gone). */
async function readRow(table: string, idColumn: string, id: string): Promise<Row | undefined> {
  if (!/^[a-z_]+$/.test(table) || !/^[a-z_]+$/.test(idColumn)) throw new Error('bad identifier');
  const rows = await sql().unsafe(`select * from public.${table} where ${idColumn}::text = $1`, [
    id,
  ]);
  return rows[0] as Row | undefined;
}

/** A denial through PostgREST: 42501, answered 401 for anonymous callers and 403 otherwise. */
function expectPermissionDenied(
  persona: Persona | 'bridge',
  response: { error: PostgrestError | null; status: number },
) {
  expect(response.error?.code, response.error?.message).toBe('42501');
  expect(response.status).toBe(persona === 'anon' ? 401 : 403);
}

/**
 * A denied update or delete: either refused outright (42501) or, when row-level security hides
 * the row, answered without touching anything. The database check decides.
 */
function expectRefusedOrNoop(
  persona: Persona,
  response: { error: PostgrestError | null; status: number },
) {
  if (response.error) expectPermissionDenied(persona, response);
  else expect(response.status).toBe(204);
}

const ids = (data: Row[] | null, column: string) =>
  (data ?? []).map((r) => String(r[column])).sort();

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

let w: World;
beforeAll(async () => {
  w = await createPersonas();
});

describe('the allow-list matches pg_catalog exactly', () => {
  it('exposes only the public schema (the allow-list covers public)', () => {
    expect(exposedSchemas).toEqual(['public']);
  });

  it('classifies every table and view in public, and nothing that does not exist', () => {
    expect(catalogTables.length).toBeGreaterThan(0);
    expect(catalogTables).toEqual(Object.keys(TABLES).sort());
    expect(Object.keys(DRIVERS).sort()).toEqual(Object.keys(TABLES).sort());
  });

  it('classifies every function in public (not owned by an extension), and no others', () => {
    expect(catalogFunctions.length).toBeGreaterThan(0);
    expect(catalogFunctions).toEqual(Object.keys(RPCS).sort());
  });

  it('says "no organization_id" exactly for the tables without that column', () => {
    for (const [table, rules] of Object.entries(TABLES)) {
      expect(rules.moveToB, table).toBe(
        tablesWithOrganizationId.includes(table) ? 'denied' : 'no organization_id',
      );
    }
  });
});

for (const table of union(catalogTables, Object.keys(TABLES))) {
  describe(`table public.${table}`, () => {
    const rules = TABLES[table];
    const driver = DRIVERS[table];
    if (!rules || !driver || !catalogTables.includes(table)) {
      it('is in pg_catalog, classified in rls-matrix.ts and has a driver here', () => {
        expect({
          inCatalog: catalogTables.includes(table),
          rules: !!rules,
          driver: !!driver,
        }).toEqual({
          inCatalog: true,
          rules: true,
          driver: true,
        });
      });
      return;
    }
    const { idColumn } = driver;

    describe('select', () => {
      for (const persona of PERSONAS) {
        const expected = rules.select[persona];
        it(`${persona} sees ${expected}`, async () => {
          const { all, own } = driver.fixtures(w);
          expect(all.length).toBeGreaterThan(0);
          const response = await w.clients[persona].from(table).select(idColumn).in(idColumn, all);
          if (expected === 'denied') return expectPermissionDenied(persona, response);
          expect(response.error).toBeNull();
          const seen = ids(response.data as Row[] | null, idColumn);
          if (expected === 'all') expect(seen).toEqual([...all].sort());
          if (expected === 'none') expect(seen).toEqual([]);
          if (expected === 'own') {
            // "own" must be a real subset, or the assertion could not tell it from "all".
            expect(own.length).toBeGreaterThan(0);
            expect(own.length).toBeLessThan(all.length);
            expect(seen).toEqual([...own].sort());
          }
        });
      }
    });

    describe('insert into organization A', () => {
      for (const persona of PERSONAS) {
        const expected = rules.insert[persona];
        it(`${persona}: ${expected}`, async () => {
          const attempt = await driver.newRow(w, 'a');
          expect(await attempt.count()).toBe(0);
          const response = await w.clients[persona].from(table).insert(attempt.row);
          if (expected === 'allowed') {
            expect(response.error).toBeNull();
            expect(await attempt.count()).toBe(1);
          } else {
            expectPermissionDenied(persona, response);
            expect(await attempt.count()).toBe(0);
          }
        });
      }
    });

    describe("update of A's row", () => {
      for (const persona of PERSONAS) {
        const expected = rules.update[persona];
        it(`${persona}: ${expected}`, async () => {
          const id = await driver.target(w);
          const patch = driver.patch(w);
          const before = await readRow(table, idColumn, id);
          expect(before).toBeDefined();
          for (const [column, value] of Object.entries(patch))
            expect(before![column]).not.toEqual(value);
          const response = await w.clients[persona].from(table).update(patch).eq(idColumn, id);
          const after = await readRow(table, idColumn, id);
          if (expected === 'allowed') {
            expect(response.error).toBeNull();
            expect(after).toMatchObject(patch);
          } else {
            expectRefusedOrNoop(persona, response);
            expect(after).toEqual(before);
          }
        });
      }
    });

    describe("delete of A's row", () => {
      for (const persona of PERSONAS) {
        const expected = rules.delete[persona];
        it(`${persona}: ${expected}`, async () => {
          const id = await driver.target(w);
          const before = await readRow(table, idColumn, id);
          expect(before).toBeDefined();
          const response = await w.clients[persona].from(table).delete().eq(idColumn, id);
          const after = await readRow(table, idColumn, id);
          if (expected === 'allowed') {
            expect(response.error).toBeNull();
            expect(after).toBeUndefined();
          } else {
            expectRefusedOrNoop(persona, response);
            expect(after).toEqual(before);
          }
        });
      }
    });

    if (rules.moveToB === 'denied') {
      describe('moving a row to organization B', () => {
        for (const mover of ['ownerA', 'bridge'] as const) {
          it(`${mover} cannot update organization_id of A's row to B`, async () => {
            const id = await driver.target(w);
            const before = await readRow(table, idColumn, id);
            const response = await w.clients[mover]
              .from(table)
              .update({ organization_id: w.b.id })
              .eq(idColumn, id);
            expectPermissionDenied(mover, response);
            expect(await readRow(table, idColumn, id)).toEqual(before);
          });
        }

        it('ownerA cannot create the row in organization B', async () => {
          const attempt = await driver.newRow(w, 'b');
          const response = await w.clients.ownerA.from(table).insert(attempt.row);
          expectPermissionDenied('ownerA', response);
          expect(await attempt.count()).toBe(0);
        });
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// RPCs
// ---------------------------------------------------------------------------------------------

type RpcCall = {
  /** The RPC's arguments; `prepare` may create what they point at. */
  args: Row;
  /** After an allowed call: the answer and the database say it worked. */
  allowed: (data: unknown, persona: Persona) => Promise<void>;
  /** After a denied call: nothing changed. */
  denied: () => Promise<void>;
};

/** The smallest PNG: one transparent pixel. */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/** A pending invitation of adminB (as an agent) to organization A, renewed; its address. */
async function inviteAdminB(w: World): Promise<string> {
  const email = w.users.adminB.email.toLowerCase();
  await sql()`insert into private.invitations (organization_id, email, role, invited_by)
              values (${w.a.id}, ${email}, 'agent', ${w.users.ownerA.id})
              on conflict (organization_id, email) do update set expires_at = now() + interval '7 days'`;
  return email;
}

/** A new customer of organization A (no payment: the dashboard's figures stay as they are). */
async function newCustomer(w: World) {
  const phone = randomPhone();
  const [customer] = await sql()`
    insert into public.customers (organization_id, phone) values (${w.a.id}, ${phone}) returning id`;
  return { id: customer!.id as string, phone };
}

const RPC_DRIVERS: Record<string, (w: World, scenario: string) => Promise<RpcCall>> = {
  // The payments migration's support RPCs: drivers kept next to the payments test support.
  ...PAYMENT_SUPPORT_RPC_DRIVERS,
  'portal_login_host_allowed(text, text)': async (w) => {
    const [router] = await sql()`select host(nas_ip) as host from public.routers
                                 where id = ${w.a.routerId}`;
    return {
      args: { p_slug: w.a.siteSlug, p_host: router.host as string },
      allowed: async (data) => expect(data).toBe(true),
      denied: async () => {},
    };
  },
  'portal_site(text)': async (w) => ({
    args: { p_slug: `  ${w.a.siteSlug.toUpperCase()} ` },
    allowed: async (data) => {
      // Other tests here offer more plans at the site; the fixture plan is there as sold.
      expect(data).toMatchObject({
        name: w.a.siteName,
        slug: w.a.siteSlug,
        support_phone: '+254700000001',
        primary_color: '#0f766e',
        default_language: 'en',
      });
      expect((data as { plans: unknown[] }).plans).toContainEqual({
        id: w.a.planId,
        name: w.a.planName,
        price_kes: w.a.planPriceKes,
        validity_seconds: 3600,
        time_quota_seconds: 1800,
        data_quota_bytes: 104857600,
        download_kbps: 2048,
        upload_kbps: 1024,
        devices_allowed: 1,
      });
    },
    denied: async () => {},
  }),

  'create_organization(text)': async () => {
    const name = `RLS rpc ${randomTag()}`;
    const created = () =>
      count(sql()`select count(*) as n from public.organizations where name = ${name}`);
    return {
      args: { p_name: `  ${name}  ` },
      allowed: async (data) => {
        expect(data).toMatch(/^[0-9a-f-]{36}$/);
        const members = await sql()`
          select o.name, m.user_id, m.role from public.organizations o
          join public.memberships m on m.organization_id = o.id
          where o.id = ${data as string}`;
        expect(members).toHaveLength(1);
        expect(members[0].name).toBe(name);
        expect(members[0].role).toBe('owner');
        await sql()`delete from public.organizations where id = ${data as string}`;
      },
      denied: async () => expect(await created()).toBe(0),
    };
  },

  'create_router(uuid, text, inet, text)': async (w) => {
    const name = `RPC router ${randomTag()}`;
    return {
      args: {
        p_site_id: w.a.siteId,
        p_name: name,
        p_nas_ip: randomRouterNetwork(),
        p_vendor: ' MikroTik ',
      },
      allowed: async (data) => {
        const answer = data as { router_id: string; secret: string };
        expect(answer.secret).toMatch(/^[0-9a-f]{32}$/);
        const [row] = await sql()`
          select r.organization_id, r.site_id, r.name, r.vendor, s.secret
          from public.routers r join private.router_secrets s on s.router_id = r.id
          where r.id = ${answer.router_id}`;
        expect(row).toEqual({
          organization_id: w.a.id,
          site_id: w.a.siteId,
          name,
          vendor: 'mikrotik',
          secret: answer.secret,
        });
      },
      denied: async () =>
        expect(
          await count(sql()`select count(*) as n from public.routers where name = ${name}`),
        ).toBe(0),
    };
  },

  'sell_voucher(uuid, integer)': async (w, scenario) => {
    const issuer = scenario === 'a voucher agentA issued' ? w.users.agentA : w.users.ownerA;
    if (scenario !== 'a voucher agentA issued' && scenario !== 'a voucher ownerA issued') {
      throw new Error(`no sell_voucher scenario "${scenario}"`);
    }
    const [voucher] = await sql()`
      insert into public.vouchers (organization_id, plan_id, created_by)
      values (${w.a.id}, ${w.a.planId}, ${issuer.id}) returning id, code`;
    const read = async () =>
      (
        await sql()`select sold_by, sold_at, sold_price_kes from public.vouchers where id = ${voucher.id}`
      )[0];
    return {
      args: { p_voucher_id: voucher.id },
      allowed: async (data, persona) => {
        expect(data).toMatchObject({
          id: voucher.id,
          code: voucher.code,
          sold_price_kes: w.a.planPriceKes,
        });
        const row = await read();
        expect(row.sold_by).toBe(w.userId(persona));
        expect(row.sold_at).toBeInstanceOf(Date);
      },
      denied: async () =>
        expect(await read()).toEqual({ sold_by: null, sold_at: null, sold_price_kes: null }),
    };
  },

  // A fresh one-voucher batch (inactive) released by its id: allowed activates it, denied leaves
  // it inactive.
  'release_vouchers(uuid, uuid)': async (w) => {
    const [batch] = await sql()`
      insert into public.voucher_batches (organization_id, plan_id, count, created_by)
      values (${w.a.id}, ${w.a.planId}, 1, ${w.users.ownerA.id}) returning id`;
    const status = async () =>
      (await sql()`select status from public.vouchers where batch_id = ${batch.id}`)[0]?.status;
    return {
      args: { p_batch_id: batch.id },
      allowed: async (data) => {
        expect(data).toEqual({ released: 1 });
        expect(await status()).toBe('active');
      },
      denied: async () => expect(await status()).toBe('inactive'),
    };
  },

  // A fresh customer of A: the owner's export holds them; the owner's erasure masks the phone;
  // anyone else's call changes nothing.
  'customer_data_export(uuid, text)': async (w) => {
    const customer = await newCustomer(w);
    return {
      args: { p_organization_id: w.a.id, p_phone: customer.phone },
      allowed: async (data) => {
        expect((data as { customer: { id: string } }).customer.id).toBe(customer.id);
      },
      denied: async () => {},
    };
  },
  'erase_customer(uuid, text)': async (w) => {
    const customer = await newCustomer(w);
    const phone = async () =>
      (await sql()`select phone from public.customers where id = ${customer.id}`)[0]!.phone;
    return {
      args: { p_organization_id: w.a.id, p_phone: customer.phone },
      allowed: async () => expect(await phone()).toMatch(/^erased:[0-9a-f]{32}$/),
      denied: async () => expect(await phone()).toBe(customer.phone),
    };
  },

  // A fresh customer found by the last six digits of the phone number.
  'search_customers(uuid, text)': async (w) => {
    const [customer] = await sql()`
      insert into public.customers (organization_id, phone)
      values (${w.a.id}, ${randomPhone()}) returning id, phone`;
    return {
      args: { p_organization_id: w.a.id, p_digits: (customer.phone as string).slice(-6) },
      allowed: async (data) => {
        expect((data as { id: string }[]).map((c) => c.id)).toContain(customer.id);
      },
      denied: async () => {},
    };
  },

  // A fresh voucher found by a middle part of its code, typed in lower case; an agent finds
  // only the vouchers they issued (the call succeeds with nothing for the owner's).
  'search_vouchers(uuid, text)': async (w, scenario) => {
    const issuer = scenario === 'a voucher agentA issued' ? w.users.agentA : w.users.ownerA;
    const [voucher] = await sql()`
      insert into public.vouchers (organization_id, plan_id, created_by)
      values (${w.a.id}, ${w.a.planId}, ${issuer.id}) returning id, code`;
    return {
      args: {
        p_organization_id: w.a.id,
        p_search: (voucher.code as string).slice(2, 8).toLowerCase(),
      },
      allowed: async (data, persona) => {
        const ids = (data as { id: string }[]).map((v) => v.id);
        if (persona === 'agentA' && issuer !== w.users.agentA) expect(ids).toEqual([]);
        else expect(ids).toContain(voucher.id);
      },
      denied: async () => {},
    };
  },

  'voucher_sessions(uuid)': async (w, scenario) => {
    if (scenario !== 'a voucher agentA issued' && scenario !== 'a voucher ownerA issued') {
      throw new Error(`no voucher_sessions scenario "${scenario}"`);
    }
    const issuer = scenario === 'a voucher agentA issued' ? w.users.agentA : w.users.ownerA;
    const [voucher] = await sql()`
      insert into public.vouchers (organization_id, plan_id, created_by)
      values (${w.a.id}, ${w.a.planId}, ${issuer.id}) returning id`;
    await sql()`insert into radius.voucher_devices (voucher_id, mac)
                values (${voucher.id}, 'aa:bb:cc:00:00:01')`;
    return {
      args: { p_voucher_id: voucher.id },
      allowed: async (data) =>
        expect(data).toEqual({
          devices: [expect.objectContaining({ mac: 'aa:bb:cc:00:00:01' })],
          sessions: [],
        }),
      denied: async () => {},
    };
  },

  'revenue_summary(uuid)': async (w) => ({
    args: { p_organization_id: w.a.id },
    allowed: async (data) => {
      // The fixture's one successful payment settled two days ago.
      const amount = w.a.paymentAmountKes;
      expect(data).toEqual({
        today_kes: 0,
        last_7_days_kes: amount,
        last_30_days_kes: amount,
      });
    },
    denied: async () => {},
  }),

  // Organization A has no accounting: empty answers, but answers (the others get 42501).
  'sessions_online(uuid, uuid)': async (w) => ({
    args: { p_organization_id: w.a.id, p_site_id: null },
    allowed: async (data) => expect(data).toEqual([]),
    denied: async () => {},
  }),
  'session_history(uuid, uuid, timestamp with time zone, integer)': async (w) => ({
    args: { p_organization_id: w.a.id },
    allowed: async (data) => expect(data).toEqual([]),
    denied: async () => {},
  }),
  'router_health(uuid)': async (w) => ({
    args: { p_organization_id: w.a.id },
    allowed: async (data) =>
      expect(data).toContainEqual(
        expect.objectContaining({
          router_id: w.a.routerId,
          open_sessions: 0,
          last_accounting_at: null,
        }),
      ),
    denied: async () => {},
  }),
  'dashboard_alerts(uuid)': async (w) => ({
    args: { p_organization_id: w.a.id },
    allowed: async (data) => expect(Array.isArray(data)).toBe(true),
    denied: async () => {},
  }),
  'dashboard_summary(uuid, uuid)': async (w) => ({
    args: { p_organization_id: w.a.id, p_site_id: null },
    allowed: async (data) => {
      // The fixture's one successful M-Pesa payment settled two days ago; cash sales by other
      // drivers here may add to the totals, never to the M-Pesa part.
      const summary = data as {
        revenue: Record<string, number>;
        daily: { day: string; kes: number }[];
        payments: { by_status: Record<string, number> };
        sessions_online: number;
      };
      expect(summary.revenue.mpesa_30_days_kes).toBe(w.a.paymentAmountKes);
      expect(summary.revenue.last_7_days_kes).toBeGreaterThanOrEqual(w.a.paymentAmountKes);
      expect(summary.daily).toHaveLength(30);
      expect(summary.payments.by_status.success).toBe(1);
      expect(summary.sessions_online).toBe(0);
    },
    denied: async () => {},
  }),

  'disconnect_session(uuid, text)': async (w) => {
    const id = await DRIVERS.vouchers.target(w);
    const queued = () =>
      count(sql()`select count(*) as n from radius.disconnects where voucher_id = ${id}`);
    return {
      args: { p_voucher_id: id, p_mac: null },
      // No open session: nothing to disconnect, and nothing queued.
      allowed: async (data) => {
        expect(data).toBe(0);
        expect(await queued()).toBe(0);
      },
      denied: async () => expect(await queued()).toBe(0),
    };
  },

  'set_mpesa_settings(uuid, text, text, text, text, text, text, text, text, text)': async (w) => {
    const shortcode = String(randomInt(100_000, 1_000_000));
    const secrets = {
      p_passkey: `passkey-${randomTag(8)}`,
      p_consumer_key: `ck-${randomTag(8)}`,
      p_consumer_secret: `cs-${randomTag(8)}`,
    };
    const stored = () =>
      sql()`select shortcode, passkey, updated_by from private.mpesa_settings
            where organization_id = ${w.a.id} and shortcode = ${shortcode}`;
    return {
      args: {
        p_organization_id: w.a.id,
        p_environment: 'sandbox',
        p_shortcode: shortcode,
        p_account_type: 'paybill',
        p_till_number: null,
        ...secrets,
      },
      allowed: async (data, persona) => {
        expect(data).toMatchObject({
          mpesa: { shortcode, passkey_hint: `…${secrets.p_passkey.slice(-4)}` },
        });
        for (const secret of Object.values(secrets))
          expect(JSON.stringify(data)).not.toContain(secret);
        expect(await stored()).toEqual([
          { shortcode, passkey: secrets.p_passkey, updated_by: w.userId(persona) },
        ]);
      },
      denied: async () => expect(await stored()).toEqual([]),
    };
  },

  'set_sms_settings(uuid, text, text, text)': async (w) => {
    const username = `rls_${randomTag()}`;
    const apiKey = `apikey-${randomTag(8)}`;
    const stored = () =>
      sql()`select api_key, updated_by from private.sms_settings
            where organization_id = ${w.a.id} and username = ${username}`;
    return {
      args: {
        p_organization_id: w.a.id,
        p_username: username,
        p_api_key: apiKey,
        p_sender_id: 'WIFI',
      },
      allowed: async (data, persona) => {
        expect(data).toMatchObject({ sms: { username, api_key_hint: `…${apiKey.slice(-4)}` } });
        expect(JSON.stringify(data)).not.toContain(apiKey);
        expect(await stored()).toEqual([{ api_key: apiKey, updated_by: w.userId(persona) }]);
      },
      denied: async () => expect(await stored()).toEqual([]),
    };
  },

  'payment_settings(uuid)': async (w) => {
    const passkey = `passkey-${randomTag(8)}`;
    const apiKey = `apikey-${randomTag(8)}`;
    await sql()`
      insert into private.mpesa_settings (organization_id, shortcode, passkey, consumer_key, consumer_secret)
      values (${w.a.id}, '174379', ${passkey}, 'consumer-key', 'consumer-secret')
      on conflict (organization_id) do update set shortcode = excluded.shortcode,
        passkey = excluded.passkey, consumer_key = excluded.consumer_key,
        consumer_secret = excluded.consumer_secret`;
    await sql()`
      insert into private.sms_settings (organization_id, username, api_key)
      values (${w.a.id}, 'sandbox', ${apiKey})
      on conflict (organization_id) do update set username = excluded.username, api_key = excluded.api_key`;
    return {
      args: { p_organization_id: w.a.id },
      allowed: async (data) => {
        expect(data).toMatchObject({
          mpesa: { shortcode: '174379', passkey_hint: `…${passkey.slice(-4)}` },
          sms: { username: 'sandbox', api_key_hint: `…${apiKey.slice(-4)}` },
        });
        for (const secret of [passkey, apiKey, 'consumer-key', 'consumer-secret']) {
          expect(JSON.stringify(data)).not.toContain(secret);
        }
      },
      denied: async () => {},
    };
  },

  // A pending payment (so organization A's revenue stays as the fixture made it).
  'payment_status(text)': async (w) => {
    const token = randomTag(16);
    await sql()`
      insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes, status_token)
      values (${w.a.id}, ${w.a.siteId}, ${w.a.planId}, ${randomPhone()}, ${w.a.planPriceKes}, ${token})`;
    return {
      args: { p_token: token.toUpperCase() },
      allowed: async (data) => {
        expect(data).toEqual({
          status: 'pending',
          amount_kes: w.a.planPriceKes,
          plan_id: w.a.planId,
          plan_name: w.a.planName,
          result_code: null,
          voucher_code: null,
          receipt_missing: false,
        });
      },
      denied: async () => {},
    };
  },

  // A pending payment from a device of its own, found by its MAC in another spelling.
  'portal_resume(text, text)': async (w) => {
    const token = randomTag(16);
    const mac = Array.from({ length: 6 }, () => randomTag(1)).join(':');
    await sql()`
      insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes,
        status_token, client_mac)
      values (${w.a.id}, ${w.a.siteId}, ${w.a.planId}, ${randomPhone()}, ${w.a.planPriceKes},
        ${token}, ${mac})`;
    return {
      args: { p_site_slug: w.a.siteSlug, p_mac: mac.toUpperCase().replaceAll(':', '-') },
      allowed: async (data) => expect(data).toEqual({ status_token: token, status: 'pending' }),
      denied: async () => {},
    };
  },

  // A paid voucher settled 40 days ago (outside revenue_summary's windows), one phone per call
  // (recover_voucher allows 5 tries per phone in 10 minutes).
  'recover_voucher(text, text, text, text)': async (w) => {
    const phone = randomPhone();
    const receipt = `R${randomTag(5)}`.toUpperCase();
    const [voucher] = await sql()`
      insert into public.vouchers (organization_id, plan_id, created_by)
      values (${w.a.id}, ${w.a.planId}, ${w.users.ownerA.id}) returning id, code`;
    await sql()`
      insert into public.payments (organization_id, site_id, plan_id, phone, amount_kes, status,
        settled_at, mpesa_receipt, voucher_id)
      values (${w.a.id}, ${w.a.siteId}, ${w.a.planId}, ${phone}, ${w.a.planPriceKes}, 'success',
        now() - interval '40 days', ${receipt}, ${voucher.id})`;
    return {
      args: {
        p_site_slug: w.a.siteSlug,
        p_receipt: receipt.toLowerCase(),
        p_phone: `0${phone.slice(4)}`,
      },
      allowed: async (data) => {
        expect(data).toEqual({
          ok: true,
          voucher_code: voucher.code,
          plan_name: w.a.planName,
          amount_kes: w.a.planPriceKes,
        });
      },
      denied: async () => {},
    };
  },

  // A fresh, unused voucher of organization A, typed in lower case with a dash.
  'portal_voucher_status(text, text, text)': async (w) => {
    const [voucher] = await sql()`
      insert into public.vouchers (organization_id, plan_id, created_by)
      values (${w.a.id}, ${w.a.planId}, ${w.users.ownerA.id}) returning code`;
    const code = voucher.code as string;
    return {
      args: {
        p_site_slug: w.a.siteSlug,
        p_code: `${code.slice(0, 5)}-${code.slice(5)}`.toLowerCase(),
      },
      allowed: async (data) => {
        expect(data).toEqual({
          ok: true,
          code,
          status: 'active',
          plan_name: w.a.planName,
          devices_allowed: 1,
          validity_seconds: 3600,
          first_used_at: null,
          expires_at: null,
          seconds_left: 1800,
          time_quota_seconds: 1800,
          used_seconds: 0,
          data_quota_bytes: 104857600,
          used_bytes: 0,
          bytes_left: 104857600,
        });
      },
      denied: async () => {},
    };
  },

  // Platform staff's RPCs: nobody here is staff, so each is refused and changes nothing.
  'is_platform_staff()': async () => ({
    args: {},
    allowed: async (data) => expect(data).toBe(false),
    denied: async () => {},
  }),
  'platform_jobs()': async () => ({
    args: {},
    allowed: async (data) => expect(Array.isArray(data)).toBe(true),
    denied: async () => {},
  }),
  'platform_receipt_alerts()': async () => ({
    args: {},
    allowed: async (data) => expect(Array.isArray(data)).toBe(true),
    denied: async () => {},
  }),
  'platform_settings()': async () => ({
    args: {},
    allowed: async (data) => expect(Array.isArray(data)).toBe(true),
    denied: async () => {},
  }),
  'retention_policies()': async () => ({
    args: {},
    allowed: async (data) => expect(Array.isArray(data)).toBe(true),
    denied: async () => {},
  }),
  'set_retention_days(text, integer)': async () => ({
    args: { p_kind: 'disconnects', p_days: 7 },
    allowed: async () => {},
    denied: async () => {
      const [row] =
        await sql()`select days from private.retention_policies where kind = 'disconnects'`;
      expect(row!.days).toBe(30);
    },
  }),
  'set_signup_mode(text)': async () => ({
    args: { p_mode: 'open' },
    allowed: async () => {},
    denied: async () => {
      const [row] = await sql()`select signup_mode from private.platform_settings`;
      expect(row!.signup_mode).toBe('invite_only');
    },
  }),
  'set_address_quarantine_days(integer)': async () => ({
    args: { p_days: 0 },
    allowed: async () => {},
    denied: async () => {
      const [row] = await sql()`select address_quarantine_days from private.platform_settings`;
      expect(row!.address_quarantine_days).toBe(30);
    },
  }),
  'set_payment_link_lifetimes(integer, integer)': async () => ({
    args: { p_callback_url_hours: 8760, p_status_token_days: 365 },
    allowed: async () => {},
    denied: async () => {
      const [row] = await sql()`
        select callback_url_hours, status_token_days from private.platform_settings`;
      expect(row).toEqual({ callback_url_hours: 48, status_token_days: 7 });
    },
  }),
  'platform_address_quarantine()': async () => ({
    args: {},
    allowed: async (data) => expect(Array.isArray(data)).toBe(true),
    denied: async () => {},
  }),
  'platform_organizations()': async () => ({
    args: {},
    allowed: async (data) => expect(Array.isArray(data)).toBe(true),
    denied: async () => {},
  }),
  'approve_organization(uuid)': async (w) => ({
    args: { p_organization_id: w.a.id },
    allowed: async () => {},
    denied: async () => {},
  }),
  'suspend_organization(uuid, text)': async (w) => ({
    args: { p_organization_id: w.a.id, p_reason: 'RLS matrix' },
    allowed: async () => {},
    denied: async () => {
      const [row] = await sql()`select suspended_at from public.organizations where id = ${w.a.id}`;
      expect(row!.suspended_at).toBeNull();
    },
  }),
  'resume_organization(uuid)': async (w) => ({
    args: { p_organization_id: w.a.id },
    allowed: async () => {},
    denied: async () => {},
  }),

  'invite_member(uuid, text, text)': async (w) => {
    const email = `rls-invite-${randomTag()}@invite.test`;
    const invitations = () =>
      sql()`select role, invited_by from private.invitations where email = ${email}`;
    return {
      args: { p_organization_id: w.a.id, p_email: email, p_role: 'agent' },
      allowed: async (data, persona) => {
        expect(data).toMatchObject({ email, role: 'agent' });
        expect(await invitations()).toEqual([{ role: 'agent', invited_by: w.userId(persona) }]);
      },
      denied: async () => expect(await invitations()).toEqual([]),
    };
  },

  'team_invitations(uuid)': async (w) => {
    const email = await inviteAdminB(w);
    return {
      args: { p_organization_id: w.a.id },
      allowed: async (data) =>
        expect(data).toContainEqual(expect.objectContaining({ email, role: 'agent' })),
      denied: async () => {},
    };
  },

  'my_invitations()': async (w) => {
    await inviteAdminB(w);
    return {
      args: {},
      allowed: async (data, persona) => {
        const found = (data as { organization_id: string }[]).filter(
          (i) => i.organization_id === w.a.id,
        );
        expect(found).toHaveLength(persona === 'adminB' ? 1 : 0);
      },
      denied: async () => {},
    };
  },

  // adminB joins A as an agent, and leaves again so the world stays as it was.
  'accept_invitation(uuid)': async (w) => {
    await inviteAdminB(w);
    const [invitation] = await sql()`
      select id from private.invitations
      where organization_id = ${w.a.id} and email = ${w.users.adminB.email.toLowerCase()}`;
    const membership = () =>
      sql()`select role from public.memberships
            where organization_id = ${w.a.id} and user_id = ${w.users.adminB.id}`;
    return {
      args: { p_invitation_id: invitation.id },
      allowed: async (data) => {
        expect(data).toEqual({ organization_id: w.a.id, role: 'agent' });
        expect(await membership()).toEqual([{ role: 'agent' }]);
        await sql()`delete from public.memberships
                    where organization_id = ${w.a.id} and user_id = ${w.users.adminB.id}`;
      },
      denied: async () => expect(await membership()).toEqual([]),
    };
  },

  'team_members(uuid)': async (w) => ({
    args: { p_organization_id: w.a.id },
    allowed: async (data) => {
      // Other tests add and remove members of A; the fixture's four are there, owners first.
      const team = data as { user_id: string; email: string; role: string }[];
      for (const persona of ['ownerA', 'adminA', 'agentA', 'bridge'] as const) {
        const user = w.users[persona];
        expect(team).toContainEqual(
          expect.objectContaining({
            user_id: user.id,
            email: user.email,
            role: persona === 'bridge' ? 'owner' : persona.slice(0, -1),
          }),
        );
      }
      const ranks = team.map((m) => ['owner', 'admin', 'agent'].indexOf(m.role));
      expect(ranks).toEqual([...ranks].sort());
      expect(team.some((m) => m.user_id === w.users.adminB.id)).toBe(false);
    },
    denied: async () => {},
  }),

  // Every fixture row of A (other tests add more), nothing of B, no router secret; each allowed
  // call leaves one audit row by the caller.
  'export_organization(uuid)': async (w) => {
    const audits = () =>
      sql()`select actor from public.audit_log
            where table_name = 'support:export' and row_id = ${w.a.id}`;
    const before = (await audits()).length;
    return {
      args: { p_organization_id: w.a.id },
      allowed: async (data, persona) => {
        const rows = data as Record<string, { id?: string; plan_id?: string; email?: string }[]>;
        const ids = (table: string) => rows[table]!.map((row) => row.id);
        expect((data as { organization: { id: string } }).organization.id).toBe(w.a.id);
        expect(ids('sites')).toEqual(expect.arrayContaining([w.a.siteId, w.a.site2Id]));
        expect(ids('routers')).toContain(w.a.routerId);
        expect(ids('plans')).toContain(w.a.planId);
        expect(rows.plan_sites!.map((row) => row.plan_id)).toContain(w.a.planId);
        expect(ids('voucher_batches')).toEqual(
          expect.arrayContaining([w.a.ownerBatchId, w.a.agentBatchId]),
        );
        expect(ids('vouchers')).toEqual(
          expect.arrayContaining([...w.a.ownerVoucherIds, ...w.a.agentVoucherIds]),
        );
        expect(ids('customers')).toContain(w.a.customerId);
        expect(ids('payments')).toContain(w.a.paymentId);
        expect(ids('sms_outbox')).toContain(w.a.smsId);
        expect(rows.memberships).toEqual(
          expect.arrayContaining(
            (['ownerA', 'adminA', 'agentA', 'bridge'] as const).map((who) =>
              expect.objectContaining({ id: w.a.membershipIds[who], email: w.users[who].email }),
            ),
          ),
        );
        expect(rows.audit_log!.map((row) => String(row.id))).toEqual(
          expect.arrayContaining(w.a.auditIds),
        );
        const text = JSON.stringify(data);
        for (const outside of [w.b.id, w.b.siteId, w.b.planId, w.a.routerSecret])
          expect(text).not.toContain(outside);
        const audited = await audits();
        expect(audited).toHaveLength(before + 1);
        expect(audited.at(-1)!.actor).toBe(w.userId(persona));
      },
      denied: async () => expect(await audits()).toHaveLength(before),
    };
  },

  // A cash sale by agentA and one by ownerA today; the answer must be the database's own sums
  // (per seller, Nairobi day), all of A's sellers for owners and admins, agentA's row for agentA.
  'cash_up(uuid, date)': async (w) => {
    for (const seller of [w.users.agentA, w.users.ownerA]) {
      await sql()`
        insert into public.vouchers
          (organization_id, plan_id, created_by, sold_by, sold_at, sold_price_kes)
        values (${w.a.id}, ${w.a.planId}, ${seller.id}, ${seller.id}, now(), 7)`;
    }
    const [{ day }] = await sql()`select (now() at time zone 'Africa/Nairobi')::date::text as day`;
    return {
      args: { p_organization_id: w.a.id, p_day: day },
      allowed: async (data, persona) => {
        const expected = await sql()`
          select v.sold_by as seller_id, u.email, count(*)::int as vouchers,
                 sum(v.sold_price_kes)::int as total_kes
          from public.vouchers v join auth.users u on u.id = v.sold_by
          where v.organization_id = ${w.a.id} and v.sold_by is not null
            and (v.sold_at at time zone 'Africa/Nairobi')::date = ${day}::date
            and (${persona !== 'agentA'} or v.sold_by = ${w.users.agentA.id})
          group by v.sold_by, u.email`;
        const rows = data as { seller_id: string }[];
        expect(rows).toHaveLength(expected.length);
        for (const row of expected) expect(rows).toContainEqual(expect.objectContaining(row));
        expect(rows.some((r) => r.seller_id === w.users.agentA.id)).toBe(true);
        expect(rows.some((r) => r.seller_id === w.users.ownerA.id)).toBe(persona !== 'agentA');
      },
      denied: async () => {},
    };
  },

  // Organization A's router; each allowed call leaves one audit row by the caller.
  'router_setup(uuid)': async (w) => {
    const audits = () =>
      sql()`select actor from public.audit_log
            where table_name = 'router_setup' and row_id = ${w.a.routerId} order by id`;
    const before = (await audits()).length;
    return {
      args: { p_router_id: w.a.routerId },
      allowed: async (data, persona) => {
        expect(data).toMatchObject({
          router_id: w.a.routerId,
          vendor: 'mikrotik',
          site_id: w.a.siteId,
          secret: w.a.routerSecret,
        });
        const rows = await audits();
        expect(rows).toHaveLength(before + 1);
        expect(rows.at(-1)!.actor).toBe(w.userId(persona));
      },
      denied: async () => expect(await audits()).toHaveLength(before),
    };
  },

  // A 1×1 PNG; each allowed call leaves one audit row by the caller.
  'set_site_logo(uuid, text)': async (w) => {
    const png = TINY_PNG.toString('base64');
    const audits = () =>
      sql()`select actor from public.audit_log
            where table_name = 'support:site_logo' and row_id = ${w.a.siteId}`;
    const before = (await audits()).length;
    return {
      args: { p_site_id: w.a.siteId, p_image_base64: png },
      allowed: async (data, persona) => {
        expect(data).toMatchObject({ content_type: 'image/png', size: TINY_PNG.length });
        const rows = await audits();
        expect(rows).toHaveLength(before + 1);
        expect(rows.at(-1)!.actor).toBe(w.userId(persona));
      },
      denied: async () => expect(await audits()).toHaveLength(before),
    };
  },

  'portal_logo(text)': async (w) => {
    await sql()`
      insert into private.site_logos (site_id, content_type, bytes)
      values (${w.a.siteId}, 'image/png', ${TINY_PNG})
      on conflict (site_id) do update set bytes = excluded.bytes, content_type = 'image/png'`;
    return {
      args: { p_slug: w.a.siteSlug },
      allowed: async (data) =>
        expect(data).toEqual({ content_type: 'image/png', base64: TINY_PNG.toString('base64') }),
      denied: async () => {},
    };
  },
};

describe('the RPC driver list matches the allow-list', () => {
  it('has a driver for every classified function', () => {
    expect(Object.keys(RPC_DRIVERS).sort()).toEqual(Object.keys(RPCS).sort());
  });
});

for (const signature of union(catalogFunctions, Object.keys(RPCS))) {
  describe(`function public.${signature}`, () => {
    const scenarios = RPCS[signature];
    const prepare = RPC_DRIVERS[signature];
    if (!scenarios || !prepare || !catalogFunctions.includes(signature)) {
      it('is in pg_catalog, classified in rls-matrix.ts and has a driver here', () => {
        expect({
          inCatalog: catalogFunctions.includes(signature),
          rules: !!scenarios,
          driver: !!prepare,
        }).toEqual({ inCatalog: true, rules: true, driver: true });
      });
      return;
    }
    const name = signature.slice(0, signature.indexOf('('));
    for (const [scenario, outcomes] of Object.entries(scenarios)) {
      describe(scenario, () => {
        for (const persona of PERSONAS) {
          const expected: Can = outcomes[persona];
          it(`${persona}: ${expected}`, async () => {
            const call = await prepare(w, scenario);
            const response = await w.clients[persona].rpc(name, call.args);
            if (expected === 'allowed') {
              expect(response.error).toBeNull();
              expect(response.data).not.toBeNull();
              await call.allowed(response.data, persona);
            } else {
              expectPermissionDenied(persona, response);
              await call.denied();
            }
          });
        }
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The finer rules that one row per persona cannot show
// ---------------------------------------------------------------------------------------------

describe('finer rules', () => {
  const membership = async (role: 'owner' | 'admin' | 'agent') => {
    const userId = await createBareUser(role);
    const [row] = await sql()`
      insert into public.memberships (organization_id, user_id, role)
      values (${w.a.id}, ${userId}, ${role}) returning id, user_id`;
    return { id: row.id as string, userId };
  };
  const roleOf = async (id: string) =>
    (await sql()`select role from public.memberships where id = ${id}`)[0]?.role as
      string | undefined;

  it('an admin cannot add an owner', async () => {
    const userId = await createBareUser('would-be-owner');
    const response = await w.clients.adminA
      .from('memberships')
      .insert({ organization_id: w.a.id, user_id: userId, role: 'owner' });
    expectPermissionDenied('adminA', response);
    expect(
      await count(sql()`select count(*) as n from public.memberships where user_id = ${userId}`),
    ).toBe(0);
  });

  it('an admin cannot promote anyone to owner', async () => {
    const agent = await membership('agent');
    const response = await w.clients.adminA
      .from('memberships')
      .update({ role: 'owner' })
      .eq('id', agent.id);
    expectPermissionDenied('adminA', response);
    expect(await roleOf(agent.id)).toBe('agent');
  });

  it('an admin can neither demote nor remove an owner; an owner can', async () => {
    const owner = await membership('owner');
    await w.clients.adminA.from('memberships').update({ role: 'agent' }).eq('id', owner.id);
    await w.clients.adminA.from('memberships').delete().eq('id', owner.id);
    expect(await roleOf(owner.id)).toBe('owner');
    const demoted = await w.clients.ownerA
      .from('memberships')
      .update({ role: 'agent' })
      .eq('id', owner.id);
    expect(demoted.error).toBeNull();
    expect(await roleOf(owner.id)).toBe('agent');
  });

  it('an agent cannot leave by themselves', async () => {
    const response = await w.clients.agentA
      .from('memberships')
      .delete()
      .eq('id', w.a.membershipIds.agentA);
    expectRefusedOrNoop('agentA', response);
    expect(await roleOf(w.a.membershipIds.agentA)).toBe('agent');
  });

  it('nobody can issue vouchers or batches in the name of someone else', async () => {
    const planId = await freshPlan(w.a.id);
    const voucher = await w.clients.agentA
      .from('vouchers')
      .insert({ organization_id: w.a.id, plan_id: planId, created_by: w.users.ownerA.id });
    expectPermissionDenied('agentA', voucher);
    const batch = await w.clients.adminA.from('voucher_batches').insert({
      organization_id: w.a.id,
      plan_id: planId,
      count: 1,
      created_by: w.users.ownerA.id,
    });
    expectPermissionDenied('adminA', batch);
    expect(
      await count(sql()`select count(*) as n from public.vouchers where plan_id = ${planId}`),
    ).toBe(0);
  });

  it('API inserts record the caller as creator of batches and their vouchers', async () => {
    const planId = await freshPlan(w.a.id);
    const response = await w.clients.adminA
      .from('voucher_batches')
      .insert({ organization_id: w.a.id, plan_id: planId, count: 2 });
    expect(response.error).toBeNull();
    const rows = await sql()`
      select b.created_by as batch_by, v.created_by as voucher_by
      from public.voucher_batches b join public.vouchers v on v.batch_id = b.id
      where b.plan_id = ${planId}`;
    expect(rows).toEqual([
      { batch_by: w.users.adminA.id, voucher_by: w.users.adminA.id },
      { batch_by: w.users.adminA.id, voucher_by: w.users.adminA.id },
    ]);
  });

  it('owners and admins may only set a voucher to active or revoked', async () => {
    const id = await DRIVERS.vouchers.target(w);
    const response = await w.clients.ownerA
      .from('vouchers')
      .update({ status: 'exhausted' })
      .eq('id', id);
    expectPermissionDenied('ownerA', response);
    expect((await readRow('vouchers', 'id', id))!.status).toBe('active');
  });

  it('a sold voucher cannot be deleted, not even by an owner', async () => {
    const id = await DRIVERS.vouchers.target(w);
    const sold = await w.clients.ownerA.rpc('sell_voucher', { p_voucher_id: id, p_price_kes: 0 });
    expect(sold.error).toBeNull();
    const response = await w.clients.ownerA.from('vouchers').delete().eq('id', id);
    expectRefusedOrNoop('ownerA', response);
    expect(await readRow('vouchers', 'id', id)).toBeDefined();
  });

  it("rows cannot point at another organization's site or plan (23503), even for a member of both", async () => {
    const router = await DRIVERS.routers.target(w);
    const moved = await w.clients.bridge
      .from('routers')
      .update({ site_id: w.b.siteId })
      .eq('id', router);
    expect(moved.error?.code).toBe('23503');
    expect((await readRow('routers', 'id', router))!.site_id).toBe(w.a.siteId);

    const planA = await freshPlan(w.a.id);
    const offered = await w.clients.bridge
      .from('plan_sites')
      .insert({ plan_id: planA, site_id: w.b.siteId, organization_id: w.a.id });
    expect(offered.error?.code).toBe('23503');
    const voucher = await w.clients.bridge
      .from('vouchers')
      .insert({ organization_id: w.a.id, plan_id: w.b.planId });
    expect(voucher.error?.code).toBe('23503');
    const batch = await w.clients.bridge
      .from('voucher_batches')
      .insert({ organization_id: w.a.id, plan_id: w.b.planId, count: 1 });
    expect(batch.error?.code).toBe('23503');
    expect(
      await count(sql()`
        select (select count(*) from public.plan_sites where plan_id = ${planA})
             + (select count(*) from public.vouchers where plan_id = ${w.b.planId})
             + (select count(*) from public.voucher_batches where plan_id = ${w.b.planId}) as n`),
    ).toBe(0);
  });

  it("service_role cannot change a voucher's frozen columns or move it (23514)", async () => {
    const id = await DRIVERS.vouchers.target(w);
    const before = await readRow('vouchers', 'id', id);
    for (const patch of [{ price_kes: 1 }, { organization_id: w.b.id }, { code: 'ABCDEFGHJK' }]) {
      const response = await w.clients.service_role.from('vouchers').update(patch).eq('id', id);
      expect(response.error?.code, JSON.stringify(patch)).toBe('23514');
    }
    expect(await readRow('vouchers', 'id', id)).toEqual(before);
  });

  // Router settings an owner or admin may change besides the basics: coa_port, login_host (and
  // require_message_authenticator, which only an owner may switch off: below).
  for (const [column, value] of [
    ['coa_port', 1700],
    ['login_host', 'hotspot.example.net'],
  ] as const) {
    it(`only owners and admins change routers.${column}, and it is audited`, async () => {
      const id = await DRIVERS.routers.target(w);
      const before = await readRow('routers', 'id', id);
      expect(before![column]).not.toBe(value);
      for (const persona of ['anon', 'agentA', 'adminB'] as const) {
        const response = await w.clients[persona]
          .from('routers')
          .update({ [column]: value })
          .eq('id', id);
        expectRefusedOrNoop(persona, response);
        expect(await readRow('routers', 'id', id), persona).toEqual(before);
      }
      const changed = await w.clients.adminA
        .from('routers')
        .update({ [column]: value })
        .eq('id', id);
      expect(changed.error).toBeNull();
      expect((await readRow('routers', 'id', id))![column]).toBe(value);
      const audited = await sql()`
        select actor, new ->> ${column} as value from public.audit_log
        where table_name = 'routers' and row_id = ${id} and action = 'update'`;
      expect(audited).toEqual([{ actor: w.users.adminA.id, value: String(value) }]);
    });
  }

  it('only owners switch routers.require_message_authenticator off, with a reason, audited', async () => {
    const id = await DRIVERS.routers.target(w);
    const before = await readRow('routers', 'id', id);
    expect(before!.require_message_authenticator).toBe(true);
    const off = {
      require_message_authenticator: false,
      message_authenticator_off_reason: 'RouterOS 6',
    };
    for (const persona of ['anon', 'agentA', 'adminB'] as const) {
      const response = await w.clients[persona].from('routers').update(off).eq('id', id);
      expectRefusedOrNoop(persona, response);
      expect(await readRow('routers', 'id', id), persona).toEqual(before);
    }
    // router-rules.test.ts has the rest of the rule (reasons, switching back on).
    const admin = await w.clients.adminA.from('routers').update(off).eq('id', id);
    expect(admin.error).toMatchObject({ code: '42501', hint: 'message_authenticator_owner_only' });
    expect(await readRow('routers', 'id', id)).toEqual(before);
    const changed = await w.clients.ownerA.from('routers').update(off).eq('id', id);
    expect(changed.error).toBeNull();
    expect(await readRow('routers', 'id', id)).toMatchObject(off);
    const audited = await sql()`
      select actor, new ->> 'require_message_authenticator' as value,
             new ->> 'message_authenticator_off_reason' as reason
      from public.audit_log
      where table_name = 'routers' and row_id = ${id} and action = 'update'`;
    expect(audited).toEqual([{ actor: w.users.ownerA.id, value: 'false', reason: 'RouterOS 6' }]);
  });

  it('RPCs refuse bad input with the codes their comments give', async () => {
    const unknownSite = await w.clients.ownerA.rpc('create_router', {
      p_site_id: '00000000-0000-4000-8000-000000000000',
      p_name: 'Nowhere',
      p_nas_ip: randomRouterNetwork(),
      p_vendor: 'generic',
    });
    expect(unknownSite.error?.code).toBe('42501');
    const blankName = await w.clients.agentA.rpc('create_organization', { p_name: '   ' });
    expect(blankName.error?.code).toBe('22023');

    const id = await DRIVERS.vouchers.target(w);
    const negative = await w.clients.adminA.rpc('sell_voucher', {
      p_voucher_id: id,
      p_price_kes: -1,
    });
    expect(negative.error?.code).toBe('22023');
    const first = await w.clients.adminA.rpc('sell_voucher', { p_voucher_id: id });
    expect(first.error).toBeNull();
    const again = await w.clients.ownerA.rpc('sell_voucher', { p_voucher_id: id });
    expect(again.error?.code).toBe('P0001');
    const [row] = await sql()`select sold_by from public.vouchers where id = ${id}`;
    expect(row.sold_by).toBe(w.users.adminA.id);

    const revoked = await DRIVERS.vouchers.target(w);
    await sql()`update public.vouchers set status = 'revoked' where id = ${revoked}`;
    const notActive = await w.clients.ownerA.rpc('sell_voucher', { p_voucher_id: revoked });
    expect(notActive.error?.code).toBe('P0001');
  });
});
