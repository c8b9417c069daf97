// `npm test`: static checks, then one stack on free ports for the whole run (unit, integration
// and end-to-end tests all use it), then everything is stopped and removed.
// `npm test -- <vitest filters>` runs only those test files against a fresh stack.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { scanStackLogs } from '../stack/log-scan.ts';
import { packageBin } from '../stack/process.ts';
import { startStack, type Stack } from '../stack/stack.ts';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, '.local', `test-${process.pid}`);
const stackFile = join(dir, 'stack.json');
const fixtures = join(root, 'tests/fixtures/functions');
const began = performance.now();
const log = (line: string) => console.log(`[test] ${line}`);

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    log(`$ ${command} ${args.join(' ')}`);
    const child = spawn(command, args, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

let stack: Stack | undefined;
async function cleanUp() {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));

const filters = process.argv.slice(2);
const [node, vitest] = packageBin('vitest');
const [, playwright] = packageBin('@playwright/test', 'playwright');

const steps: [string, () => Promise<number>][] = [
  ['static checks', () => run('npm', ['run', '--silent', 'check'])],
  [
    'stack',
    async () => {
      const t = performance.now();
      stack = await startStack({
        dir,
        ports: 'free',
        ephemeral: true,
        extraFunctionFolders: [fixtures],
        extraPublicFunctions: ['echo-public'],
        log,
      });
      log(`stack up in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      return 0;
    },
  ],
  ['unit + integration', () => run(node, [vitest, 'run', ...filters], { STACK_FILE: stackFile })],
  ['end-to-end', () => run(node, [playwright, 'test'], { STACK_FILE: stackFile })],
  // Last, while the database still holds every code and credential the tests made.
  ['log scan', () => (stack ? scanStackLogs(stack, join(dir, 'logs'), log) : Promise.resolve(1))],
].filter(
  ([name]) =>
    !filters.length || name === 'stack' || name === 'unit + integration' || name === 'log scan',
) as typeof steps;

const failed: string[] = [];
try {
  for (const [name, step] of steps) {
    const t = performance.now();
    const code = await step().catch((error: Error) => {
      console.error(error);
      return 1;
    });
    log(
      `${name}: ${code === 0 ? 'ok' : 'FAILED'} (${((performance.now() - t) / 1000).toFixed(1)} s)`,
    );
    if (code !== 0) failed.push(name);
    if (code !== 0 && name === 'stack') break;
  }
} finally {
  await cleanUp();
}
log(
  `${failed.length ? `FAILED: ${failed.join(', ')}` : 'all passed'} in ${((performance.now() - began) / 1000).toFixed(1)} s`,
);
process.exit(failed.length ? 1 : 0);
