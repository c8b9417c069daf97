// The functions talk to Postgres directly (FUNCTIONS_DB_URL) rather than through PostgREST:
// settlement, the token lock and the SMS queue are private.* functions that must not be exposed
// through the API, and a settle is then one round trip in one transaction. They connect as their
// own role `edge_functions` (supabase/migrations/*_functions_role.sql), which can execute only
// the functions they call, never as `postgres` (hosted Supabase's SUPABASE_DB_URL is postgres:
// unused). On hosted Supabase, point FUNCTIONS_DB_URL at the transaction pooler (user
// `edge_functions.<project ref>`, port 6543): prepared statements are off.
import postgres from 'postgres';
import { optionalEnv, requireEnv } from './env.ts';

let sql: postgres.Sql | undefined;

/** One small connection pool per function instance. */
export function db(): postgres.Sql {
  sql ??= postgres(requireEnv('FUNCTIONS_DB_URL'), {
    max: Number(optionalEnv('DB_POOL_SIZE') ?? 4),
    prepare: false,
    idle_timeout: 30,
    connect_timeout: 5,
    onnotice: () => {},
    connection: { application_name: 'edge-functions' },
  });
  return sql;
}
