// What runs beside FreeRADIUS, locally (stack/radius.ts) and in production (radius/agent.ts):
// keeping its clients equal to the routers in the database, the stale-session sweeper, and
// delivering queued Disconnect-Requests to the routers.
import type postgres from 'postgres';
import { clientSync, type SyncResult } from './clients.ts';
import type { RadiusClient } from './clients-conf.ts';
import { startDisconnects, type SendOptions } from './disconnect.ts';

export type HousekeepingOptions = {
  /** Connection as the `freeradius` role (LISTEN needs a direct or session-mode connection). */
  sql: postgres.Sql;
  raddb: string;
  controlSocket: string;
  /** The clients the running FreeRADIUS loaded. */
  loaded: RadiusClient[];
  restart: () => Promise<void>;
  /** How often to compare clients with the database besides LISTEN (default 30 s). */
  clientPollMs?: number;
  /** How often to run radius.sweep() (default 60 s; 0 leaves it to pg_cron). */
  sweepIntervalMs?: number;
  /** Disconnect-Request timing (default: 1 s per try, 3 tries; poll every 5 s). */
  disconnects?: SendOptions & { pollMs?: number };
  log: (line: string) => void;
};

export type Housekeeping = {
  /** Applies router changes now instead of at the next notification or poll. */
  syncClients: () => Promise<SyncResult>;
  /** Delivers due Disconnect-Requests now instead of at the next notification or poll. */
  deliverDisconnects: () => Promise<void>;
  stop: () => Promise<void>;
};

export async function startHousekeeping(options: HousekeepingOptions): Promise<Housekeeping> {
  const { sql, log } = options;
  const sync = clientSync(options);
  const syncQuietly = () =>
    void sync().catch((error: Error) => log(`client sync failed: ${error.message}`));
  const listener = await sql.listen('radius_clients', syncQuietly);
  const timers = [setInterval(syncQuietly, options.clientPollMs ?? 30_000)];
  const sweepEvery = options.sweepIntervalMs ?? 60_000;
  if (sweepEvery > 0) timers.push(setInterval(() => void sweep(sql, log), sweepEvery));
  for (const timer of timers) timer.unref();
  // A change made while nothing was listening (e.g. during a restart of this process).
  syncQuietly();
  const disconnects = await startDisconnects({ sql, log, ...options.disconnects });
  return {
    syncClients: sync,
    deliverDisconnects: disconnects.deliver,
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      await listener.unlisten().catch(() => {});
      await disconnects.stop();
    },
  };
}

/** One run of the sweeper; results are logged only when it did something. */
export async function sweep(sql: postgres.Sql, log: (line: string) => void): Promise<void> {
  try {
    const [row] = await sql`select radius.sweep() as result`;
    const result = row.result as { closed_sessions: number; expired_vouchers: number };
    if (result.closed_sessions || result.expired_vouchers) log(`sweep: ${JSON.stringify(result)}`);
  } catch (error) {
    log(`sweep failed: ${(error as Error).message}`);
  }
}
