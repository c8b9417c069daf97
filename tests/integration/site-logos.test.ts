// Site logos: owners and admins upload a small image that the portal serves from its own host
// (no third-party request on the landing page); anything else is refused and changes nothing.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { stackInfo } from '../support/stack.ts';
import { clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);
const JPEG_START = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);

let owner: TestUser;
let agent: TestUser;
let siteId: string;
let slug: string;

beforeAll(async () => {
  const sql = ownerSql();
  [owner, agent] = await Promise.all([createTestUser('logo-owner'), createTestUser('logo-agent')]);
  const tag = randomBytes(4).toString('hex');
  const [org] = await sql`
    insert into public.organizations (name) values (${`Logos ${tag}`}) returning id`;
  await sql`insert into public.memberships (organization_id, user_id, role)
            values (${org!.id}, ${owner.id}, 'owner'), (${org!.id}, ${agent.id}, 'agent')`;
  slug = `logo-${tag}`;
  [{ id: siteId }] = await sql`
    insert into public.sites (organization_id, slug, name) values (${org!.id}, ${slug}, 'Logo cafe')
    returning id`;
});

const setLogo = (user: TestUser, image: string | null) =>
  clientAs(user).rpc('set_site_logo', { p_site_id: siteId, p_image_base64: image });
const served = () => fetch(`${stackInfo().portalUrl}/s/${slug}/logo`);

describe('site logos', () => {
  it('an owner uploads a PNG; the portal serves it from its own host with a versioned URL', async () => {
    const { data, error } = await setLogo(owner, PNG.toString('base64'));
    expect(error).toBeNull();
    expect(data).toMatchObject({ content_type: 'image/png', size: PNG.length });
    expect(data.logo_url).toMatch(new RegExp(`^/s/${slug}/logo\\?v=\\d+$`));
    const response = await served();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('cache-control')).toContain('immutable');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(PNG);
    const { data: site } = await clientAs(owner).rpc('portal_site', { p_slug: slug });
    expect(site.logo_url).toBe(data.logo_url);
  });

  it('refuses what is not an image we serve, what is over 8 KB, and agents; nothing changes', async () => {
    const before = Buffer.from(await (await served()).arrayBuffer());
    const svg = await setLogo(owner, Buffer.from('<svg onload="alert(1)"/>').toString('base64'));
    expect(svg.error?.code).toBe('22023');
    const big = await setLogo(
      owner,
      Buffer.concat([JPEG_START, randomBytes(8200)]).toString('base64'),
    );
    expect(big.error?.code).toBe('22001');
    const junk = await setLogo(owner, "'; drop table public.sites; --");
    expect(junk.error?.code).toBe('22023');
    const byAgent = await setLogo(agent, PNG.toString('base64'));
    expect(byAgent.error?.code).toBe('42501');
    expect(Buffer.from(await (await served()).arrayBuffer())).toEqual(before);
  });

  it('removing the logo leaves the landing page without one', async () => {
    const { error } = await setLogo(owner, null);
    expect(error).toBeNull();
    expect((await served()).status).toBe(404);
    const { data: site } = await clientAs(owner).rpc('portal_site', { p_slug: slug });
    expect(site.logo_url).toBeNull();
  });
});
