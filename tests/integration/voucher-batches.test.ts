// Voucher batches: up to 10,000 vouchers in one insert, each with the plan's limits frozen.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  VOUCHER_ALPHABET,
  VOUCHER_CODE_LENGTH,
} from '../../supabase/functions/_shared/domain/voucher-code.ts';
import { clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

let owner: TestUser;
let organizationId: string;
let planId: string;

beforeAll(async () => {
  const sql = ownerSql();
  owner = await createTestUser('batch-owner');
  [{ id: organizationId }] = await sql`
    insert into public.organizations (name) values (${`Batches ${randomBytes(4).toString('hex')}`}) returning id`;
  await sql`insert into public.memberships (organization_id, user_id, role) values (${organizationId}, ${owner.id}, 'owner')`;
  [{ id: planId }] =
    await sql`insert into public.plans (organization_id, name, price_kes, validity_seconds)
                               values (${organizationId}, '1 hour', 10, 3600) returning id`;
});

describe('voucher batches', () => {
  it('issues 10,000 unique vouchers with the prefix in one request', async () => {
    const began = performance.now();
    const { error } = await clientAs(owner)
      .from('voucher_batches')
      .insert({ organization_id: organizationId, plan_id: planId, count: 10_000, prefix: 'KB' });
    const elapsed = performance.now() - began;
    expect(error).toBeNull();
    const [row] = await ownerSql()`
      select count(*)::int as n, count(distinct code)::int as distinct_codes,
             bool_and(code ~ ${`^KB[${VOUCHER_ALPHABET}]{${VOUCHER_CODE_LENGTH}}$`}) as shaped,
             bool_and(price_kes = 10 and validity_seconds = 3600) as frozen
      from public.vouchers where organization_id = ${organizationId}`;
    expect(row).toEqual({ n: 10_000, distinct_codes: 10_000, shaped: true, frozen: true });
    // Generous bound for a loaded CI machine; `npm run bench:admin` measures it properly.
    expect(elapsed).toBeLessThan(15_000);
  });

  it('refuses more than 10,000 and writes nothing', async () => {
    const { error } = await clientAs(owner)
      .from('voucher_batches')
      .insert({ organization_id: organizationId, plan_id: planId, count: 10_001 });
    expect(error?.code).toBe('23514');
    const [row] =
      await ownerSql()`select count(*)::int as n from public.voucher_batches where organization_id = ${organizationId}`;
    expect(row!.n).toBe(1);
  });
});
