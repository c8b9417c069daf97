// Job alerts (worker/alerts.ts) against the real database and mail catcher: a job that keeps
// failing is mailed once to each platform staff member however many workers look, a recovery
// once more, a healthy job never, and nobody else gets anything.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertJobs, sendJobAlerts } from '../../worker/alerts.ts';
import { createMailer, type Mail, type Mailer } from '../../worker/mail.ts';
import { startRunner, type Job, type Runner } from '../../worker/runner.ts';
import { mailsTo } from '../support/mail.ts';
import { randomTag } from '../support/personas.ts';
import { stackInfo } from '../support/stack.ts';
import { createTestUser, ownerSql, type TestUser } from '../support/users.ts';

// Two workers, each with its own connection as the `worker` role (the grants under test).
const workerUrl = () => {
  const url = new URL(stackInfo().superuserDbUrl);
  url.searchParams.set('options', '-c role=worker');
  return url.toString();
};
const connections = [1, 2].map(() => postgres(workerUrl(), { max: 2, onnotice: () => {} }));
const catcher = createMailer({
  url: new URL(`smtp://${stackInfo().mailSmtp.host}:${stackInfo().mailSmtp.port}`),
  from: 'Test worker <worker@test.local>',
});
// Slow enough that the two workers' runs overlap; counts what they hand to SMTP.
const sent: Mail[] = [];
const slowCatcher: Mailer = {
  send: async (mail) => {
    await sleep(200);
    await catcher.send(mail);
    sent.push(mail);
  },
};
const workers = connections.map((sql) => alertJobs({ sql, mailer: slowCatcher, log: () => {} }));
const runBoth = () =>
  Promise.all(workers.map((group) => group.jobs[0]!.run(new AbortController().signal)));

const tag = randomTag();
const failingJob = `test-alert-${tag}`;
const healthyJob = `test-healthy-${tag}`;
let failing = true;
const jobs: Job[] = [
  {
    name: failingJob,
    periodSeconds: 3600,
    timeoutSeconds: 5,
    run: async () => {
      if (failing) throw new Error('Daraja said 503');
    },
  },
  { name: healthyJob, periodSeconds: 3600, timeoutSeconds: 5, run: async () => {} },
];

let staff: TestUser[] = [];
let outsider: TestUser;
let runner: Runner;

type Row = { failures_in_row: number; alerted_at: Date | null; last_succeeded_at: Date | null };
const jobRow = async (name: string) =>
  (await ownerSql()<Row[]>`select * from private.jobs where name = ${name} and node = ''`)[0];

