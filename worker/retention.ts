// retention: deletes operational records older than their retention (sessions rolled up first),
// as private.retention_policies says; the rules live in SQL (private.retention_run in
// supabase/migrations/20261205001200_retention.sql). Hourly, in batches, so a backlog drains
// over several runs without a long transaction.
import type postgres from 'postgres';
import type { JobGroup } from './worker.ts';

export function retentionJobs(options: {
  /** Connection as the `worker` role. */
  sql: postgres.Sql;
  log: (line: string) => void;
}): JobGroup {
  const { sql, log } = options;
  return {
    jobs: [
      {
        name: 'retention',
        periodSeconds: 3600,
        timeoutSeconds: 600,
        run: async () => {
          const [row] = await sql<{ deleted: Record<string, number> }[]>`
            select private.retention_run() as deleted`;
          const deleted = Object.entries(row!.deleted).filter(([, n]) => n > 0);
          if (deleted.length)
            log(`retention: deleted ${deleted.map(([k, n]) => `${n} ${k}`).join(', ')}`);
        },
      },
    ],
    wakeOn: {},
  };
}
