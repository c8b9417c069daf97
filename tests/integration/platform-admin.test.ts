// Platform staff against the real stack (PostgREST with real JWTs, FreeRADIUS over UDP): they
// suspend and resume an organization, approve one that joined with open sign-up and set the
// sign-up mode; an owner and an outsider try the same and are refused. Every action is audited.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createHotspot,
  login,
  randomMac,
  unusedLoopbackAddress,
  type Hotspot,
} from '../support/radius.ts';
import { actAs, rolledBack, user } from '../support/rolled-back.ts';
import { client, clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

const sql = ownerSql();
let staff: TestUser;
let owner: TestUser;
let outsider: TestUser;
let hotspot: Hotspot;

beforeAll(async () => {
  [staff, owner, outsider, hotspot] = await Promise.all([
    createTestUser('platform-staff'),
    createTestUser('suspended-owner'),
    createTestUser('outsider'),
    createHotspot(),
  ]);
  await sql`insert into private.platform_staff (user_id) values (${staff.id})`;
  await sql`insert into public.memberships (organization_id, user_id, role)
            values (${hotspot.organizationId}, ${owner.id}, 'owner')`;
  // The outsider owns an organization of their own.
  const { error } = await clientAs(outsider).rpc('create_organization', { p_name: 'Outsider' });
  expect(error).toBeNull();
});

const siteSlug = async () =>
  (await sql`select slug from public.sites where id = ${hotspot.siteId}`)[0]!.slug as string;

describe('suspending an organization', () => {
  it('is refused to its owner and to an outsider, and changes nothing', async () => {
    for (const person of [owner, outsider]) {
      const { error } = await clientAs(person).rpc('suspend_organization', {
        p_organization_id: hotspot.organizationId,
        p_reason: 'taking over',
      });
      expect(error).toMatchObject({ code: '42501', hint: 'not_platform_staff' });
      const listed = await clientAs(person).rpc('platform_organizations');
      expect(listed.error).toMatchObject({ hint: 'not_platform_staff' });
    }
    const [row] = await sql`select suspended_at from public.organizations
                            where id = ${hotspot.organizationId}`;
    expect(row!.suspended_at).toBeNull();
  });

  it('refuses its logins, closes its portal and makes its admin read-only, deleting nothing', async () => {
    const code = await hotspot.voucher();
    const mac = randomMac(); // one device throughout: the plan allows one
    expect((await login(hotspot.router, code, { mac }))?.code).toBe('Access-Accept');
    const plansBefore = await clientAs(owner).from('plans').select('id, name');

    const staffClient = clientAs(staff);
    const suspended = await staffClient.rpc('suspend_organization', {
      p_organization_id: hotspot.organizationId,
      p_reason: 'Chargebacks under review',
    });
    expect(suspended.error).toBeNull();

    // RADIUS: a clear reason, for the code that worked a moment ago.
    const refused = await login(hotspot.router, code, { mac });
    expect(refused?.code).toBe('Access-Reject');
    expect(refused?.attributes['Reply-Message']).toBe('WB_SUSPENDED');

    // Portal: unavailable, nothing on sale; pay-start refuses in words (payment-request.ts).
    const { data: site } = await client().rpc('portal_site', { p_slug: await siteSlug() });
    expect(site).toMatchObject({ available: false, plans: [] });
    const [started] = await sql`
      select private.pay_start(${hotspot.siteId}, ${hotspot.planId}, '0712345678', null, null,
                               ${`suspended-${mac}`}, 'en') as r`;
    expect(started!.r).toEqual({ ok: false, error: 'hotspot_unavailable' });

    // Admin: reads as before, every write refused with the code the app words.
    const plansAfter = await clientAs(owner).from('plans').select('id, name');
    expect(plansAfter.data).toEqual(plansBefore.data);
    const rename = await clientAs(owner)
      .from('plans')
      .update({ name: 'Renamed' })
      .eq('id', hotspot.planId)
      .select('id');
    expect(rename.error).toMatchObject({ code: '42501', hint: 'organization_suspended' });
    const [voucher] = await sql`select id from public.vouchers where code = ${code}`;
    const sold = await clientAs(owner).rpc('sell_voucher', { p_voucher_id: voucher!.id });
    expect(sold.error).toMatchObject({ hint: 'organization_suspended' });
    const [counts] = await sql`
      select (select count(*)::int from public.vouchers where organization_id = ${hotspot.organizationId}) as vouchers,
             (select sold_at from public.vouchers where code = ${code}) as sold_at,
             (select name from public.plans where id = ${hotspot.planId}) as plan_name`;
    expect(counts).toEqual({ vouchers: 1, sold_at: null, plan_name: 'Test plan' });

    // Staff see it, with its health and without its secrets or customers.
    const { data: organizations } = await staffClient.rpc('platform_organizations');
    const listed = (organizations as Record<string, unknown>[]).find(
      (o) => o.id === hotspot.organizationId,
    );
    expect(listed).toMatchObject({
      suspended_reason: 'Chargebacks under review',
      owner_emails: [owner.email],
      sites: 1,
      routers: 1,
      active_vouchers: 1,
    });
    expect(Object.keys(listed!).join(' ')).not.toMatch(/secret|phone|code|mac/);

    // Resumed: the same code logs in, the owner writes again.
    expect(
      (await staffClient.rpc('resume_organization', { p_organization_id: hotspot.organizationId }))
        .error,
    ).toBeNull();
    expect((await login(hotspot.router, code, { mac }))?.code).toBe('Access-Accept');
    const renamed = await clientAs(owner)
      .from('plans')
      .update({ name: 'Renamed' })
      .eq('id', hotspot.planId)
      .select('name');
    expect(renamed.data).toEqual([{ name: 'Renamed' }]);
    const { data: reopened } = await client().rpc('portal_site', { p_slug: await siteSlug() });
    expect(reopened).toMatchObject({ available: true });

    // Audited: platform-wide with the staff member, and in the organization's own log.
    const audit = await sql`
      select action, actor, detail from private.platform_audit
      where organization_id = ${hotspot.organizationId} order by id`;
    expect(audit).toEqual([
      {
        action: 'suspend_organization',
        actor: staff.id,
        detail: { reason: 'Chargebacks under review' },
      },
      { action: 'resume_organization', actor: staff.id, detail: {} },
    ]);
    const [orgLog] = await sql`
      select count(*)::int as n from public.audit_log
      where organization_id = ${hotspot.organizationId} and table_name = 'organizations'
        and actor = ${staff.id}`;
    expect(orgLog!.n).toBe(2);
  });

  it('asks for a reason and an organization that exists', async () => {
    const staffClient = clientAs(staff);
    const noReason = await staffClient.rpc('suspend_organization', {
      p_organization_id: hotspot.organizationId,
      p_reason: '   ',
    });
    expect(noReason.error).toMatchObject({ code: '22023', hint: 'suspend_reason_invalid' });
    const nobody = await staffClient.rpc('resume_organization', {
      p_organization_id: '00000000-0000-4000-8000-000000000000',
    });
    expect(nobody.error).toMatchObject({ code: 'P0002', hint: 'organization_not_found' });
  });
});

describe('sign-up mode and approval', () => {
  it('only staff read or set the mode, invite-only by default', async () => {
    const { data } = await clientAs(staff).rpc('platform_settings');
    expect(data).toMatchObject([{ signup_mode: 'invite_only' }]);
    const bad = await clientAs(staff).rpc('set_signup_mode', { p_mode: 'everyone' });
    expect(bad.error).toMatchObject({ code: '22023', hint: 'signup_mode_invalid' });
    const byOwner = await clientAs(owner).rpc('set_signup_mode', { p_mode: 'open' });
    expect(byOwner.error).toMatchObject({ hint: 'not_platform_staff' });
  });

  it("with open sign-up a new organization's routers wait for staff approval", async () => {
    // In a rolled-back transaction: other test files create organizations meanwhile.
    const served = await rolledBack(async (tx) => {
      const staffId = await user(tx, 'staff');
      const founder = await user(tx, 'founder');
      await tx`insert into private.platform_staff (user_id) values (${staffId})`;
      const routersOf = async (org: string) =>
        (
          await tx`select count(*)::int as n from radius.nas_clients() c
                   join public.routers r on r.id = c.router_id where r.organization_id = ${org}`
        )[0]!.n as number;
      const step = async <T>(userId: string, statement: () => PromiseLike<T>) => {
        await actAs(tx, userId);
        const result = await statement();
        await tx.unsafe('reset role');
        return result;
      };
      await step(staffId, () => tx`select public.set_signup_mode('open')`);
      const [created] = await step(
        founder,
        () => tx`select public.create_organization('Open sign-up') as id`,
      );
      const org = created!.id as string;
      const [site] = await tx`insert into public.sites (organization_id, slug, name)
                              values (${org}, ${`open-${staffId.slice(0, 8)}`}, 'Open') returning id`;
      await tx`insert into public.routers (organization_id, site_id, name, nas_ip, vendor)
               values (${org}, ${site!.id}, 'First', ${unusedLoopbackAddress()}, 'mikrotik')`;
      const [router] = await tx`select id from public.routers where organization_id = ${org}`;
      await tx`insert into private.router_secrets (router_id, secret) values (${router!.id}, 'open-signup-secret')`;
      const before = await routersOf(org);
      await step(staffId, () => tx`select public.approve_organization(${org})`);
      return { before, after: await routersOf(org) };
    });
    expect(served).toEqual({ before: 0, after: 1 });
  });
});
