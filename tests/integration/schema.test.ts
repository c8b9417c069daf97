// Schema-wide guarantees that no single RLS test shows: every table has row-level security,
// every security definer function pins its search_path, anon and PUBLIC hold nothing they
// should not (now and for objects added later), every migration file was applied, vouchers keep
// the plan as sold, and voucher codes are hard to guess and easy to read.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  VOUCHER_ALPHABET,
  VOUCHER_CODE_LENGTH,
  VOUCHER_LOOKALIKES,
  isVoucherCode,
} from '../../supabase/functions/_shared/domain/voucher-code.ts';
import { randomTag } from '../support/personas.ts';
import { stackInfo } from '../support/stack.ts';
import { client, clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

const root = new URL('../..', import.meta.url).pathname;
const migrationsDir = join(root, 'supabase/migrations');
const exposedSchemas = (
  parse(readFileSync(join(root, 'supabase/config.toml'), 'utf8')) as { api: { schemas: string[] } }
).api.schemas;

const superuser = postgres(stackInfo().superuserDbUrl, { max: 1, onnotice: () => {} });
afterAll(() => superuser.end());

/** The schemas README.md promises RLS on: the exposed ones plus private and radius. */
const rlsSchemas = [...new Set([...exposedSchemas, 'public', 'private', 'radius'])];

describe('row-level security', () => {
  it('is enabled on every table of the exposed, private and radius schemas', async () => {
    const tables = await superuser<{ name: string; rls: boolean }[]>`
      select format('%I.%I', n.nspname, c.relname) as name, c.relrowsecurity as rls
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ${superuser(rlsSchemas)} and c.relkind in ('r', 'p')
      order by 1`;
    // The schemas really hold the tables this test is about.
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['public.vouchers', 'private.router_secrets', 'radius.radacct']),
    );
    expect(tables.filter((t) => !t.rls).map((t) => t.name)).toEqual([]);
  });

  it('cannot be sidestepped by a view, materialized view or foreign table in an exposed schema', async () => {
    // A view runs as its owner unless security_invoker is set; the other two have no RLS at all,
    // so an API role must not be able to read them.
    const leaks = await superuser<{ name: string }[]>`
      select format('%I.%I', n.nspname, c.relname) as name
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ${superuser(exposedSchemas)}
        and (
          (c.relkind = 'v' and not coalesce('security_invoker=true' = any (c.reloptions), false)
                           and not coalesce('security_invoker=on' = any (c.reloptions), false))
          or (c.relkind in ('m', 'f') and (has_table_privilege('anon', c.oid, 'select')
                                           or has_table_privilege('authenticated', c.oid, 'select')))
        )`;
    expect(leaks.map((l) => l.name)).toEqual([]);
  });
});

describe('security definer functions', () => {
  it("pin an empty search_path in public, private and radius (proconfig search_path='')", async () => {
    const functions = await superuser<{ name: string; config: string[] | null }[]>`
      select p.oid::regprocedure::text as name, p.proconfig as config
      from pg_catalog.pg_proc p
      join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('public', 'private', 'radius') and p.prosecdef
      order by 1`;
    // There are security definer functions in all three schemas (so this checks something).
    expect(functions.length).toBeGreaterThanOrEqual(20);
    const unpinned = functions
      .filter(
        (f) => !(f.config ?? []).some((c) => c === 'search_path=""' || c === "search_path=''"),
      )
      .map((f) => `${f.name} ${JSON.stringify(f.config)}`);
    expect(unpinned).toEqual([]);
  });
});

