// Slugs are cosmetic (SECURITY.md). The attacker is the owner of another organization who
// watches for a slug to be given up (a site renamed or deleted) and claims it, so that routers,
// login pages and QR stickers still pointing at /s/<slug> send their customers' codes and
// payments to the attacker's portal. A released slug stays reserved for the organization that
// gave it up (private.released_slugs), and routers address a site by its immutable id.
import type { SupabaseClient } from '@supabase/supabase-js';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomRouterNetwork } from '../support/personas.ts';
import { stackInfo } from '../support/stack.ts';
import { clientAs, createTestUser, ownerSql } from '../support/users.ts';

type Operator = { organizationId: string; api: SupabaseClient };

/** An organization and its owner, signed in (the owner's own API client). */
async function operator(label: string): Promise<Operator> {
  const owner = await createTestUser(label);
  const [organization] = await ownerSql()`
    insert into public.organizations (name) values (${`Slug ${label} ${tag()}`}) returning id`;
  await ownerSql()`insert into public.memberships (organization_id, user_id, role)
                   values (${organization.id}, ${owner.id}, 'owner')`;
  return { organizationId: organization.id as string, api: clientAs(owner) };
}

const tag = () => randomBytes(5).toString('hex');
const freshSlug = (label: string) => `${label}-${tag()}`;

/** The owner creates a site through the API, as the admin's Sites screen does. */
function createSite(who: Operator, slug: string) {
  return who.api
    .from('sites')
    .insert({ organization_id: who.organizationId, slug, name: `Site ${slug}` })
    .select('id, slug')
    .single();
}

async function created(who: Operator, slug: string): Promise<string> {
  const { data, error } = await createSite(who, slug);
  expect(error).toBeNull();
  return data!.id as string;
}

/** The owner renames a site's slug through the API. */
function rename(who: Operator, siteId: string, slug: string) {
  return who.api.from('sites').update({ slug }).eq('id', siteId).select('id, slug');
}

/** Who holds a slug now, as the database has it. */
async function holders(slug: string) {
  return ownerSql()`select id, organization_id from public.sites where slug = ${slug}`;
}

/** Ends the reservation of a slug now, as if its days had passed. */
async function reservationOver(slug: string) {
  const aged = await ownerSql()`
    update private.released_slugs set until = now() - interval '1 second'
    where slug = ${slug} returning slug`;
  expect(aged).toHaveLength(1);
}

const reserved = { code: '23505', hint: 'slug_reserved' };

let a: Operator;
let b: Operator;
let bSite = '';
let bSlug = '';
beforeAll(async () => {
  [a, b] = await Promise.all([operator('slug-a'), operator('slug-b')]);
  bSlug = freshSlug('b-own');
  bSite = await created(b, bSlug);
});

describe('a slug given up by renaming', () => {
  it('is refused to another organization, whichever way it writes it, until the reservation ends', async () => {
    const slug = freshSlug('cafe');
    const site = await created(a, slug);
    const { error } = await rename(a, site, freshSlug('cafe-new'));
    expect(error).toBeNull();

    // B tries to create a site with it, and to rename its own site to it: refused, nothing changed.
    expect((await createSite(b, slug)).error).toMatchObject(reserved);
    expect((await rename(b, bSite, slug)).error).toMatchObject(reserved);
    expect(await holders(slug)).toEqual([]);
    expect(await holders(bSlug)).toEqual([{ id: bSite, organization_id: b.organizationId }]);

    // Once the reservation is over, B may take it.
    await reservationOver(slug);
    const taken = await created(b, slug);
    expect(await holders(slug)).toEqual([{ id: taken, organization_id: b.organizationId }]);
  });

  it('goes back to its own organization at once', async () => {
    const slug = freshSlug('kiosk');
    const site = await created(a, slug);
    const newer = freshSlug('kiosk-new');
    expect((await rename(a, site, newer)).error).toBeNull();
    expect((await rename(a, site, slug)).error).toBeNull();
    expect(await holders(slug)).toEqual([{ id: site, organization_id: a.organizationId }]);
    // The slug A gave up on the way is A's for a while too.
    expect((await createSite(b, newer)).error).toMatchObject(reserved);
  });
});

describe('a slug given up by deleting the site', () => {
  it('is refused to another organization until the reservation ends', async () => {
    const slug = freshSlug('shop');
    const site = await created(a, slug);
    const removed = await a.api.from('sites').delete().eq('id', site).select('id');
    expect(removed.error).toBeNull();
    expect(removed.data).toHaveLength(1);

    expect((await createSite(b, slug)).error).toMatchObject(reserved);
    expect((await rename(b, bSite, slug)).error).toMatchObject(reserved);
    expect(await holders(slug)).toEqual([]);
    expect(await holders(bSlug)).toEqual([{ id: bSite, organization_id: b.organizationId }]);

    await reservationOver(slug);
    expect((await createSite(b, slug)).error).toBeNull();
  });

  it('goes back to its own organization at once, on a new site', async () => {
    const slug = freshSlug('stall');
    const site = await created(a, slug);
    expect((await a.api.from('sites').delete().eq('id', site)).error).toBeNull();
    const again = await created(a, slug);
    expect(await holders(slug)).toEqual([{ id: again, organization_id: a.organizationId }]);
  });
});

describe('routers address a site by its id', () => {
  const page = (ref: string, path = '') =>
    fetch(`${stackInfo().portalUrl}/s/${ref}${path}?lang=en`, { redirect: 'manual' });

  it('serves the same site at /s/<site id> after a slug rename, and keeps links on the id', async () => {
    const slug = freshSlug('hotel');
    const site = await created(a, slug);
    const before = await page(site);
    expect(before.status).toBe(200);
    expect(await before.text()).toContain(`Site ${slug}`);

    const renamed = freshSlug('hotel-new');
    expect((await rename(a, site, renamed)).error).toBeNull();
    const after = await page(site.toUpperCase());
    expect(after.status).toBe(200);
    const html = await after.text();
    expect(html).toContain(`Site ${slug}`);
    // The page's own links keep the form the customer arrived with (lower-cased).
    expect(html).toContain(`href="/s/${site}/voucher?`);
    expect(html).not.toContain(`/s/${renamed}`);
    expect((await page(renamed)).status).toBe(200);
    // The old slug is not a pointer to the site any more: no page, no redirect.
    expect((await page(slug)).status).toBe(404);
  });

  it("hands routers files that name the site's id, not its slug", async () => {
    const slug = freshSlug('lodge');
    const site = await created(a, slug);
    const { portalUrl } = stackInfo();
    const login = await page(slug, '/mikrotik/login.html');
    expect(login.status).toBe(200);
    const html = await login.text();
    expect(html).toContain(`action="${portalUrl}/s/${site}"`);
    expect(html).not.toContain(slug);
    // The set-up script's data names the site by id (router_setup, owners and admins).
    const { data: router, error } = await a.api.rpc('create_router', {
      p_site_id: site,
      p_name: 'Lodge hAP',
      p_nas_ip: randomRouterNetwork(),
      p_vendor: 'mikrotik',
    });
    expect(error).toBeNull();
    const setup = await a.api.rpc('router_setup', {
      p_router_id: (router as { router_id: string }).router_id,
    });
    expect(setup.error).toBeNull();
    expect(setup.data).toMatchObject({ site_id: site });
    expect(JSON.stringify(setup.data)).not.toContain(slug);
  });

  it('refuses a slug shaped like a site id', async () => {
    const { error } = await createSite(b, crypto.randomUUID());
    expect(error).toMatchObject({ code: '23514' });
  });
});
