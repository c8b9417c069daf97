// Added latency between FreeRADIUS and PostgreSQL for the benchmark.
//
// Preferred: FreeRADIUS runs in a network namespace the benchmark creates, with two veth pairs
// to the host: one carries RADIUS (no delay), the other the database connection, whose
// namespace end gets `tc qdisc netem delay <ms>` (every query round trip is <ms> longer).
// PostgreSQL listens on loopback only, so a plain TCP relay on the host end forwards to it.
//
// When that cannot be set up (no CAP_NET_ADMIN, no sch_netem in the kernel, ...) the reason is
// printed and a relay on loopback that holds every chunk back for half the delay in each
// direction stands in for it (same added round-trip time, measured in user space).
import { execFileSync } from 'node:child_process';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type Relay = { host: string; port: number; close: () => Promise<void> };

/** A TCP relay on host:0 to target, delaying each chunk by `delayMs` in each direction. */
export async function startRelay(
  host: string,
  target: { host: string; port: number },
  delayMs: number,
): Promise<Relay> {
  const sockets = new Set<Socket>();
  const pipe = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => {
      if (delayMs <= 0) to.write(chunk);
      // Equal timeouts fire in the order they were set: the byte stream keeps its order.
      else setTimeout(() => to.write(chunk), delayMs);
    });
    from.on('close', () => (delayMs <= 0 ? to.end() : setTimeout(() => to.end(), delayMs)));
    from.on('error', () => to.destroy());
  };
  const server: Server = createServer((client) => {
    client.setNoDelay(true);
    const upstream = createConnection(target);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('relay has no port');
  return {
    host,
    port: address.port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Namespace = {
  name: string;
  /** Where FreeRADIUS listens inside the namespace (RADIUS pair). */
  radiusAddress: string;
  /** The host's end of the RADIUS pair: the load generator's (router's) address. */
  clientAddress: string;
  /** The host's end of the database pair: where the relay to PostgreSQL listens. */
  dbAddress: string;
  teardown: () => void;
};

function run(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`${command} ${args.join(' ')}: ${stderr || (error as Error).message}`);
  }
}

/**
 * Creates namespace `name` with a RADIUS veth pair (10.251.0.1 host / .2 inside) and a database
 * pair (10.250.0.1 host / .2 inside) with netem on the inside end. Throws with the failing
 * command and its error when anything is missing; nothing is left behind then.
 */
export function createNetemNamespace(name: string, delayMs: number): Namespace {
  const suffix = String(process.pid % 10000);
  const radiusHost = `wbr${suffix}a`;
  const radiusInside = `wbr${suffix}b`;
  const dbHost = `wbd${suffix}a`;
  const dbInside = `wbd${suffix}b`;
  const teardown = () => {
    for (const args of [
      ['link', 'del', radiusHost],
      ['link', 'del', dbHost],
      ['netns', 'del', name],
    ]) {
      try {
        execFileSync('ip', args, { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
  };
  const inside = (...args: string[]) => run('ip', ['netns', 'exec', name, ...args]);
  try {
    run('ip', ['netns', 'add', name]);
    inside('ip', 'link', 'set', 'lo', 'up');
    for (const [host, peer, net] of [
      [radiusHost, radiusInside, '10.251.0'],
      [dbHost, dbInside, '10.250.0'],
    ]) {
      run('ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', peer, 'netns', name]);
      run('ip', ['addr', 'add', `${net}.1/24`, 'dev', host]);
      run('ip', ['link', 'set', host, 'up']);
      inside('ip', 'addr', 'add', `${net}.2/24`, 'dev', peer);
      inside('ip', 'link', 'set', peer, 'up');
    }
    inside('tc', 'qdisc', 'add', 'dev', dbInside, 'root', 'netem', 'delay', `${delayMs}ms`);
  } catch (error) {
    teardown();
    throw error;
  }
  return {
    name,
    radiusAddress: '10.251.0.2',
    clientAddress: '10.251.0.1',
    dbAddress: '10.250.0.1',
    teardown,
  };
}