describe('privileges of anon and PUBLIC', () => {
  it('anon holds no privilege on any table, column or sequence in public (nor does PUBLIC)', async () => {
    const grants = await superuser<{ what: string }[]>`
      select format('%s %s on %s', a.privilege_type, r.rolname, c.oid::regclass) as what
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      cross join lateral aclexplode(coalesce(c.relacl, acldefault(
        case when c.relkind = 'S' then 's' else 'r' end::"char", c.relowner))) a
      left join pg_catalog.pg_roles r on r.oid = a.grantee
      where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
        and (a.grantee = 0 or r.rolname = 'anon')
      union all
      select format('%s %s on %s (%I)', a.privilege_type, r.rolname, c.oid::regclass, att.attname)
      from pg_catalog.pg_attribute att
      join pg_catalog.pg_class c on c.oid = att.attrelid
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      cross join lateral aclexplode(att.attacl) a
      left join pg_catalog.pg_roles r on r.oid = a.grantee
      where n.nspname = 'public' and att.attacl is not null
        and (a.grantee = 0 or r.rolname = 'anon')`;
    expect(grants.map((g) => g.what)).toEqual([]);
    // The same through the privilege functions (which also see role membership).
    const [effective] = await superuser`
      select count(*)::int as n
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f')
        and (has_any_column_privilege('anon', c.oid, 'select, insert, update, references')
             or has_table_privilege('anon', c.oid, 'delete, truncate, trigger'))`;
    expect(effective.n).toBe(0);
  });

  it('PUBLIC holds execute on no function in public', async () => {
    const functions = await superuser<{ name: string }[]>`
      select p.oid::regprocedure::text as name
      from pg_catalog.pg_proc p
      join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      cross join lateral aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
      where n.nspname = 'public' and a.grantee = 0 and a.privilege_type = 'EXECUTE'`;
    expect(functions.map((f) => f.name)).toEqual([]);
  });

  it('stay closed for tables and functions that later migrations add (default privileges)', async () => {
    // As the migrations run: the database owner `postgres`, in a transaction rolled back.
    const probe = `rls_probe_${randomTag()}`;
    const result = await ownerSql()
      .begin(async (tx) => {
        await tx.unsafe(`create table public.${probe} (id int); create sequence public.${probe}_seq;
          create function public.${probe}_fn() returns int language sql as 'select 1'`);
        const [row] = await tx.unsafe(`
          select has_table_privilege('anon', 'public.${probe}', 'select, insert, update, delete, truncate, references, trigger') as anon_table,
                 has_sequence_privilege('anon', 'public.${probe}_seq', 'usage, select, update') as anon_sequence,
                 has_function_privilege('anon', 'public.${probe}_fn()', 'execute') as anon_function,
                 has_function_privilege('authenticated', 'public.${probe}_fn()', 'execute') as authenticated_function,
                 has_function_privilege('public', 'public.${probe}_fn()', 'execute') as public_function`);
        throw Object.assign(new Error('rollback'), { row });
      })
      .catch((error: Error & { row?: Record<string, boolean> }) => {
        if (!error.row) throw error;
        return error.row;
      });
    expect(result).toEqual({
      anon_table: false,
      anon_sequence: false,
      anon_function: false,
      authenticated_function: false,
      public_function: false,
    });
  });
});

describe('what the API cannot reach', () => {
  it('PostgREST serves only the exposed schema (config.toml api.schemas)', async () => {
    const { supabaseUrl, secretKey } = stackInfo();
    for (const schema of ['private', 'radius', 'auth', 'extensions']) {
      const response = await fetch(`${supabaseUrl}/rest/v1/router_secrets?select=*`, {
        headers: {
          apikey: secretKey,
          authorization: `Bearer ${secretKey}`,
          'accept-profile': schema,
        },
      });
      expect(response.status, schema).toBe(406);
      expect(((await response.json()) as { code: string }).code, schema).toBe('PGRST106');
    }
  });

  it('API roles execute only the private helpers that policies, CHECKs and column defaults need', async () => {
    const grants = await superuser<{ what: string }[]>`
      select r.rolname || ' ' || p.oid::regprocedure::text as what
      from pg_catalog.pg_proc p
      join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      cross join (values ('anon'), ('authenticated'), ('service_role')) as r (rolname)
      where n.nspname in ('private', 'radius')
        and has_function_privilege(r.rolname, p.oid, 'execute')
      order by 1`;
    expect(grants.map((g) => g.what)).toEqual([
      'authenticated private.is_voucher_prefix(text)',
      'authenticated private.languages()',
      'authenticated private.new_voucher_code()',
      'authenticated private.orgs_with_role(text)',
      'authenticated private.orgs_with_role_at_least(text)',
      'authenticated private.roles()',
      'service_role private.is_voucher_prefix(text)',
      'service_role private.languages()',
      'service_role private.new_voucher_code()',
      'service_role private.roles()',
    ]);
  });

  it('no API role holds any privilege on private.router_secrets or a radius table', async () => {
    const grants = await superuser<{ what: string }[]>`
      select format('%s %s', r.rolname, c.oid::regclass) as what
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      cross join (values ('anon'), ('authenticated'), ('service_role')) as r (rolname)
      where (c.oid = 'private.router_secrets'::regclass or (n.nspname = 'radius' and c.relkind in ('r', 'p', 'S')))
        and case when c.relkind = 'S'
                 then has_sequence_privilege(r.rolname, c.oid, 'usage, select, update')
                 else has_any_column_privilege(r.rolname, c.oid, 'select, insert, update, references')
                      or has_table_privilege(r.rolname, c.oid, 'delete, truncate, trigger') end`;
    expect(grants.map((g) => g.what)).toEqual([]);
  });
});

