// The job runner (worker/runner.ts) against the real database, as the `worker` role: two runners
// share jobs so that each starts once per period, a runner killed mid-job leaves the job to the
// other, a failing job shows in its heartbeat, and only platform staff read the heartbeats.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { startRunner, type Job, type Runner } from '../../worker/runner.ts';
import { randomTag } from '../support/personas.ts';
import { stackInfo } from '../support/stack.ts';
import { clientAs, createTestUser, ownerSql } from '../support/users.ts';

// The superuser's connection, become the worker role for the session: the grants under test.
const workerUrl = () => {
  const url = new URL(stackInfo().superuserDbUrl);
  url.searchParams.set('options', '-c role=worker');
  return url.toString();
};
const sql = postgres(workerUrl(), { max: 4, onnotice: () => {} });
const runners: Runner[] = [];
afterAll(async () => {
  await Promise.all(runners.map((runner) => runner.stop()));
  await sql.end();
});

type Heartbeat = {
  claimed_by: string | null;
  runs: string;
  failures: string;
  last_succeeded_at: Date | null;
  last_error: string | null;
};
const heartbeat = async (name: string) =>
  (await ownerSql()<Heartbeat[]>`select * from private.jobs where name = ${name}`)[0];

async function runner(jobs: Job[], node = 'test') {
  const started = await startRunner({ sql, node, jobs, tickMs: 100, log: () => {} });
  runners.push(started);
  return started;
}

describe('the production worker', () => {
  it('stops at once with a clear message when a setting is missing', async () => {
    const child = spawn(process.execPath, ['worker/main.ts'], {
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(78);
    expect(stderr).toContain('WB_FUNCTIONS_URL is not set');
  });
});

describe('the job runner', () => {
  it('runs as the worker role, which holds no table privilege', async () => {
    const [row] = await sql`select current_user as role`;
    expect(row!.role).toBe('worker');
    await expect(sql`select * from private.jobs`).rejects.toMatchObject({ code: '42501' });
  });

  it('two runners start each job once per period and never run it twice at once', async () => {
    const names = [`test-a-${randomTag()}`, `test-b-${randomTag()}`];
    const starts: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    let running = 0;
    let overlapped = false;
    const jobs = (): Job[] =>
      names.map((name) => ({
        name,
        periodSeconds: 1,
        timeoutSeconds: 5,
        run: async () => {
          starts[name]!.push(Date.now());
          if (++running > names.length) overlapped = true;
          await sleep(150);
          running--;
        },
      }));
    await Promise.all([runner(jobs()), runner(jobs())]);
    await sleep(4500);
    for (const name of names) {
      const times = starts[name]!;
      expect(times.length, name).toBeGreaterThanOrEqual(4);
      expect(times.length, name).toBeLessThanOrEqual(5);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      expect(Math.min(...gaps), name).toBeGreaterThanOrEqual(900);
    }
    expect(overlapped).toBe(false);
  });

  it('a runner killed mid-job leaves the job to another, which runs it once', async () => {
    const name = `test-kill-${randomTag()}`;
    const child = spawn(
      process.execPath,
      ['tests/fixtures/worker/hanging-runner.ts', workerUrl(), name],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const killedId = line.toString().trim().replace('claimed by ', '');
    expect((await heartbeat(name))!.claimed_by).toBe(killedId);
    child.kill('SIGKILL');
    await once(child, 'exit');

    let ran = 0;
    const survivor = await runner([
      { name, periodSeconds: 3600, timeoutSeconds: 2, run: async () => void ran++ },
    ]);
    // Nothing until the killed runner's lease (twice its 2 s timeout) runs out, then one run.
    await sleep(1000);
    expect(ran).toBe(0);
    for (let i = 0; i < 60 && ran === 0; i++) await sleep(100);
    await sleep(500);
    expect(ran).toBe(1);
    const beat = (await heartbeat(name))!;
    expect(beat).toMatchObject({ claimed_by: null, runs: '2', failures: '0', last_error: null });
    expect(beat.last_succeeded_at).not.toBeNull();
    expect(survivor.id).not.toBe(killedId);
  });

  it("a failing job's heartbeat shows the error, and only platform staff read heartbeats", async () => {
    const name = `test-fail-${randomTag()}`;
    await runner([
      {
        name,
        periodSeconds: 3600,
        timeoutSeconds: 5,
        run: async () => {
          throw new Error('Daraja said 503');
        },
      },
    ]);
    for (let i = 0; i < 30 && !(await heartbeat(name))?.last_error; i++) await sleep(100);

    const staff = await createTestUser('platform-staff');
    await ownerSql()`insert into private.platform_staff (user_id) values (${staff.id})`;
    const { data, error } = await clientAs(staff).rpc('platform_jobs');
    expect(error).toBeNull();
    const rows = data as { name: string; node: string; last_error: string | null }[];
    expect(rows.find((row) => row.name === name)).toMatchObject({
      node: '',
      last_error: 'Daraja said 503',
      failures: 1,
      last_succeeded_at: null,
      running: false,
    });
    // The stack's own worker runs the real jobs, each of them successfully by now.
    const real = [
      'pay-reconcile',
      'sms-dispatch',
      'pay-verify',
      'radius-sweep',
      'radius-disconnects',
      'job-alerts',
    ];
    for (const job of real) {
      expect(
        rows.find((row) => row.name === job && row.node === ''),
        job,
      ).toMatchObject({
        last_error: null,
      });
    }
    expect(rows.find((row) => row.name === 'radius-clients')).toMatchObject({ node: 'local' });

    const owner = await createTestUser('not-staff');
    const refused = await clientAs(owner).rpc('platform_jobs');
    expect(refused.error).toMatchObject({ code: '42501', hint: 'not_platform_staff' });
  });
});
