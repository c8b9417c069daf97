import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { publicFunctions } from '../../stack/functions.ts';

const root = new URL('../..', import.meta.url).pathname;
const configFile = join(root, 'supabase/config.toml');

describe('supabase/config.toml', () => {
  it('is read by the real Supabase CLI without errors or deprecation warnings', async () => {
    // `supabase status` parses the config first, then looks for Docker (absent here): a config
    // problem shows up as "failed to read config" or a WARN before the Docker error.
    const output = await promisify(execFile)(join(root, 'node_modules/.bin/supabase'), ['status'], {
      cwd: root,
      timeout: 30_000,
    }).then(
      ({ stdout, stderr }) => stdout + stderr,
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
    expect(output).not.toMatch(/failed to (read|load|parse) config/i);
    expect(output).not.toMatch(/^WARN/m);
  });

  it('names only functions that exist, and the local stack reads their verify_jwt', () => {
    const config = parse(readFileSync(configFile, 'utf8')) as {
      functions?: Record<string, unknown>;
    };
    for (const name of Object.keys(config.functions ?? {})) {
      expect(existsSync(join(root, 'supabase/functions', name, 'index.ts')), name).toBe(true);
    }
    const declaredPublic = Object.entries(config.functions ?? {})
      .filter(([, settings]) => (settings as { verify_jwt?: boolean }).verify_jwt === false)
      .map(([name]) => name);
    expect([...publicFunctions(configFile)].sort()).toEqual(declaredPublic.sort());
  });

  it('turns verify_jwt off for every function: they check callers themselves', () => {
    // Supabase's verify_jwt knows only legacy HS256 JWTs: it would refuse the new API keys and
    // sessions signed with the asymmetric keys, so a function left out here breaks in production.
    const functions = readdirSync(join(root, 'supabase/functions')).filter((name) =>
      existsSync(join(root, 'supabase/functions', name, 'index.ts')),
    );
    expect([...publicFunctions(configFile)].sort()).toEqual(functions.sort());
  });
});