describe('migrations', () => {
  it('every .sql file in supabase/migrations is named <version>_<name>.sql and recorded as applied', async () => {
    const sqlFiles = readdirSync(migrationsDir)
      .filter((f) => f.endsWith('.sql'))
      .sort();
    expect(sqlFiles.length).toBeGreaterThan(0);
    // The CLI silently skips files that do not follow the pattern.
    expect(sqlFiles.filter((f) => !/^\d+_.+\.sql$/.test(f))).toEqual([]);
    const recorded = await superuser<{ version: string; name: string; statements: string[] }[]>`
      select version, name, statements from supabase_migrations.schema_migrations order by version`;
    const expected = sqlFiles.map((file) => {
      const [version, ...rest] = file.replace(/\.sql$/, '').split('_');
      return {
        version,
        name: rest.join('_'),
        text: readFileSync(join(migrationsDir, file), 'utf8'),
      };
    });
    expect(recorded.map((r) => `${r.version}_${r.name}`)).toEqual(
      expected.map((e) => `${e.version}_${e.name}`),
    );
    // What was applied is what the file says now (no migration edited after it ran).
    for (const e of expected) {
      const row = recorded.find((r) => r.version === e.version);
      expect(row?.statements.join('\n'), e.version).toBe(e.text);
    }
  });
});

describe('vouchers keep the plan as it was when they were issued', () => {
  const frozen = [
    'price_kes',
    'validity_seconds',
    'time_quota_seconds',
    'data_quota_bytes',
    'download_kbps',
    'upload_kbps',
    'devices_allowed',
  ] as const;
  const original = {
    price_kes: 50,
    validity_seconds: 86_400,
    time_quota_seconds: 7_200,
    data_quota_bytes: '1073741824',
    download_kbps: 3_072,
    upload_kbps: 1_024,
    devices_allowed: 2,
  };
  const edited = {
    price_kes: 80,
    validity_seconds: 3_600,
    time_quota_seconds: 600,
    data_quota_bytes: '52428800',
    download_kbps: 512,
    upload_kbps: 256,
    devices_allowed: 1,
  };
  let owner: TestUser;
  let organizationId: string;
  let planId: string;

  const limitsOf = async (voucherIds: string[]) =>
    ownerSql()`
      select price_kes, validity_seconds, time_quota_seconds, data_quota_bytes::text,
             download_kbps, upload_kbps, devices_allowed
      from public.vouchers where id in ${ownerSql()(voucherIds)}`;

  beforeAll(async () => {
    owner = await createTestUser('freeze-owner');
    const sql = ownerSql();
    const [org] = await sql`
      insert into public.organizations (name) values (${`Freeze ${randomTag()}`}) returning id`;
    organizationId = org.id;
    await sql`insert into public.memberships (organization_id, user_id, role)
              values (${organizationId}, ${owner.id}, 'owner')`;
    const [plan] = await sql`
      insert into public.plans ${sql({ organization_id: organizationId, name: 'Frozen plan', ...original })}
      returning id`;
    planId = plan.id;
  });

  it('a plan edit after issue changes neither single nor batch vouchers, and a sale uses the old price', async () => {
    const api = clientAs(owner);
    // Limits a caller sends are ignored: the trigger copies the plan's.
    const single = await client(stackInfo().secretKey)
      .from('vouchers')
      .insert({
        organization_id: organizationId,
        plan_id: planId,
        price_kes: 1,
        devices_allowed: 9,
      })
      .select('id')
      .single();
    expect(single.error).toBeNull();
    const batch = await api
      .from('voucher_batches')
      .insert({ organization_id: organizationId, plan_id: planId, count: 2 })
      .select('id')
      .single();
    expect(batch.error).toBeNull();
    const batchVoucherIds = (
      await ownerSql()`select id from public.vouchers where batch_id = ${batch.data!.id}`
    ).map((r) => r.id as string);
    const issued = [single.data!.id as string, ...batchVoucherIds];
    expect(issued).toHaveLength(3);
    expect(await limitsOf(issued)).toEqual([original, original, original]);

    const edit = await api.from('plans').update(edited).eq('id', planId);
    expect(edit.error).toBeNull();
    const [plan] = await ownerSql()`
      select price_kes, data_quota_bytes::text, devices_allowed from public.plans where id = ${planId}`;
    expect(plan).toEqual({ price_kes: 80, data_quota_bytes: '52428800', devices_allowed: 1 });

    expect(await limitsOf(issued)).toEqual([original, original, original]);

    const later = await api
      .from('vouchers')
      .insert({ organization_id: organizationId, plan_id: planId })
      .select('id')
      .single();
    expect(later.error).toBeNull();
    expect(await limitsOf([later.data!.id])).toEqual([edited]);

    const sale = await api.rpc('sell_voucher', { p_voucher_id: issued[0] });
    expect(sale.error).toBeNull();
    expect(sale.data).toMatchObject({ id: issued[0], sold_price_kes: original.price_kes });
  });

  it('not even service_role can rewrite the frozen limits (23514)', async () => {
    const [voucher] = await ownerSql()`
      insert into public.vouchers (organization_id, plan_id) values (${organizationId}, ${planId})
      returning id`;
    const [before] = await limitsOf([voucher.id]);
    const service = client(stackInfo().secretKey);
    for (const column of frozen) {
      // A value different from the current one (plus one), so that the update is a change.
      const changed = String(BigInt(before[column] as string | number) + 1n);
      const response = await service
        .from('vouchers')
        .update({ [column]: changed })
        .eq('id', voucher.id);
      expect(response.error?.code, column).toBe('23514');
    }
    expect(await limitsOf([voucher.id])).toEqual([before]);
  });
});

