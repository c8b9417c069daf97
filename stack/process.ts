import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export type Service = { name: string; stop: () => Promise<void> };

/** Starts a long-running child whose output goes to `<logDir>/<name>.log`. */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  logDir: string,
  options: SpawnOptions = {},
): { child: ChildProcess; service: Service; logFile: string } {
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timedOut = await Promise.race([exited.then(() => false), sleep(5000).then(() => true)]);
    if (timedOut) child.kill('SIGKILL');
    await exited;
  };
  return { child, service: { name, stop }, logFile };
}

/** Resolves once `url` answers any HTTP status below 500; rejects after `timeoutMs` or if `child` dies. */
export async function waitForHttp(
  url: string,
  timeoutMs: number,
  child?: ChildProcess,
  logFile?: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) {
      throw new Error(`${url}: the process exited with ${child.exitCode} (see ${logFile})`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer in ${timeoutMs} ms (see ${logFile})`);
    await sleep(50);
  }
}

/**
 * `[node, script]` for a package's command-line entry, run on this very Node: `npx` is not on
 * every machine's PATH (the CI's Node 22 from the npm registry ships only `node`). The package
 * is looked up from `from` upwards, as Node resolves it (workspaces may keep their own copy).
 */
export function packageBin(
  pkg: string,
  bin = pkg,
  from = fileURLToPath(new URL('..', import.meta.url)),
): [string, string] {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const manifestFile = join(dir, 'node_modules', pkg, 'package.json');
    if (existsSync(manifestFile)) {
      const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
        bin?: string | Record<string, string>;
      };
      const entry = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[bin];
      if (!entry) throw new Error(`${pkg} has no "${bin}" command`);
      return [process.execPath, join(dirname(manifestFile), entry)];
    }
    if (dir === dirname(dir)) throw new Error(`${pkg} is not installed: run npm install`);
  }
}
