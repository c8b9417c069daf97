// One worker: a runner for the registered jobs, woken early by the database's notifications.
// Locally stack/stack.ts starts it; in production worker/main.ts under systemd.
import type postgres from 'postgres';
import { startRunner, type Job, type Runner } from './runner.ts';

/** Jobs that belong together, and the NOTIFY channel that makes each due at once. */
export type JobGroup = { jobs: Job[]; wakeOn: Record<string, string> };

export type WorkerOptions = {
  /** Connection as the `worker` role (LISTEN needs a direct or session-mode connection). */
  sql: postgres.Sql;
  node: string;
  groups: JobGroup[];
  tickMs?: number;
  log: (line: string) => void;
};

export async function startWorker(options: WorkerOptions): Promise<Runner> {
  const { sql, log } = options;
  const jobs = options.groups.flatMap((group) => group.jobs);
  const wakeOn = options.groups.flatMap((group) => Object.entries(group.wakeOn));
  const runner = await startRunner({ ...options, jobs });
  log(`worker ${runner.id}: ${jobs.map((job) => job.name).join(', ')}`);
  const listeners = await Promise.all(
    wakeOn.map(([channel, job]) =>
      sql.listen(
        channel,
        () => void runner.wake(job).catch((error: Error) => log(`waking ${job}: ${error.message}`)),
      ),
    ),
  );
  return {
    ...runner,
    stop: async () => {
      for (const listener of listeners) await listener.unlisten().catch(() => {});
      await runner.stop();
    },
  };
}
