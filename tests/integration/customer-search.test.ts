// search_customers: the admin's search by the last digits of a phone number.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

let owner: TestUser;
let organizationId: string;
const suffix = String(100_000 + (randomBytes(3).readUIntBE(0, 3) % 900_000));
// Same last six digits, once at the end and once in the middle.
const ending = `+2547${'10'}${suffix}`;
const middle = `+2541${suffix}${'10'}`;

beforeAll(async () => {
  const sql = ownerSql();
  owner = await createTestUser('search-owner');
  [{ id: organizationId }] = await sql`
    insert into public.organizations (name) values (${`Search ${suffix}`}) returning id`;
  await sql`insert into public.memberships (organization_id, user_id, role)
            values (${organizationId}, ${owner.id}, 'owner')`;
  await sql`insert into public.customers (organization_id, phone)
            values (${organizationId}, ${ending}), (${organizationId}, ${middle})`;
});

describe('search_customers', () => {
  it('finds phone numbers that end in the digits, ignoring what is not a digit', async () => {
    const { data, error } = await clientAs(owner).rpc('search_customers', {
      p_organization_id: organizationId,
      p_digits: ` ${suffix.slice(0, 3)}-${suffix.slice(3)} `,
    });
    expect(error).toBeNull();
    expect((data as { phone: string }[]).map((c) => c.phone)).toEqual([ending]);
  });

  it('embeds payments and pages like the customers table', async () => {
    const { data, error } = await clientAs(owner)
      .rpc('search_customers', { p_organization_id: organizationId, p_digits: '10' + suffix })
      .select('phone, created_at, payments(id)')
      .order('created_at', { ascending: false })
      .limit(1);
    expect(error).toBeNull();
    expect(data).toEqual([{ phone: ending, created_at: expect.any(String), payments: [] }]);
  });

  it('asks for at least three digits (22023)', async () => {
    const { error } = await clientAs(owner).rpc('search_customers', {
      p_organization_id: organizationId,
      p_digits: '4a2',
    });
    expect(error?.code).toBe('22023');
  });
});
