// The `freeradius` database role: it runs the radius.* functions and can touch nothing else,
// and no API role can reach those functions or become it.
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { stackInfo } from '../support/stack.ts';
import { ownerSql } from '../support/users.ts';

const superuser = postgres(stackInfo().superuserDbUrl, { max: 1, onnotice: () => {} });
afterAll(() => superuser.end());

/** Runs `query` as the freeradius role (in a transaction that is rolled back). */
async function asFreeradius(query: string): Promise<string> {
  try {
    await superuser.begin(async (tx) => {
      await tx.unsafe('set local role freeradius');
      await tx.unsafe(query);
      throw new Error('rollback');
    });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return message === 'rollback' ? 'ok' : `${code}`;
  }
  return 'ok';
}

const FUNCTIONS = [
  'radius.authorize(inet, text, text)',
  'radius.post_auth(inet, text, text, text, boolean, text)',
  'radius.accounting(text, inet, text, text, text, text, text, bigint, bigint, bigint, bigint, bigint, text, text, inet, text)',
  'radius.sweep()',
  'radius.nas_clients()',
  'radius.authorize_mac(inet, text, text)',
  'radius.claim_disconnects(integer)',
  'radius.record_disconnect(bigint, text, integer)',
];

describe('the freeradius role', () => {
  it('can execute the RADIUS functions and nothing reaches them from the API', async () => {
    for (const fn of FUNCTIONS) {
      const [row] = await ownerSql()`
        select has_function_privilege('freeradius', ${fn}, 'execute') as freeradius,
               has_function_privilege('anon', ${fn}, 'execute') as anon,
               has_function_privilege('authenticated', ${fn}, 'execute') as authenticated,
               has_function_privilege('service_role', ${fn}, 'execute') as service_role`;
      expect(row, fn).toEqual({
        freeradius: true,
        anon: false,
        authenticated: false,
        service_role: false,
      });
    }
    expect(
      await asFreeradius(`select * from radius.authorize('127.9.9.9', 'ZZZZZZZZZZ', '')`),
    ).toBe('ok');
    expect(await asFreeradius('select radius.sweep()')).toBe('ok');
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
    ]) {
      expect(await asFreeradius(query), query).toBe('42501');
    }
  });

  it('is not reachable through PostgREST and has no special powers', async () => {
    const [row] = await ownerSql()`
      select pg_has_role('authenticator', 'freeradius', 'member') as via_authenticator,
             r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls, r.rolinherit
      from pg_roles r where r.rolname = 'freeradius'`;
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
        apikey: stackInfo().serviceRoleKey,
        Authorization: `Bearer ${stackInfo().serviceRoleKey}`,
        'Content-Profile': 'radius',
      },
    });
    expect(response.status).toBe(406);
  });
});
