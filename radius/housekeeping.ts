// The worker's RADIUS jobs (worker/jobs.ts registers them): keeping this host's FreeRADIUS
// clients equal to the routers in the database (on every RADIUS host), the stale-session
// sweeper and Disconnect-Request delivery (once for the platform).
import type postgres from 'postgres';
import type { Job } from '../worker/runner.ts';
import { clientSync, type ClientSyncOptions, type SyncResult } from './clients.ts';
import { disconnectDelivery, type SendOptions } from './disconnect.ts';

export type RadiusJobs = {
  jobs: Job[];
  /** The job each NOTIFY channel wakes. */
  wakeOn: Record<string, string>;
  /** Applies router changes now (tests, start-up). */
  syncClients: () => Promise<SyncResult>;
  stop: () => Promise<void>;
};

/**
 * Per-node jobs: what this RADIUS host's FreeRADIUS needs. Every host's worker keeps its own
 * FreeRADIUS in step from the database; the NOTIFY only makes that sooner, the period catches
 * whatever a missed notification or a failed run left.
 */
export function radiusNodeJobs(options: ClientSyncOptions): RadiusJobs {
  const sync = clientSync(options);
  return {
    jobs: [
      {
        name: 'radius-clients',
        periodSeconds: 30,
        timeoutSeconds: 60,
        perNode: true,
        run: async () => void (await sync()),
      },
    ],
    wakeOn: { radius_clients: 'radius-clients' },
    syncClients: sync,
    stop: async () => {},
  };
}

/** Platform-wide RADIUS jobs: any one worker runs them. */
export function radiusPlatformJobs(options: {
  /** Connection as the `worker` role. */
  sql: postgres.Sql;
  disconnects?: SendOptions;
  log: (line: string) => void;
}): Omit<RadiusJobs, 'syncClients'> {
  const { sql, log } = options;
  const disconnects = disconnectDelivery({ sql, log, ...options.disconnects });
  return {
    jobs: [
      {
        name: 'radius-sweep',
        periodSeconds: 60,
        timeoutSeconds: 60,
        run: async () => {
          const [row] = await sql`select radius.sweep() as result`;
          const result = row!.result as { closed_sessions: number; expired_vouchers: number };
          if (result.closed_sessions || result.expired_vouchers)
            log(`sweep: ${JSON.stringify(result)}`);
        },
      },
      {
        name: 'radius-disconnects',
        periodSeconds: 5,
        timeoutSeconds: 30,
        run: disconnects.deliver,
      },
    ],
    wakeOn: { radius_disconnects: 'radius-disconnects' },
    stop: disconnects.stop,
  };
}
