// Runs registered jobs when the database says they are due, however many runners share the
// database: every run is claimed first (private.job_claim leases the job's row; see
// supabase/migrations/20261205001100_platform.sql for why a lease rather than a lock held for
// the run) and its outcome recorded (private.job_finish), which is the job's heartbeat.
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';

export type Job = {
  /** Stable name, the key of its heartbeat row (lower-case words joined by dashes). */
  name: string;
  periodSeconds: number;
  /** Longest a run may take: the lease, after which another runner may claim the job. */
  timeoutSeconds: number;
  /** Runs on every node (one heartbeat per node) instead of once for the platform. */
  perNode?: boolean;
  run: (signal: AbortSignal) => Promise<void>;
};

export type RunnerOptions = {
  /** Connection as the `worker` role. */
  sql: postgres.Sql;
  jobs: Job[];
  /** This host's name, the `node` of its per-node jobs. */
  node: string;
  /** How often to ask for due jobs (default 1 s). */
  tickMs?: number;
  log: (line: string) => void;
};

export type Runner = {
  id: string;
  /** Makes a job due now (on every node) and looks for due jobs at once. */
  wake: (name: string) => Promise<void>;
  /** Looks for due jobs now; resolves when those it claimed have finished. */
  tick: () => Promise<void>;
  /** Stops claiming and waits for the runs in progress. */
  stop: () => Promise<void>;
};

type Claimed = { name: string; node: string; timeout_seconds: number };

export async function startRunner(options: RunnerOptions): Promise<Runner> {
  const { sql, node, log } = options;
  const id = `${node}/${process.pid}/${randomUUID().slice(0, 8)}`;
  const byName = new Map(options.jobs.map((job) => [job.name, job]));
  for (const job of options.jobs) {
    await sql`select private.job_register(${job.name}, ${job.perNode ? node : ''},
                                          ${job.periodSeconds}, ${job.timeoutSeconds})`;
  }

  const running = new Set<Promise<void>>();
  let stopped = false;

  const runClaimed = async (claimed: Claimed) => {
    const job = byName.get(claimed.name);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), claimed.timeout_seconds * 1000);
    let error: string | null = null;
    try {
      if (!job) throw new Error('no such job in this worker (an older or newer version?)');
      await Promise.race([
        job.run(abort.signal),
        new Promise((_, reject) =>
          abort.signal.addEventListener('abort', () =>
            reject(new Error(`timed out after ${claimed.timeout_seconds} s`)),
          ),
        ),
      ]);
    } catch (caught) {
      error = (caught as Error).message || String(caught);
      log(`job ${claimed.name} failed: ${error}`);
    } finally {
      clearTimeout(timer);
    }
    const [row] = await sql<{ kept: boolean }[]>`
      select private.job_finish(${claimed.name}, ${claimed.node}, ${id}, ${error}) as kept`;
    if (!row?.kept) log(`job ${claimed.name}: lease lost before the run ended; not recorded`);
  };

  const tick = async () => {
    if (stopped) return;
    const claimed = await sql<Claimed[]>`
      select * from private.job_claim(${id}, ${node}, ${[...byName.keys()]})`;
    const runs = claimed.map((row) => {
      const run: Promise<void> = runClaimed(row)
        .catch((error: Error) => log(`job ${row.name}: ${error.message}`))
        // A wake-up that came during the run made the job due again: look at once.
        .then(() => {
          running.delete(run);
          void tickQuietly();
        });
      running.add(run);
      return run;
    });
    await Promise.all(runs);
  };
  const tickQuietly = () =>
    tick().catch((error: Error) => log(`claiming jobs failed: ${error.message}`));

  const timer = setInterval(() => void tickQuietly(), options.tickMs ?? 1000);
  timer.unref();
  void tickQuietly();

  return {
    id,
    tick,
    wake: async (name) => {
      await sql`select private.job_wake(${name})`;
      await tickQuietly();
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await Promise.all(running);
    },
  };
}
