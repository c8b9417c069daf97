// The benchmark's load generator: real RADIUS over UDP from one source address, with PAP and
// Message-Authenticator computed here (radius/packet.ts) instead of one radclient process per
// packet. Closed loop (N requests in flight) for throughput, open loop (fixed rate) for latency.
import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import {
  ACCT_STATUS,
  ATTR,
  CODE,
  attributeText,
  decode,
  encodeRequest,
  integer,
  ipv4,
  text,
  verifyResponse,
  type Attribute,
  type Packet,
} from '../radius/packet.ts';

export type Target = { host: string; authPort: number; acctPort: number };
export type Client = { address: string; secret: string };
/** One hotspot user: the code (user name and password) and its device. */
export type User = { name: string; mac: string; sessionId: string };

export type Result = {
  sent: number;
  answered: number;
  /** Answers that were not the expected code (e.g. Access-Reject where an accept was expected). */
  wrong: number;
  lost: number;
  seconds: number;
  latenciesMs: number[];
};

/** One UDP socket from `client.address` with up to 256 requests in flight (one per id). */
class Channel {
  private socket: Socket;
  private pending = new Map<
    number,
    { request: Packet; resolve: (reply: Packet | null) => void; timer: NodeJS.Timeout }
  >();
  private nextId = randomInt(256);
  private client: Client;

  private constructor(socket: Socket, client: Client) {
    this.socket = socket;
    this.client = client;
    socket.on('message', (raw) => {
      let reply: Packet;
      try {
        reply = decode(raw);
      } catch {
        return;
      }
      const entry = this.pending.get(reply.id);
      if (!entry || !verifyResponse(reply, entry.request, this.client.secret)) return;
      clearTimeout(entry.timer);
      this.pending.delete(reply.id);
      entry.resolve(reply);
    });
  }

  static async open(client: Client): Promise<Channel> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, client.address, () => resolve());
    });
    return new Channel(socket, client);
  }

  send(
    host: string,
    port: number,
    build: (id: number) => Packet,
    timeoutMs: number,
  ): Promise<Packet | null> {
    let id = this.nextId;
    for (let i = 0; i < 256 && this.pending.has(id); i++) id = (id + 1) % 256;
    if (this.pending.has(id)) return Promise.resolve(null);
    this.nextId = (id + 1) % 256;
    const request = build(id);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(null);
      }, timeoutMs);
      this.pending.set(id, { request, resolve, timer });
      this.socket.send(request.raw, port, host);
    });
  }

  close(): void {
    this.socket.close();
  }
}

export function accessRequest(user: User, client: Client, id: number): Packet {
  const attributes: Attribute[] = [
    text(ATTR.userName, user.name),
    ipv4(ATTR.nasIpAddress, client.address),
    text(ATTR.callingStationId, user.mac),
    text(ATTR.calledStationId, 'hotspot1'),
    text(ATTR.nasIdentifier, 'bench-router'),
  ];
  return encodeRequest(CODE.accessRequest, id, attributes, client.secret, {
    password: user.name,
  });
}

export function accountingRequest(
  user: User,
  client: Client,
  id: number,
  status: number,
  seconds: number,
): Packet {
  const attributes: Attribute[] = [
    integer(ATTR.acctStatusType, status),
    text(ATTR.userName, user.name),
    text(ATTR.acctSessionId, user.sessionId),
    ipv4(ATTR.nasIpAddress, client.address),
    text(ATTR.callingStationId, user.mac),
    text(ATTR.calledStationId, 'hotspot1'),
    text(ATTR.nasIdentifier, 'bench-router'),
    text(ATTR.nasPortId, 'wlan1'),
  ];
  if (status !== ACCT_STATUS.start) {
    attributes.push(
      integer(ATTR.acctSessionTime, seconds),
      integer(ATTR.acctInputOctets, seconds * 1000),
      integer(ATTR.acctOutputOctets, seconds * 5000),
    );
  }
  return encodeRequest(CODE.accountingRequest, id, attributes, client.secret);
}

type Job = (channel: Channel, n: number) => Promise<'ok' | 'wrong' | 'lost'>;