describe('voucher codes', () => {
  // The alphabet, its length and the look-alikes come from the apps' module, so this also shows
  // that the database and the apps (which normalise what people type) agree on them.
  const alphabet = [...VOUCHER_ALPHABET].sort().join('');

  it('use only the unambiguous alphabet (no 0 O 1 I L) and carry at least 40 bits', async () => {
    const rows = await ownerSql()`
      select private.new_voucher_code() as code from generate_series(1, 3000)`;
    const codes = rows.map((r) => r.code as string);
    for (const code of codes) {
      expect(isVoucherCode(code), code).toBe(true);
      expect(code).toHaveLength(VOUCHER_CODE_LENGTH);
    }
    expect(codes.join('')).not.toMatch(new RegExp(`[${VOUCHER_LOOKALIKES}]`));
    expect(new Set(codes).size).toBe(codes.length);

    // 30,000 symbols: every one of the 31 shows up, and nothing else.
    const counts = new Map<string, number>();
    for (const symbol of codes.join('')) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
    expect([...counts.keys()].sort().join('')).toBe(alphabet);

    // Entropy: the shortest code times the measured bits per symbol (log2(31) ≈ 4.95 when
    // uniform; a biased generator measures lower).
    const total = codes.join('').length;
    const bitsPerSymbol = -[...counts.values()].reduce(
      (sum, n) => sum + (n / total) * Math.log2(n / total),
      0,
    );
    const shortest = Math.min(...codes.map((c) => c.length));
    expect(bitsPerSymbol).toBeGreaterThan(4.9);
    expect(shortest * bitsPerSymbol).toBeGreaterThanOrEqual(40);
    expect(shortest * Math.log2(counts.size)).toBeGreaterThanOrEqual(40);
  });

  // A new organization with one plan, for tests that issue vouchers of their own.
  async function organizationWithPlan(label: string) {
    const sql = ownerSql();
    const [org] = await sql`
      insert into public.organizations (name) values (${`${label} ${randomTag()}`}) returning id`;
    const [plan] = await sql`
      insert into public.plans (organization_id, name, price_kes, validity_seconds)
      values (${org.id}, ${`${label} plan`}, 10, 3600) returning id`;
    return { sql, org, plan };
  }

  it('is what issued vouchers get, prefix first, and the table refuses ambiguous codes', async () => {
    const { sql, org, plan } = await organizationWithPlan('Codes');
    const [batch] = await sql`
      insert into public.voucher_batches (organization_id, plan_id, count, prefix)
      values (${org.id}, ${plan.id}, 20, 'K7') returning id`;
    const codes = (await sql`select code from public.vouchers where batch_id = ${batch.id}`).map(
      (r) => r.code as string,
    );
    expect(codes).toHaveLength(20);
    for (const code of codes) {
      expect(code.startsWith('K7'), code).toBe(true);
      expect(code).toHaveLength(2 + VOUCHER_CODE_LENGTH);
      expect(isVoucherCode(code), code).toBe(true);
    }

    const service = client(stackInfo().secretKey);
    for (const code of ['O0I1L23456', 'ABCDEFGHJ', 'ABCDEFGHJK1']) {
      const response = await service
        .from('vouchers')
        .insert({ organization_id: org.id, plan_id: plan.id, code });
      expect(response.error?.code, code).toBe('23514');
    }
    expect(
      (await sql`select count(*)::int as n from public.vouchers where plan_id = ${plan.id}`)[0].n,
    ).toBe(20);
  });

  it('refuses an unknown status or a negative sale price, and an update that names neither passes', async () => {
    const { sql, org, plan } = await organizationWithPlan('Values');
    const [voucher] = await sql`
      insert into public.vouchers (organization_id, plan_id) values (${org.id}, ${plan.id})
      returning id`;
    const service = client(stackInfo().secretKey);
    for (const patch of [{ status: 'paused' }, { sold_price_kes: -1 }, { code: 'short' }]) {
      const response = await service.from('vouchers').update(patch).eq('id', voucher.id);
      expect(response.error?.code, JSON.stringify(patch)).toBe('23514');
    }
    const usage = await service
      .from('vouchers')
      .update({ used_seconds: 60 })
      .eq('id', voucher.id)
      .select('status, sold_price_kes, used_seconds')
      .single();
    expect(usage.data).toEqual({ status: 'active', sold_price_kes: null, used_seconds: 60 });
  });

  // Read from the catalogue, not from migration text: a later migration may drop what an earlier
  // one created (the vouchers CHECKs became this trigger), and only the catalogue says what is there.
  it('are checked by the trigger vouchers_values_valid after the code is upper-cased, not by a CHECK', async () => {
    const checks = await superuser<{ name: string; columns: string[] }[]>`
      select format('%s.%s', cl.relname, c.conname) as name,
             array(select a.attname::text from pg_catalog.pg_attribute a
                   where a.attrelid = c.conrelid and a.attnum = any (c.conkey)
                   order by a.attnum) as columns
      from pg_catalog.pg_constraint c
      join pg_catalog.pg_class cl on cl.oid = c.conrelid
      where c.conrelid in ('public.vouchers'::regclass, 'public.voucher_batches'::regclass)
        and c.contype = 'c'
      order by 1`;
    // None on vouchers: PostgreSQL evaluates every CHECK of a row on every RADIUS Interim-Update.
    expect(checks).toEqual([
      { name: 'voucher_batches.voucher_batches_count_check', columns: ['count'] },
      { name: 'voucher_batches.voucher_batches_prefix_check', columns: ['prefix'] },
    ]);

    // BEFORE INSERT row triggers (tgtype bits: row 1, before 2, insert 4) fire in name order:
    // voucher_freeze_plan() upper-cases the code before voucher_values_valid() checks it.
    const beforeInsert = await superuser<{ name: string; definition: string }[]>`
      select t.tgname as name, pg_catalog.pg_get_triggerdef(t.oid) as definition
      from pg_catalog.pg_trigger t
      where t.tgrelid = 'public.vouchers'::regclass and not t.tgisinternal
        and t.tgenabled = 'O' and t.tgtype & 7 = 7
      order by t.tgname`;
    expect(beforeInsert.map((t) => t.name)).toEqual([
      'vouchers_freeze_plan',
      'vouchers_refuse_when_suspended',
      'vouchers_values_valid',
    ]);
    expect(beforeInsert[2]!.definition).toBe(
      'CREATE TRIGGER vouchers_values_valid BEFORE INSERT OR UPDATE OF code, status, sold_price_kes ' +
        'ON public.vouchers FOR EACH ROW EXECUTE FUNCTION private.voucher_values_valid()',
    );

    const [fn] = await superuser<{ returns: string; language: string; callers: string[] }[]>`
      select p.prorettype::regtype::text as returns, l.lanname as language,
             array(select r.rolname::text from pg_catalog.pg_roles r
                   where r.rolname in ('anon', 'authenticated', 'service_role')
                     and has_function_privilege(r.oid, p.oid, 'execute')) as callers
      from pg_catalog.pg_proc p
      join pg_catalog.pg_language l on l.oid = p.prolang
      where p.oid = 'private.voucher_values_valid()'::regprocedure`;
    expect(fn).toEqual({ returns: 'trigger', language: 'plpgsql', callers: [] });
  });
});
