import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { startProcess, waitForHttp, type Service } from './process.ts';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
export const functionsDir = join(root, 'supabase/functions');

/** Functions deployed with verify_jwt = false in a supabase/config.toml (Supabase verifies by default). */
export function publicFunctions(configFile = join(root, 'supabase/config.toml')): Set<string> {
  if (!existsSync(configFile)) return new Set();
  const config = parse(readFileSync(configFile, 'utf8')) as {
    functions?: Record<string, { verify_jwt?: boolean }>;
  };
  return new Set(
    Object.entries(config.functions ?? {})
      .filter(([, settings]) => settings.verify_jwt === false)
      .map(([name]) => name),
  );
}

/** Real Deno (the `deno` npm package) serving every supabase/functions/<name>/index.ts. */
export async function startFunctions(options: {
  port: number;
  folders: string[];
  env: Record<string, string>;
  logDir: string;
}): Promise<Service> {
  const deno = join(require.resolve('deno/package.json'), '..', 'deno');
  const { child, service, logFile } = startProcess(
    'functions',
    existsSync(deno) ? deno : 'deno',
    [
      'run',
      '--allow-net',
      '--allow-env',
      '--allow-read',
      '--no-prompt',
      `--config=${join(functionsDir, 'deno.json')}`,
      join(root, 'stack/functions-runtime.ts'),
      ...options.folders,
    ],
    options.logDir,
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        DENO_NO_UPDATE_CHECK: '1',
        FUNCTIONS_PORT: String(options.port),
        ...options.env,
      },
    },
  );
  await waitForHttp(`http://127.0.0.1:${options.port}/_health`, 20000, child, logFile);
  return service;
}
