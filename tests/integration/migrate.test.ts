// A database built before the migrations were squashed into the baseline (a developer's old
// `.local/`) is refused with words that say what to do, before anything is applied to it.
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../stack/migrate.ts';
import { randomTag } from '../support/personas.ts';
import { stackInfo } from '../support/stack.ts';

const superuser = postgres(stackInfo().superuserDbUrl, { max: 1, onnotice: () => {} });
const database = `squashed_${randomTag().toLowerCase()}`;
afterAll(async () => {
  await superuser.unsafe(`drop database if exists ${database}`);
  await superuser.end();
});

describe('applying the baseline', () => {
  it('refuses a database built from migrations that are gone, and says to reset', async () => {
    await superuser.unsafe(`create database ${database}`);
    const url = new URL(stackInfo().superuserDbUrl);
    url.pathname = `/${database}`;
    const old = postgres(url.toString(), { max: 1, onnotice: () => {} });
    try {
      await old.unsafe(`
        create schema supabase_migrations;
        create table supabase_migrations.schema_migrations (
          version text primary key, statements text[], name text);
        insert into supabase_migrations.schema_migrations (version, name)
          values ('20261124000100', 'tenancy');`);
      await expect(applyMigrations(url.toString())).rejects.toThrow(
        /no longer in supabase\/migrations \(20261124000100\b.*npm start -- --reset/,
      );
      // Nothing of the baseline was applied.
      const [{ tables }] = await old`select count(*)::int as tables from pg_tables
                                      where schemaname in ('public', 'private', 'radius')`;
      expect(tables).toBe(0);
    } finally {
      await old.end();
    }
  });
});