async function until(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Runs the job once more and waits for its outcome. */
async function runAgain(name: string, failuresInRow: number) {
  await runner.wake(name);
  await until(async () => (await jobRow(name))?.failures_in_row === failuresInRow, name);
}

const about = async (user: TestUser, job: string) =>
  (await mailsTo(user.email)).filter((mail) => mail.subject.includes(`job ${job} `));

beforeAll(async () => {
  // The stack's own worker runs job-alerts too; it would send some of these mails first, so
  // it pauses (not due for an hour) and any run of it in progress ends before the tests.
  await ownerSql()`update private.jobs set due_at = now() + interval '1 hour'
                   where name = 'job-alerts' and node = ''`;
  await until(
    async () =>
      (
        await ownerSql()`select 1 from private.jobs where name = 'job-alerts'
                                  and node = '' and claimed_by is null`
      ).length === 1,
    "the stack's job-alerts run",
  );
  staff = await Promise.all([createTestUser('staff-a'), createTestUser('staff-b')]);
  for (const user of staff) {
    await ownerSql()`insert into private.platform_staff (user_id) values (${user.id})`;
  }
  outsider = await createTestUser('outsider');
  runner = await startRunner({
    sql: connections[0]!,
    node: 'test',
    jobs,
    tickMs: 100,
    log: () => {},
  });
  await until(async () => (await jobRow(failingJob))?.failures_in_row === 1, 'the first run');
  await until(async () => !!(await jobRow(healthyJob))?.last_succeeded_at, 'the healthy job');
});

afterAll(async () => {
  await runner?.stop();
  await ownerSql()`update private.jobs set due_at = now() where name = 'job-alerts'`;
  await Promise.all(connections.map((sql) => sql.end()));
});

describe('job alerts', () => {
  it('leave a job alone that failed only twice in a row', async () => {
    await runAgain(failingJob, 2);
    await runBoth();
    expect(await about(staff[0]!, failingJob)).toEqual([]);
    expect((await jobRow(failingJob))!.alerted_at).toBeNull();
  });

  it('mail each staff member once when it fails a third time, however many workers look', async () => {
    await runAgain(failingJob, 3);
    await runBoth();
    await runBoth();
    expect(sent.filter((mail) => mail.subject.includes(failingJob))).toHaveLength(1);
    for (const user of staff) {
      const mails = await about(user, failingJob);
      expect(mails, user.email).toHaveLength(1);
      expect(mails[0]!.subject).toBe(`WiFi Billing: job ${failingJob} (platform-wide) is failing`);
      expect(mails[0]!.to).toEqual(expect.arrayContaining(staff.map((u) => u.email)));
      expect(mails[0]!.text).toContain('has failed 3 times in a row');
      expect(mails[0]!.text).toMatch(/Last error \(\d{4}-.*\): Daraja said 503/);
      expect(mails[0]!.text).toContain('Last success: never');
      expect(mails[0]!.text).toContain('Platform → Jobs');
      expect(mails[0]!.text).toContain('journalctl -u wifi-billing-worker');
    }
    expect((await jobRow(failingJob))!.alerted_at).not.toBeNull();
    expect(await about(staff[0]!, healthyJob)).toEqual([]);
    expect(await mailsTo(outsider.email)).toEqual([]);
  });

  it('stay at one mail while the job goes on failing', async () => {
    await runAgain(failingJob, 4);
    await runBoth();
    for (const user of staff) expect(await about(user, failingJob)).toHaveLength(1);
  });

  it('mail once more when the job succeeds again', async () => {
    failing = false;
    await runAgain(failingJob, 0);
    await runBoth();
    await runBoth();
    for (const user of staff) {
      const [recovered, ...rest] = await about(user, failingJob);
      expect(rest, user.email).toHaveLength(1); // the failing one
      expect(recovered!.subject).toBe(`WiFi Billing: job ${failingJob} (platform-wide) recovered`);
      expect(recovered!.text).toMatch(/succeeded again at \d{4}-\d\d-\d\dT/);
      expect(recovered!.text).toContain('Daraja said 503');
    }
    expect((await jobRow(failingJob))!.alerted_at).toBeNull();
    expect(await mailsTo(outsider.email)).toEqual([]);
  });

  it('try again at the next run when the mail could not be sent', async () => {
    failing = true;
    for (const n of [1, 2, 3]) await runAgain(failingJob, n);
    const down: Mailer = {
      send: async () => {
        throw new Error('SMTP server not answering');
      },
    };
    await expect(
      sendJobAlerts({ sql: connections[1]!, mailer: down, log: () => {} }),
    ).rejects.toThrow('SMTP server not answering');
    expect((await jobRow(failingJob))!.alerted_at).toBeNull();
    expect(await about(staff[0]!, failingJob)).toHaveLength(2);
    await runBoth();
    const [again] = await about(staff[0]!, failingJob);
    expect(again!.subject).toContain('is failing');
    expect(await about(staff[0]!, failingJob)).toHaveLength(3);
  });
});

describe('the production worker', () => {
  const start = async (env: Record<string, string>) => {
    const child = spawn(process.execPath, ['worker/main.ts'], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    return { code, stderr };
  };

  it('stops with a clear message, without the password, when the mail settings are wrong', async () => {
    const malformed = await start({
      WB_SMTP_URL: 'smtps://alerts:hunter2-secret@/',
      WB_MAIL_FROM: 'billing@example.co.ke',
    });
    expect(malformed.code).toBe(78);
    expect(malformed.stderr).toContain('WB_SMTP_URL must look like smtps://');
    expect(malformed.stderr).not.toContain('hunter2');

    const noFrom = await start({ WB_SMTP_URL: 'smtps://alerts:hunter2-secret@smtp.test:465' });
    expect(noFrom.code).toBe(78);
    expect(noFrom.stderr).toContain('WB_MAIL_FROM is not set');
    expect(noFrom.stderr).not.toContain('hunter2');
  });
});
