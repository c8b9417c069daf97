// The database roles of the RADIUS host: `freeradius` (FreeRADIUS itself) may only authorise
// and account, `worker` (worker/) may only run its jobs; neither touches a table, and no API
// role can reach their functions or become them.
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { stackInfo } from '../support/stack.ts';
import { ownerSql } from '../support/users.ts';

const superuser = postgres(stackInfo().superuserDbUrl, { max: 1, onnotice: () => {} });
afterAll(() => superuser.end());

/** Runs `query` as `role` (in a transaction that is rolled back). */
async function asRole(role: 'freeradius' | 'worker', query: string): Promise<string> {
  try {
    await superuser.begin(async (tx) => {
      await tx.unsafe(`set local role ${role}`);
      await tx.unsafe(query);
      throw new Error('rollback');
    });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return message === 'rollback' ? 'ok' : `${code}`;
  }
  return 'ok';
}

const FUNCTIONS = {
  freeradius: [
    'radius.accounting(text,inet,text,text,text,text,text,bigint,bigint,bigint,bigint,bigint,text,text,inet,text)',
    'radius.authorize(inet,text,text)',
    'radius.authorize_mac(inet,text,text)',
    'radius.post_auth(inet,text,text,text,boolean,text)',
  ],
  worker: [
    'private.job_alerts_claim()',
    'private.job_claim(text,text,text[])',
    'private.job_finish(text,text,text,text)',
    'private.job_register(text,text,integer,integer)',
    'private.job_wake(text)',
    'private.retention_run(integer)',
    'radius.claim_disconnects(integer)',
    'radius.nas_clients()',
    'radius.record_disconnect(bigint,text,integer)',
    'radius.sweep()',
  ],
};

describe.each(['freeradius', 'worker'] as const)('the %s role', (role) => {
  it('executes exactly its functions, which no API role reaches', async () => {
    const rows = await ownerSql()<{ fn: string; api: boolean }[]>`
      select replace(p.oid::regprocedure::text, ' ', '') as fn,
             has_function_privilege('anon', p.oid, 'execute')
             or has_function_privilege('authenticated', p.oid, 'execute')
             or has_function_privilege('service_role', p.oid, 'execute') as api
      from pg_catalog.pg_proc p
      join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('public', 'private', 'radius')
        and has_function_privilege(${role}, p.oid, 'execute')
      order by 1`;
    expect(rows.filter((row) => !row.fn.startsWith('public.')).map((row) => row.fn)).toEqual(
      FUNCTIONS[role],
    );
    expect(rows.filter((row) => !row.fn.startsWith('public.') && row.api)).toEqual([]);
  });

  it('can call what it needs and not what the other role does', async () => {
    const authorize = `select * from radius.authorize('127.9.9.9', 'ZZZZZZZZZZ', '')`;
    expect(await asRole(role, authorize)).toBe(role === 'freeradius' ? 'ok' : '42501');
    expect(await asRole(role, 'select radius.sweep()')).toBe(role === 'worker' ? 'ok' : '42501');
  });

  it('cannot read or write any table, not even its own', async () => {
    for (const query of [
      'select * from public.vouchers',
      'select * from public.routers',
      'select * from private.router_secrets',
      'select * from radius.radacct',
      'select * from radius.voucher_devices',
      'select * from radius.disconnects',
      'select * from radius.lockouts',
      `select radius.queue_disconnect(1, null, 'admin', null)`,
      'select public.disconnect_session(gen_random_uuid())',
      `insert into radius.radpostauth (username) values ('x')`,
      `update public.vouchers set used_bytes = 0`,
      'select radius.normalise_mac($$aa$$)',
      'select public.portal_site($$demo$$)',
      'select * from private.jobs',
      'select public.platform_jobs()',
    ]) {
      expect(await asRole(role, query), query).toBe('42501');
    }
  });

  it('is not reachable through PostgREST and has no special powers', async () => {
    const [row] = await ownerSql()`
      select pg_has_role('authenticator', ${role}, 'member') as via_authenticator,
             r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls, r.rolinherit
      from pg_roles r where r.rolname = ${role}`;
    expect(row).toEqual({
      via_authenticator: false,
      rolsuper: false,
      rolcreaterole: false,
      rolcreatedb: false,
      rolbypassrls: false,
      rolinherit: false,
    });
    // PostgREST serves schema public only: asking for radius is refused outright.
    const response = await fetch(`${stackInfo().supabaseUrl}/rest/v1/rpc/sweep`, {
      method: 'POST',
      headers: {
        apikey: stackInfo().secretKey,
        Authorization: `Bearer ${stackInfo().secretKey}`,
        'Content-Profile': 'radius',
      },
    });
    expect(response.status).toBe(406);
  });
});
