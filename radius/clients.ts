// Keeps a running FreeRADIUS's clients (the routers) equal to the database. FreeRADIUS reads
// clients only at start and cannot add SQL clients with require_message_authenticator, so:
// - a new router is written to its own file and added live through the control socket
//   (radmin "add client file"): it works at once, nothing restarts;
// - a changed or removed router (address, secret, Message-Authenticator setting) rewrites
//   clients.conf and restarts FreeRADIUS, which takes a few hundred milliseconds; routers
//   retransmit whatever they sent meanwhile.
// Changes are noticed through LISTEN radius_clients (triggers on routers and router_secrets)
// and, in case a notification is missed, by polling.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type postgres from 'postgres';
import { renderClient, renderClients, type RadiusClient } from './clients-conf.ts';
import { handToFreerad } from './render.ts';

const run = promisify(execFile);

/** The routers FreeRADIUS must answer, as the `freeradius` role sees them. */
export async function fetchClients(sql: postgres.Sql): Promise<RadiusClient[]> {
  const rows = await sql<
    { router_id: string; nas_ip: string; secret: string; require_message_authenticator: boolean }[]
  >`select router_id, host(nas_ip) as nas_ip, secret, require_message_authenticator
    from radius.nas_clients()`;
  return rows.map((row) => ({
    routerId: row.router_id,
    nasIp: row.nas_ip,
    secret: row.secret,
    requireMessageAuthenticator: row.require_message_authenticator,
  }));
}

export type SyncResult = 'unchanged' | 'added' | 'restarted';

export type ClientSyncOptions = {
  /** Connection as the `worker` role. */
  sql: postgres.Sql;
  /** The rendered configuration directory (holds clients.conf). */
  raddb: string;
  /** FreeRADIUS's control socket (sites-available/wifi-billing-control). */
  controlSocket: string;
  /** The clients the running server loaded at start. */
  loaded: RadiusClient[];
  /** Restarts FreeRADIUS after clients.conf was rewritten. */
  restart: () => Promise<void>;
  log: (line: string) => void;
};

/** Compares database and server and applies the difference; calls never overlap. */
export function clientSync(options: ClientSyncOptions): () => Promise<SyncResult> {
  const { sql, raddb, controlSocket, restart, log } = options;
  let loaded = sectionsById(options.loaded);
  let queue: Promise<SyncResult> = Promise.resolve('unchanged');

  const syncOnce = async (): Promise<SyncResult> => {
    const clients = await fetchClients(sql);
    const skipped: string[] = [];
    const text = renderClients(clients, (client, reason) =>
      skipped.push(`${client.routerId}: ${reason}`),
    );
    const wanted = sectionsById(clients);
    const removedOrChanged = [...loaded].filter(([id, section]) => wanted.get(id) !== section);
    const added = [...wanted].filter(([id]) => !loaded.has(id));
    if (removedOrChanged.length === 0 && added.length === 0) return 'unchanged';
    for (const line of skipped) log(`router left out of clients.conf: ${line}`);

    const file = join(raddb, 'clients.conf');
    writeFileSync(file, text, { mode: 0o640 });
    handToFreerad(file);
    if (removedOrChanged.length === 0 && (await addLive(added))) {
      loaded = wanted;
      log(`added ${added.length} router(s) as RADIUS clients`);
      return 'added';
    }
    await restart();
    loaded = wanted;
    log(
      `restarted FreeRADIUS: ${removedOrChanged.length} router(s) changed or removed, ${added.length} added`,
    );
    return 'restarted';
  };

  const addLive = async (added: [string, string][]): Promise<boolean> => {
    for (const [id, section] of added) {
      const file = join(raddb, 'clients.d', `${id}.conf`);
      writeFileSync(file, section, { mode: 0o640 });
      handToFreerad(file);
      try {
        await run('radmin', ['-f', controlSocket, '-e', `add client file ${file}`], {
          timeout: 5000,
        });
      } catch (error) {
        log(
          `radmin could not add router ${id} (${(error as Error).message.trim()}): restarting instead`,
        );
        return false;
      }
    }
    return true;
  };

  return () => {
    queue = queue.catch(() => 'unchanged' as const).then(syncOnce);
    return queue;
  };
}

/** Routers whose section can be rendered, by router id. */
function sectionsById(clients: RadiusClient[]): Map<string, string> {
  const sections = new Map<string, string>();
  for (const client of clients) {
    try {
      sections.set(client.routerId, renderClient(client));
    } catch {
      // left out of clients.conf, reported by renderClients
    }
  }
  return sections;
}
