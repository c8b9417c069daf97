// Runs the Deno tests of the edge function handlers (supabase/functions/*/handler.test.ts) with
// the real Deno the stack uses, so `npm test` covers them (type checking is `npm run check:deno`'s job).
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const deno = join(createRequire(import.meta.url).resolve('deno/package.json'), '..', 'deno');

it('the Deno handler tests pass', async () => {
  const result = await promisify(execFile)(
    deno,
    [
      'test',
      '--quiet',
      '--no-prompt',
      '--config=supabase/functions/deno.json',
      'supabase/functions/',
    ],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        DENO_NO_UPDATE_CHECK: '1',
        NO_COLOR: '1',
      },
      timeout: 60_000,
    },
  ).catch((error: { stdout?: string; stderr?: string; code?: number }) => error);
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  expect(output, output).toMatch(/ok \| \d+ passed \| 0 failed/);
  expect(Number(/ok \| (\d+) passed/.exec(output)?.[1])).toBeGreaterThanOrEqual(6);
}, 90_000);
