// Least privilege per component (SECURITY.md): the portal server's own credential reaches
// pay-start and the portal-rpc function's three RPCs and nothing else; the edge functions' own
// database role `edge_functions` executes what they call and reads no table but the Daraja
// token cache. Tables, RPCs and functions are enumerated from the database and the functions'
// folder, so a new one is covered without editing this file.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { PORTAL_RPCS } from '../../supabase/functions/portal-rpc/handler.ts';
import { createPayHotspot, functionsUrl, startPayment, testPhone } from '../support/payments.ts';
import { stackInfo } from '../support/stack.ts';
import { ownerSql } from '../support/users.ts';

const functionsDir = join(import.meta.dirname, '../../supabase/functions');

/** Every table and view PostgREST exposes (schema public). */
async function publicRelations(): Promise<string[]> {
  const rows = await ownerSql()<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'v', 'm', 'p', 'f') order by 1`;
  return rows.map((r) => r.name);
}

/** Every function in public that anyone but its owner may execute: the API's RPCs. */
async function publicRpcs(): Promise<string[]> {
  const rows = await ownerSql()<{ name: string }[]>`
    select distinct p.proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and exists (
      select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
      where a.privilege_type = 'EXECUTE' and a.grantee <> p.proowner)
    order by 1`;
  return rows.map((r) => r.name);
}

/** The edge functions deployed from supabase/functions (every folder but _shared). */
function functionNames(): string[] {
  return readdirSync(functionsDir)
    .filter((name) => !name.startsWith('_') && statSync(join(functionsDir, name)).isDirectory())
    .sort();
}

const portalKey = () => stackInfo().portalKey;

/** The portal credential presented every way a caller might: as itself, an API key, a bearer. */
const portalHeaders = (): Record<string, string>[] => [
  { 'x-portal-key': portalKey() },
  { apikey: portalKey() },
  { apikey: stackInfo().publishableKey, authorization: `Bearer ${portalKey()}` },
  { apikey: portalKey(), authorization: `Bearer ${portalKey()}`, 'x-portal-key': portalKey() },
];

async function post(url: string, headers: Record<string, string>, body: unknown = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text };
}

const portalRpc = (name: string, headers: Record<string, string>, body: unknown = {}) =>
  post(`${functionsUrl()}/portal-rpc/${name}`, headers, body);

describe("the portal server's credential", () => {
  it('is refused by PostgREST for every table and every RPC, and by Auth', async () => {
    const { supabaseUrl, publishableKey } = stackInfo();
    const relations = await publicRelations();
    const rpcs = await publicRpcs();
    expect(relations.length).toBeGreaterThan(10);
    expect(rpcs.length).toBeGreaterThan(10);
    const asApiKey = { apikey: portalKey() };
    const asBearer = { apikey: publishableKey, authorization: `Bearer ${portalKey()}` };
    const answers = await Promise.all([
      ...relations.flatMap((table) =>
        [asApiKey, asBearer].map(async (headers) => {
          const response = await fetch(`${supabaseUrl}/rest/v1/${table}?select=*&limit=1`, {
            headers,
          });
          await response.body?.cancel();
          return {
            what: `select ${table} ${Object.keys(headers).join('+')}`,
            status: response.status,
          };
        }),
      ),
      ...rpcs.flatMap((rpc) =>
        [asApiKey, asBearer].map(async (headers) => ({
          what: `rpc ${rpc} ${Object.keys(headers).join('+')}`,
          status: (await post(`${supabaseUrl}/rest/v1/rpc/${rpc}`, headers)).status,
        })),
      ),
      ...[asApiKey, asBearer].map(async (headers) => ({
        what: `auth admin ${Object.keys(headers).join('+')}`,
        status: (
          await post(`${supabaseUrl}/auth/v1/admin/users`, headers, {
            email: 'least-privilege@example.test',
            password: 'least-privilege-pass',
          })
        ).status,
      })),
    ]);
    // Auth refuses a bearer that is no session of its own with 403.
    expect(
      answers.filter(
        (a) => a.status !== (a.what === 'auth admin apikey+authorization' ? 403 : 401),
      ),
    ).toEqual([]);
  });

  it('reaches no RPC through portal-rpc but its own', async () => {
    const others = (await publicRpcs()).filter((name) => !PORTAL_RPCS.has(name));
    expect(others.length).toBeGreaterThan(10);
    const answers = await Promise.all(
      [...others, 'pay_start', 'settle_payment', 'nope'].map(async (name) => ({
        name,
        status: (await portalRpc(name, portalHeaders()[0]!)).status,
      })),
    );
    expect(answers.filter((a) => a.status !== 404)).toEqual([]);
  });

  it("reaches its own RPCs through portal-rpc, and nobody else's key does", async () => {
    const calls: Record<string, unknown> = {
      portal_resume: { p_site_slug: 'no-such-site', p_mac: '02:00:00:00:00:01' },
      portal_voucher_status: { p_site_slug: 'no-such-site', p_code: 'ABCD2345' },
      recover_voucher: {
        p_site_slug: 'no-such-site',
        p_receipt: 'TAB1234567',
        p_phone: testPhone(),
      },
    };
    expect(new Set(Object.keys(calls))).toEqual(PORTAL_RPCS);
    const { publishableKey, secretKey, serviceRoleKey } = stackInfo();
    for (const [name, args] of Object.entries(calls)) {
      const ok = await portalRpc(name, { 'x-portal-key': portalKey() }, args);
      expect(ok.status, `${name}: ${ok.text}`).toBe(200);
      const refused: Record<string, string>[] = [
        {},
        { apikey: publishableKey },
        { apikey: secretKey },
        { authorization: `Bearer ${serviceRoleKey}` },
        { 'x-portal-key': `${portalKey()}x` },
        { 'x-portal-key': secretKey },
        { apikey: portalKey() },
        { authorization: `Bearer ${portalKey()}` },
      ];
      for (const headers of refused) {
        expect((await portalRpc(name, headers, args)).status, JSON.stringify(headers)).toBe(401);
      }
    }
  });

  it('starts a payment (pay-start) and is refused by every other edge function', async () => {
    const hotspot = await createPayHotspot();
    const started = await startPayment(hotspot, { phone: testPhone() }, portalKey());
    expect(started.status, JSON.stringify(started.body)).toBe(201);

    const organization_id = hotspot.organizationId;
    // Bodies each function would accept from its rightful caller, so that only the credential
    // is wrong; pay-c2b's owner routes by name.
    const body = {
      organization_id,
      email: 'least-privilege@example.test',
      role: 'agent',
      limit: 1,
    };
    const targets = functionNames()
      .filter((name) => name !== 'pay-start' && name !== 'portal-rpc')
      .flatMap((name) =>
        name === 'pay-c2b' ? ['urls', 'rotate', 'register'].map((a) => `${name}/${a}`) : [name],
      );
    expect(targets).toEqual(
      expect.arrayContaining(['pay-reconcile', 'sms-dispatch', 'team-invite']),
    );
    const answers = await Promise.all(
      targets.flatMap((target) =>
        portalHeaders().map(async (headers) => ({
          target,
          headers: Object.keys(headers).join('+'),
          status: (await post(`${functionsUrl()}/${target}`, headers, body)).status,
        })),
      ),
    );
    expect(answers.filter((a) => ![401, 403, 404].includes(a.status))).toEqual([]);
  });
});

describe("the edge functions' database role", () => {
  const sql = postgres(stackInfo().functionsDbUrl, { max: 2, onnotice: () => {} });
  afterAll(() => sql.end());

  /** The functions the role may execute: each one the functions' SQL calls, nothing else. */
  const EXECUTES = [
    'private.account_confirmed',
    'private.audit_c2b_register',
    'private.audit_payment_recheck',
    'private.c2b_confirmation',
    'private.c2b_rotate',
    'private.c2b_url_registered',
    'private.c2b_urls',
    'private.callback_junk',
    'private.can_support_payment',
    'private.cheapest_plan_kes',
    'private.member_at_least',
    'private.mpesa_credentials',
    'private.pay_callback',
    'private.pay_mark_timeout',
    'private.pay_push_result',
    'private.pay_reconcile_candidate',
    'private.pay_reconcile_candidates',
    'private.pay_start',
    'private.receipt_status_result',
    'private.receipt_verification_claim',
    'private.receipt_verification_sent',
    'private.settle_payment',
    'private.site_member_at_least',
    'private.sms_claim',
    'private.sms_result',
  ];

  it('is a plain login role: no superuser, no RLS bypass, no other role', async () => {
    const [role] = await ownerSql()`
      select r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb, r.rolinherit,
             (select count(*)::int from pg_auth_members m where m.member = r.oid) as member_of
      from pg_roles r where r.rolname = 'edge_functions'`;
    expect(role).toEqual({
      rolsuper: false,
      rolbypassrls: false,
      rolcreaterole: false,
      rolcreatedb: false,
      rolinherit: false,
      member_of: 0,
    });
    const [who] = await sql`select current_user as name`;
    expect(who!.name).toBe('edge_functions');
    for (const other of ['postgres', 'service_role', 'authenticated', 'worker', 'freeradius']) {
      await expect(sql.unsafe(`set role ${other}`), other).rejects.toMatchObject({
        code: '42501',
      });
    }
  });

  it('cannot read any table but the Daraja token cache', async () => {
    const tables = await ownerSql()<{ name: string }[]>`
      select format('%I.%I', n.nspname, c.relname) as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('public', 'private', 'radius', 'auth', 'supabase_migrations')
        and c.relkind in ('r', 'v', 'm', 'p')
      order by 1`;
    const names = tables.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'public.payments',
        'public.memberships',
        'public.audit_log',
        'private.mpesa_settings',
        'private.router_secrets',
        'auth.users',
      ]),
    );
    const readable: string[] = [];
    for (const name of names) {
      const outcome = await sql
        .unsafe(`select 1 from ${name} limit 1`)
        .then(() => 'read')
        .catch((error: { code?: string }) => error.code);
      if (outcome !== '42501') readable.push(`${name}: ${outcome}`);
    }
    expect(readable).toEqual(['private.daraja_tokens: read']);
    const [writes] = await ownerSql()<{ tables: string[] }[]>`
      select coalesce(array_agg(format('%I.%I', n.nspname, c.relname) order by 1), '{}') as tables
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('public', 'private', 'radius', 'auth', 'supabase_migrations')
        and c.relkind in ('r', 'p')
        and (has_table_privilege('edge_functions', c.oid, 'insert')
          or has_table_privilege('edge_functions', c.oid, 'update')
          or has_table_privilege('edge_functions', c.oid, 'delete')
          or has_table_privilege('edge_functions', c.oid, 'truncate'))`;
    expect(writes!.tables).toEqual(['private.daraja_tokens']);
  });

  it('executes exactly the functions the edge functions call', async () => {
    const rows = await ownerSql()<{ name: string }[]>`
      select distinct format('%s.%s', n.nspname, p.proname) as name
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('public', 'private', 'radius', 'auth')
        and has_function_privilege('edge_functions', p.oid, 'execute')
        and not exists (
          select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
          where a.privilege_type = 'EXECUTE' and a.grantee = 0)
      order by 1`;
    expect(rows.map((r) => r.name)).toEqual(EXECUTES);
    // They work on its connection; one it was not granted does not.
    const [row] = await sql`
      select private.mpesa_credentials(gen_random_uuid()) as settings,
             private.member_at_least(gen_random_uuid(), gen_random_uuid(), 'owner') as member`;
    expect(row).toEqual({ settings: null, member: false });
    await sql`select * from private.pay_reconcile_candidates(86400, 1)`;
    await expect(sql`select private.job_wake('pay-reconcile')`).rejects.toMatchObject({
      code: '42501',
    });
    await expect(sql`select public.create_organization('least privilege')`).rejects.toMatchObject({
      code: '42501',
    });
  });
});
