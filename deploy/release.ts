// `npm run release -- --out DIR` on a build machine: everything a server runs, and nothing it
// does not — the worker's and RADIUS's TypeScript (Node >= 22.18 runs it as it is), the portal's
// and the admin's builds, the installer, and node_modules with the runtime dependencies only
// (pinned to what this checkout tested). The server then needs neither npm nor a toolchain:
// copy DIR there and run DIR/deploy/install.sh (deploy/README.md).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { buildApps } from '../stack/apps.ts';

const source = fileURLToPath(new URL('..', import.meta.url));

/** What a server gets, relative to the checkout. */
const PARTS = ['worker', 'radius', 'deploy', 'portal/build', 'admin/build'];

/** The server's package.json: runtime dependencies of the root and the portal, pinned. */
export function serverPackage(): {
  name: string;
  private: true;
  type: 'module';
  dependencies: Record<string, string>;
} {
  const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const names = [
    ...Object.keys(manifest(source).dependencies ?? {}),
    ...Object.keys(manifest(join(source, 'portal')).dependencies ?? {}),
  ];
  const dependencies: Record<string, string> = {};
  for (const name of [...new Set(names)].sort())
    dependencies[name] = manifest(join(source, 'node_modules', name)).version;
  return { name: 'wifi-billing-server', private: true, type: 'module', dependencies };
}

/** Writes the release into `out` (replacing it) and returns its version line. */
export async function makeRelease(out: string, log: (line: string) => void): Promise<string> {
  await buildApps(['portal', 'admin'], log);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const part of PARTS) cpSync(join(source, part), join(out, part), { recursive: true });
  for (const stamp of ['portal/build/.built', 'admin/build/.built'])
    rmSync(join(out, stamp), { force: true });
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(serverPackage(), null, 2)}\n`);
  const npm = spawnSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--silent'], {
    cwd: out,
    encoding: 'utf8',
  });
  if (npm.status !== 0) throw new Error(`npm install in ${out} failed:\n${npm.stderr}`);
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: source, encoding: 'utf8' }).trim();
  const dirty = existsSync(join(source, '.git')) && git('status', '--porcelain') !== '';
  const version = `${git('rev-parse', '--short', 'HEAD')}${dirty ? '-dirty' : ''} ${new Date().toISOString()}`;
  writeFileSync(join(out, 'RELEASE'), `${version}\n`);
  return version;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { out } = parseArgs({ options: { out: { type: 'string' } } }).values;
  if (!out) {
    console.error('usage: npm run release -- --out DIR');
    process.exit(1);
  }
  const version = await makeRelease(resolve(out), (line) => console.log(line));
  console.log(
    `release ${version} in ${resolve(out)}: copy it to the server, then deploy/install.sh`,
  );
}
