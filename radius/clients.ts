// Keeps this host's FreeRADIUS clients (the routers) equal to the database, without ever
// restarting it: one restart would drop every operator's logins and accounting for a moment, and
// an owner toggling a setting in a loop must not be able to cause one.
//
// How (raddb/clients.conf says why this way on FreeRADIUS 3.2):
// - every router is one file, clients.d/ipv4/<address> or clients.d/ipv6/<address>, which
//   FreeRADIUS loads as a dynamic client: all of them when it starts (so a FreeRADIUS restarted
//   for any reason, by anyone, has every router back without this worker), and a router whose
//   file appeared later at its first packet;
// - a changed or removed router: its file is rewritten or removed, then FreeRADIUS is told
//   `del client ipaddr <address>` through its control socket, so the router's next packet finds
//   no client and FreeRADIUS loads the file again (new secret, new Message-Authenticator
//   setting) or, without a file, drops it. A new address is a new file; the old one is removed
//   and deleted like any other.
//
// Each run compares the database with the files (the record of what this FreeRADIUS was given)
// and applies the difference; a `del` that could not be delivered is kept and retried. The
// first run in a worker deletes every router, since whatever FreeRADIUS holds may predate this
// worker (one that died between writing a file and its `del`): each router is then read from its
// file at its next packet. Runs are started by NOTIFY radius_clients (sooner) and every 30 s
// (worker/README.md), on every RADIUS host, each for its own FreeRADIUS; calls never overlap.
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type postgres from 'postgres';
import {
  CLIENT_FOLDERS,
  clientFile,
  clientProblem,
  renderClient,
  type RadiusClient,
} from './clients-conf.ts';
import { radmin } from './radmin.ts';
import { handToFreerad } from './render.ts';

/** The routers FreeRADIUS must answer, as the `worker` role sees them. */
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

/** What one run changed: files written or removed, and routers FreeRADIUS was told to drop. */
export type SyncResult = { written: number; removed: number; deleted: number };

export type ClientSyncOptions = {
  /** Connection as the `worker` role. */
  sql: postgres.Sql;
  /** The rendered configuration directory (holds clients.d). */
  raddb: string;
  /** FreeRADIUS's control socket (sites-available/wifi-billing-control). */
  controlSocket: string;
  /** How long a run waits for a FreeRADIUS that is (re)starting to open its socket. */
  socketWaitMs?: number;
  log: (line: string) => void;
};

/** Compares database and files, applies the difference; calls never overlap. */
export function clientSync(options: ClientSyncOptions): () => Promise<SyncResult> {
  const { sql, controlSocket, log } = options;
  const dir = join(options.raddb, 'clients.d');
  // Files whose router FreeRADIUS may still hold as it was: deleted once radmin gets through.
  const undeleted = new Set<string>();
  let firstRun = true;
  let skippedBefore = '';
  let queue: Promise<SyncResult> = Promise.resolve({ written: 0, removed: 0, deleted: 0 });

  const syncOnce = async (): Promise<SyncResult> => {
    const wanted = new Map<string, string>();
    const skipped: string[] = [];
    for (const client of await fetchClients(sql)) {
      const problem = clientProblem(client);
      if (problem) skipped.push(`${client.routerId}: ${problem}`);
      else wanted.set(clientFile(client), renderClient(client));
    }
    if (skipped.join('\n') !== skippedBefore)
      for (const line of skipped) log(`router left out of FreeRADIUS: ${line}`);
    skippedBefore = skipped.join('\n');

    const present = readClientFiles(dir);
    const result: SyncResult = { written: 0, removed: 0, deleted: 0 };
    for (const [file, text] of wanted) {
      if (present.get(file) === text) continue;
      writeClientFile(join(dir, file), text);
      undeleted.add(file);
      result.written++;
    }
    for (const file of present.keys()) {
      if (wanted.has(file)) continue;
      rmSync(join(dir, file), { force: true });
      undeleted.add(file);
      result.removed++;
    }
    if (firstRun) for (const file of wanted.keys()) undeleted.add(file);

    if (undeleted.size > 0) {
      const files = [...undeleted];
      await deleteFromServer(files);
      for (const file of files) undeleted.delete(file);
      result.deleted = files.length;
      log(
        `RADIUS clients: ${result.written} file(s) written, ${result.removed} removed, ` +
          `${files.length} router(s) to be read again${firstRun ? ' (worker start)' : ''}`,
      );
    }
    firstRun = false;
    return result;
  };

  /**
   * `del client ipaddr` for each file's address. "was not dynamically defined" / "No such
   * client" mean FreeRADIUS holds nothing at that address (only the network entries of
   * clients.conf match it): nothing to drop. A socket that is missing or refuses (FreeRADIUS
   * starting) is tried again for a few seconds; after that the run fails and the next one retries.
   */
  const deleteFromServer = async (files: string[]) => {
    const commands = files.map((file) => `del client ipaddr ${file.slice(file.indexOf('/') + 1)}`);
    const deadline = Date.now() + (options.socketWaitMs ?? 5000);
    for (;;) {
      try {
        const { errors } = await radmin(controlSocket, commands);
        const unexpected = errors.filter(
          (error) => !/was not dynamically defined|^No such client/.test(error),
        );
        if (unexpected.length > 0) throw new Error(`radmin: ${unexpected.join('; ')}`);
        return;
      } catch (error) {
        if (Date.now() > deadline || !/Failed connecting/.test((error as Error).message))
          throw error;
        await sleep(250);
      }
    }
  };

  mkdirSync(dir, { recursive: true });
  for (const folder of CLIENT_FOLDERS) mkdirSync(join(dir, folder), { recursive: true });
  return () => {
    queue = queue.catch(() => ({ written: 0, removed: 0, deleted: 0 })).then(syncOnce);
    return queue;
  };
}

/** The routers' files under clients.d, by `ipv4/<address>`; dot files are ours, in progress. */
export function readClientFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const folder of CLIENT_FOLDERS) {
    let names: string[] = [];
    try {
      names = readdirSync(join(dir, folder));
    } catch {
      continue;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      files.set(`${folder}/${name}`, readFileSync(join(dir, folder, name), 'utf8'));
    }
  }
  return files;
}

/**
 * Writes a client file whole: under a dot name first (FreeRADIUS skips those), then renamed.
 * Its modification time is set 2 s ahead: FreeRADIUS keeps a deleted client whose file is older
 * than the client (whole seconds), and a write landing while it was reading the old text must
 * never look older than what it read.
 */
export function writeClientFile(path: string, text: string): void {
  const slash = path.lastIndexOf('/');
  const temporary = `${path.slice(0, slash)}/.${path.slice(slash + 1)}.new`;
  writeFileSync(temporary, text, { mode: 0o640 });
  const ahead = new Date(Date.now() + 2000);
  utimesSync(temporary, ahead, ahead);
  handToFreerad(temporary);
  renameSync(temporary, path);
}
