// Rules for changing routers, each tried by the one it is meant to stop, through the API as
// the admin app calls it:
// - Message-Authenticator (BlastRADIUS) is required unless an owner switches it off for a router
//   with a reason: an admin may not, an owner may not without a reason, every switch is audited,
//   switching it back on clears the reason; FreeRADIUS follows (an unsigned Access-Request is
//   dropped exactly while it is required).
// - At most 20 router changes (create, change, delete) per organization in 10 minutes, counted
//   in the database: an owner toggling a setting in a loop is refused with
//   router_changes_rate_limited and a retry time, nothing changes, and other organizations (and
//   the platform's own work) are not affected.
import type { SupabaseClient } from '@supabase/supabase-js';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomRouterNetwork } from '../support/personas.ts';
import {
  radius,
  unusedLoopbackAddress,
  waitUntilAnswered,
  type Reply,
  type Router,
} from '../support/radius.ts';
import { clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

type Operator = {
  organizationId: string;
  siteId: string;
  owner: TestUser;
  admin: TestUser;
  asOwner: SupabaseClient;
  asAdmin: SupabaseClient;
};

/** A new organization with a site, an owner and an admin (signed in), a plan sold there. */
async function newOperator(): Promise<Operator> {
  const sql = ownerSql();
  const tag = randomBytes(4).toString('hex');
  const [owner, admin] = await Promise.all([
    createTestUser('rules-owner'),
    createTestUser('rules-admin'),
  ]);
  const [{ id: organizationId }] = await sql`
    insert into public.organizations (name) values (${`Router rules ${tag}`}) returning id`;
  await sql`insert into public.memberships (organization_id, user_id, role)
            values (${organizationId}, ${owner.id}, 'owner'), (${organizationId}, ${admin.id}, 'admin')`;
  const [{ id: siteId }] = await sql`
    insert into public.sites (organization_id, slug, name)
    values (${organizationId}, ${`rules-${tag}`}, 'Rules cafe') returning id`;
  const [{ id: planId }] = await sql`
    insert into public.plans (organization_id, name, price_kes, validity_seconds)
    values (${organizationId}, 'Hour', 10, 3600) returning id`;
  await sql`insert into public.plan_sites (plan_id, site_id, organization_id)
            values (${planId}, ${siteId}, ${organizationId})`;
  return {
    organizationId,
    siteId,
    owner,
    admin,
    asOwner: clientAs(owner),
    asAdmin: clientAs(admin),
  };
}

/** A router registered by `as` through create_router (a network: FreeRADIUS never loads it). */
async function createRouter(as: SupabaseClient, siteId: string, nasIp = randomRouterNetwork()) {
  const { data, error } = await as.rpc('create_router', {
    p_site_id: siteId,
    p_name: 'Rules router',
    p_nas_ip: nasIp,
    p_vendor: 'mikrotik',
  });
  expect(error).toBeNull();
  return data as { router_id: string; secret: string };
}

async function routerRow(id: string) {
  const [row] = await ownerSql()`
    select name, coa_port, require_message_authenticator, message_authenticator_off_reason
    from public.routers where id = ${id}`;
  return row;
}

function update(as: SupabaseClient, id: string, patch: Record<string, unknown>) {
  return as.from('routers').update(patch).eq('id', id).select('id');
}

describe('Message-Authenticator', () => {
  let a: Operator;
  beforeAll(async () => {
    a = await newOperator();
  });

  it('an admin cannot switch it off, not even with a reason; nothing changes', async () => {
    const { router_id: id } = await createRouter(a.asOwner, a.siteId);
    for (const patch of [
      { require_message_authenticator: false },
      { require_message_authenticator: false, message_authenticator_off_reason: 'RouterOS 6' },
    ]) {
      const refused = await update(a.asAdmin, id, patch);
      expect(refused.error, JSON.stringify(patch)).toMatchObject({
        code: '42501',
        hint: 'message_authenticator_owner_only',
      });
    }
    expect(await routerRow(id)).toMatchObject({
      require_message_authenticator: true,
      message_authenticator_off_reason: null,
    });
    expect(
      await ownerSql()`select 1 from public.audit_log
                       where table_name = 'routers' and row_id = ${id} and action = 'update'`,
    ).toHaveLength(0);
  });

  it('an owner cannot switch it off without a reason (missing, blank or over 500 characters)', async () => {
    const { router_id: id } = await createRouter(a.asOwner, a.siteId);
    for (const reason of [undefined, null, '', '   ', 'x'.repeat(501)]) {
      const patch: Record<string, unknown> = { require_message_authenticator: false };
      if (reason !== undefined) patch.message_authenticator_off_reason = reason;
      const refused = await update(a.asOwner, id, patch);
      expect(refused.error, String(reason)).toMatchObject({
        code: '23514',
        hint: 'message_authenticator_reason_required',
      });
    }
    // A reason alone, while it is on, is no reason: nothing is stored.
    expect(
      (await update(a.asOwner, id, { message_authenticator_off_reason: 'why not' })).error,
    ).toBeNull();
    expect(await routerRow(id)).toMatchObject({
      require_message_authenticator: true,
      message_authenticator_off_reason: null,
    });
  });

  it('an owner switches it off with a reason, audited; an admin cannot change the reason but may switch it back on, which clears it', async () => {
    const { router_id: id } = await createRouter(a.asOwner, a.siteId);
    const off = await update(a.asOwner, id, {
      require_message_authenticator: false,
      message_authenticator_off_reason: '  RouterOS 6.49 on the hAP lite cannot send it  ',
    });
    expect(off.error).toBeNull();
    expect(off.data).toHaveLength(1);
    expect(await routerRow(id)).toMatchObject({
      require_message_authenticator: false,
      message_authenticator_off_reason: 'RouterOS 6.49 on the hAP lite cannot send it',
    });

    // While it is off the reason is the owner's too; other settings stay the admin's.
    const reason = await update(a.asAdmin, id, { message_authenticator_off_reason: 'admin says' });
    expect(reason.error).toMatchObject({ hint: 'message_authenticator_owner_only' });
    expect((await update(a.asAdmin, id, { coa_port: 1700 })).error).toBeNull();
    expect(
      (
        await update(a.asOwner, id, {
          require_message_authenticator: false,
          message_authenticator_off_reason: 'RouterOS 6.49, upgrade planned for March',
        })
      ).error,
    ).toBeNull();

    const on = await update(a.asAdmin, id, { require_message_authenticator: true });
    expect(on.error).toBeNull();
    expect(await routerRow(id)).toMatchObject({
      require_message_authenticator: true,
      message_authenticator_off_reason: null,
    });

    const audited = await ownerSql()`
      select actor, old ->> 'require_message_authenticator' as old_required,
             new ->> 'require_message_authenticator' as required,
             new ->> 'message_authenticator_off_reason' as reason
      from public.audit_log
      where table_name = 'routers' and row_id = ${id} and action = 'update'
        and (old ->> 'require_message_authenticator', old ->> 'message_authenticator_off_reason')
            is distinct from (new ->> 'require_message_authenticator',
                              new ->> 'message_authenticator_off_reason')
      order by id`;
    expect(audited).toEqual([
      {
        actor: a.owner.id,
        old_required: 'true',
        required: 'false',
        reason: 'RouterOS 6.49 on the hAP lite cannot send it',
      },
      {
        actor: a.owner.id,
        old_required: 'false',
        required: 'false',
        reason: 'RouterOS 6.49, upgrade planned for March',
      },
      { actor: a.admin.id, old_required: 'false', required: 'true', reason: null },
    ]);
  });

  it("another organization's owner cannot switch it off for A's router", async () => {
    const { router_id: id } = await createRouter(a.asOwner, a.siteId);
    const b = await newOperator();
    const attempt = await update(b.asOwner, id, {
      require_message_authenticator: false,
      message_authenticator_off_reason: 'mine now',
    });
    expect(attempt.data ?? []).toHaveLength(0);
    expect((await routerRow(id)).require_message_authenticator).toBe(true);
  });

  it('FreeRADIUS drops unsigned Access-Requests exactly while it is required', async () => {
    const nasIp = unusedLoopbackAddress();
    const created = await createRouter(a.asOwner, a.siteId, nasIp);
    const router: Router = { id: created.router_id, nasIp, secret: created.secret };
    await waitUntilAnswered(router);
    const [{ code }] = await ownerSql()`
      insert into public.vouchers (organization_id, plan_id)
      select ${a.organizationId}, ps.plan_id from public.plan_sites ps where ps.site_id = ${a.siteId}
      returning code`;
    const unsigned = () =>
      radius(
        'auth',
        router,
        { 'User-Name': code, 'User-Password': code, 'Calling-Station-Id': 'AA:BB:CC:00:11:22' },
        { timeout: 0.2, retries: 1, unsigned: true },
      );
    /** Repeats until the answer is (or is not) there, up to `ms`; the last answer. */
    const settles = async (answered: boolean, ms = 10_000) => {
      const deadline = Date.now() + ms;
      let reply: Reply | null;
      do reply = await unsigned();
      while ((reply !== null) !== answered && Date.now() < deadline);
      return reply;
    };
    expect(await unsigned()).toBeNull();

    // The admin's refused attempt changes nothing at FreeRADIUS either.
    await update(a.asAdmin, router.id, {
      require_message_authenticator: false,
      message_authenticator_off_reason: 'admin tries',
    });
    expect(await settles(true, 2_000)).toBeNull();

    await update(a.asOwner, router.id, {
      require_message_authenticator: false,
      message_authenticator_off_reason: 'test firmware without Message-Authenticator',
    });
    expect((await settles(true))?.code).toBe('Access-Accept');

    await update(a.asOwner, router.id, { require_message_authenticator: true });
    expect(await settles(false)).toBeNull();
  });
});

describe('router changes are rate-limited per organization', () => {
  /** The refusal, with its retry time from the error's detail. */
  function expectLimited(error: { code?: string; hint?: string; details?: string } | null) {
    expect(error).toMatchObject({ code: '54000', hint: 'router_changes_rate_limited' });
    const retry = (JSON.parse(error!.details!) as { retry_after_seconds: number })
      .retry_after_seconds;
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(600);
    return retry;
  }

  it('refuses the 21st change in 10 minutes (create, change or delete), changing nothing', async () => {
    const a = await newOperator();
    const { router_id: id } = await createRouter(a.asOwner, a.siteId);
    // An owner toggling a setting in a loop, with an admin joining in: one organization's budget.
    for (let i = 1; i < 20; i++) {
      const as = i % 2 ? a.asOwner : a.asAdmin;
      const toggled = await update(as, id, { coa_port: i % 2 ? 1700 : 3799 });
      expect(toggled.error, `change ${i + 1}`).toBeNull();
    }
    const before = await routerRow(id);

    expectLimited((await update(a.asOwner, id, { name: 'One more' })).error);
    expectLimited((await update(a.asAdmin, id, { coa_port: 1812 })).error);
    expectLimited((await a.asOwner.from('routers').delete().eq('id', id)).error);
    const created = await a.asOwner.rpc('create_router', {
      p_site_id: a.siteId,
      p_name: 'Too many',
      p_nas_ip: randomRouterNetwork(),
      p_vendor: 'mikrotik',
    });
    expectLimited(created.error);

    expect(await routerRow(id)).toEqual(before);
    expect(
      await ownerSql()`select id from public.routers where organization_id = ${a.organizationId}`,
    ).toHaveLength(1);
    // Refusals are not counted: the window holds the 20 changes made.
    expect(
      await ownerSql()`select 1 from private.router_changes where organization_id = ${a.organizationId}`,
    ).toHaveLength(20);
  });

  it("does not touch another organization's changes, nor the platform's own", async () => {
    const a = await newOperator();
    const b = await newOperator();
    const { router_id: id } = await createRouter(a.asOwner, a.siteId);
    for (let i = 1; i < 20; i++) {
      expect((await update(a.asOwner, id, { coa_port: 2000 + i })).error).toBeNull();
    }
    expectLimited((await update(a.asOwner, id, { coa_port: 1700 })).error);

    // Organization B's owner goes on as usual.
    const bRouter = await createRouter(b.asOwner, b.siteId);
    expect((await update(b.asOwner, bRouter.router_id, { coa_port: 1700 })).error).toBeNull();
    expect(await b.asOwner.from('routers').delete().eq('id', bRouter.router_id)).toMatchObject({
      error: null,
    });

    // The platform (SQL, the worker, service_role) is not an API member: not limited.
    await ownerSql()`update public.routers set coa_port = 1700 where id = ${id}`;
    expect((await routerRow(id)).coa_port).toBe(1700);
  });

  it('counts one request as one change however many routers it writes, and lets changes in again after the window', async () => {
    const a = await newOperator();
    for (let i = 0; i < 3; i++) await createRouter(a.asOwner, a.siteId);
    const all = await a.asOwner
      .from('routers')
      .update({ coa_port: 1700 })
      .eq('organization_id', a.organizationId)
      .select('id');
    expect(all.error).toBeNull();
    expect(all.data).toHaveLength(3);
    expect(
      await ownerSql()`select 1 from private.router_changes where organization_id = ${a.organizationId}`,
    ).toHaveLength(4);

    for (let i = 4; i < 20; i++) {
      const ok = await a.asOwner
        .from('routers')
        .update({ coa_port: 3000 + i })
        .eq('organization_id', a.organizationId);
      expect(ok.error).toBeNull();
    }
    const retry = expectLimited(
      (
        await a.asOwner
          .from('routers')
          .update({ coa_port: 1 })
          .eq('organization_id', a.organizationId)
      ).error,
    );
    // The first change leaves the window first: that is the time to wait (the changes above
    // took a few seconds, so it is a little under 10 minutes).
    expect(retry).toBeGreaterThan(540);

    // Ten minutes later (moved back in time here), changes are let in again.
    await ownerSql()`update private.router_changes set changed_at = changed_at - interval '10 minutes'
                     where organization_id = ${a.organizationId}`;
    const later = await a.asOwner
      .from('routers')
      .update({ coa_port: 1 })
      .eq('organization_id', a.organizationId);
    expect(later.error).toBeNull();
    expect(
      await ownerSql()`select 1 from private.router_changes where organization_id = ${a.organizationId}`,
    ).toHaveLength(1);
  });
});
