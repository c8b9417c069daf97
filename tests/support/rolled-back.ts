// Database helpers for tests that try many cases against SQL without leaving anything behind:
// every write happens in a transaction or savepoint that is rolled back.
import type postgres from 'postgres';
import { randomTag } from './personas.ts';
import { ownerSql } from './users.ts';

export type Tx = postgres.TransactionSql;

/** `expression` over `input` as SQL evaluates it, one answer per input, in order. */
export async function sqlEach(expression: string, inputs: readonly (string | null)[]) {
  const rows = await ownerSql().unsafe(
    `select ${expression} as answer
     from unnest($1::text[]) with ordinality as t (input, n) order by n`,
    [inputs as string[]],
  );
  return rows.map((row) => row.answer as unknown);
}

/** Thrown to roll back, carrying what the rolled-back work returned. */
class Undo extends Error {
  readonly value: unknown;
  constructor(value: unknown) {
    super('undo');
    this.value = value;
  }
}

/** Runs `fn` in a transaction that is always rolled back, and returns its value. */
export async function rolledBack<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    await ownerSql().begin(async (tx) => {
      throw new Undo(await fn(tx));
    });
  } catch (error) {
    if (error instanceof Undo) return error.value as T;
    throw error;
  }
  throw new Error('unreachable');
}

/** Runs `fn` in a savepoint that is always rolled back: its value, or the SQLSTATE it raised. */
export async function attempt(tx: Tx, fn: (sp: Tx) => Promise<unknown>): Promise<unknown> {
  try {
    await tx.savepoint(async (sp) => {
      throw new Undo(await fn(sp));
    });
  } catch (error) {
    if (error instanceof Undo) return error.value;
    const code = (error as { code?: string }).code;
    if (!code) throw error;
    return code;
  }
  throw new Error('unreachable');
}

/** An organization with a site and a plan sold there, inside `tx`. */
export async function hotspot(tx: Tx) {
  const [org] = await tx`insert into public.organizations (name) values ('Parity') returning id`;
  const [site] = await tx`
    insert into public.sites (organization_id, slug, name)
    values (${org!.id}, ${`parity-${randomTag()}`}, 'Parity') returning id, slug`;
  const [plan] = await tx`
    insert into public.plans (organization_id, name, price_kes, validity_seconds)
    values (${org!.id}, 'Parity plan', 10, 3600) returning id`;
  await tx`insert into public.plan_sites (plan_id, site_id, organization_id)
           values (${plan!.id}, ${site!.id}, ${org!.id})`;
  return {
    org: org!.id as string,
    site: site!.id as string,
    slug: site!.slug as string,
    plan: plan!.id as string,
  };
}

/** An auth user that never signed in, inside `tx`. */
export async function user(tx: Tx, label: string): Promise<string> {
  const [row] = await tx`
    insert into auth.users (id, aud, role, email, created_at, updated_at)
    values (gen_random_uuid(), 'authenticated', 'authenticated',
            ${`${label}-${randomTag()}@parity.test`}, now(), now())
    returning id`;
  return row!.id as string;
}

/** Makes the rest of the savepoint run as `userId` through the API role (RLS applies). */
export async function actAs(sp: Tx, userId: string) {
  await sp`select set_config('request.jwt.claims', ${JSON.stringify({ sub: userId, role: 'authenticated' })}, true)`;
  await sp.unsafe('set local role authenticated');
}