function job(
  kind: 'login' | 'interim',
  target: Target,
  client: Client,
  users: User[],
  timeoutMs: number,
): Job {
  const counters = new Map<string, number>();
  return async (channel, n) => {
    const user = users[n % users.length];
    let reply: Packet | null;
    if (kind === 'login') {
      reply = await channel.send(
        target.host,
        target.authPort,
        (id) => accessRequest(user, client, id),
        timeoutMs,
      );
      if (!reply) return 'lost';
      if (reply.code !== CODE.accessAccept && process.env.BENCH_DEBUG) {
        console.log(user.name, reply.code, attributeText(reply, ATTR.replyMessage));
      }
      return reply.code === CODE.accessAccept ? 'ok' : 'wrong';
    }
    // Session totals only grow: each Interim reports 60 s more than the last.
    const seconds = (counters.get(user.sessionId) ?? 0) + 60;
    counters.set(user.sessionId, seconds);
    reply = await channel.send(
      target.host,
      target.acctPort,
      (id) => accountingRequest(user, client, id, ACCT_STATUS.interimUpdate, seconds),
      timeoutMs,
    );
    if (!reply) return 'lost';
    return reply.code === CODE.accountingResponse ? 'ok' : 'wrong';
  };
}

/**
 * Closed loop: `concurrency` workers each keep one request in flight for `seconds`. Worker w
 * uses users w, w + concurrency, … so no two workers share a user at the same time.
 */
export async function closedLoop(
  kind: 'login' | 'interim',
  target: Target,
  client: Client,
  users: User[],
  options: { concurrency: number; seconds: number; timeoutMs?: number },
): Promise<Result> {
  const channel = await Channel.open(client);
  const run = job(kind, target, client, users, options.timeoutMs ?? 3000);
  const result: Result = { sent: 0, answered: 0, wrong: 0, lost: 0, seconds: 0, latenciesMs: [] };
  const began = performance.now();
  const end = began + options.seconds * 1000;
  const perWorker = Math.max(1, Math.floor(users.length / options.concurrency));
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < end; i++) {
        const n = worker + options.concurrency * (i % perWorker);
        const t = performance.now();
        result.sent += 1;
        const outcome = await run(channel, n);
        if (outcome === 'lost') result.lost += 1;
        else {
          result.answered += 1;
          if (outcome === 'wrong') result.wrong += 1;
          result.latenciesMs.push(performance.now() - t);
        }
      }
    }),
  );
  result.seconds = (performance.now() - began) / 1000;
  channel.close();
  return result;
}

/** Open loop: one request every 1/rate seconds for `seconds`, whatever the answers do. */
export async function openLoop(
  kind: 'login' | 'interim',
  target: Target,
  client: Client,
  users: User[],
  options: { rate: number; seconds: number; timeoutMs?: number },
): Promise<Result> {
  const channel = await Channel.open(client);
  const run = job(kind, target, client, users, options.timeoutMs ?? 3000);
  const result: Result = { sent: 0, answered: 0, wrong: 0, lost: 0, seconds: 0, latenciesMs: [] };
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const began = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let n = 0; n < total; n++) {
    const due = began + n * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    result.sent += 1;
    const t = performance.now();
    inFlight.push(
      run(channel, n).then((outcome) => {
        if (outcome === 'lost') result.lost += 1;
        else {
          result.answered += 1;
          if (outcome === 'wrong') result.wrong += 1;
          result.latenciesMs.push(performance.now() - t);
        }
      }),
    );
  }
  await Promise.all(inFlight);
  result.seconds = (performance.now() - began) / 1000;
  channel.close();
  return result;
}

/** Sends one Accounting Start per user (sessions for the Interim-Update runs). */
export async function startSessions(target: Target, client: Client, users: User[]): Promise<void> {
  const channel = await Channel.open(client);
  for (let i = 0; i < users.length; i += 32) {
    const replies = await Promise.all(
      users
        .slice(i, i + 32)
        .map((user) =>
          channel.send(
            target.host,
            target.acctPort,
            (id) => accountingRequest(user, client, id, ACCT_STATUS.start, 0),
            3000,
          ),
        ),
    );
    if (replies.some((reply) => reply?.code !== CODE.accountingResponse)) {
      channel.close();
      throw new Error('an Accounting Start was not answered');
    }
  }
  channel.close();
}

/** Latency percentile (nearest rank) in ms. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
