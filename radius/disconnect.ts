// Delivers the Disconnect-Requests queued in radius.disconnects (RFC 5176): takes due rows with
// radius.claim_disconnects(), sends each to its router's CoA port signed with the router's
// secret, retransmits until a correctly signed Disconnect-ACK or -NAK comes back, and records
// the answer with radius.record_disconnect() (a timeout is retried later by the database's
// schedule). The worker's radius-disconnects job (radius/housekeeping.ts) calls deliver() every
// few seconds and whenever NOTIFY radius_disconnects says a row is waiting.
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type postgres from 'postgres';
import {
  ATTR,
  CODE,
  attributeInteger,
  decode,
  encodeRequest,
  integer,
  ipv4,
  text,
  verifyResponse,
  type Attribute,
  type Packet,
} from './packet.ts';
import { maskUserName } from './log-mask.ts';

export type DisconnectTarget = { host: string; port: number; secret: string };
export type DisconnectResult = { result: 'ack' | 'nak' | 'timeout'; errorCause: number | null };

export type SendOptions = {
  /** How long to wait for an answer before retransmitting (default 1000 ms). */
  timeoutMs?: number;
  /** Transmissions in all (default 3). */
  tries?: number;
};

/**
 * Sends one Disconnect-Request and waits for its answer. Retransmissions repeat the same packet
 * (same id and authenticator), as RFC 5176 asks. Answers that are not correctly signed with the
 * router's secret are ignored.
 */
export function sendDisconnect(
  target: DisconnectTarget,
  attributes: Attribute[],
  options: SendOptions = {},
): Promise<DisconnectResult> {
  const timeoutMs = options.timeoutMs ?? 1000;
  const tries = options.tries ?? 3;
  const request = encodeRequest(CODE.disconnectRequest, randomInt(256), attributes, target.secret, {
    messageAuthenticator: true,
  });
  return new Promise((resolve) => {
    const socket = createSocket(isIPv6(target.host) ? 'udp6' : 'udp4');
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: DisconnectResult) => {
      clearTimeout(timer);
      socket.close();
      resolve(result);
    };
    const transmit = () => {
      if (sent >= tries) return finish({ result: 'timeout', errorCause: null });
      sent += 1;
      socket.send(request.raw, target.port, target.host, () => {});
      timer = setTimeout(transmit, timeoutMs);
    };
    // An ICMP "port unreachable" surfaces as an error on some systems: keep waiting for the
    // retransmissions (the router may be restarting its listener).
    socket.on('error', () => {});
    socket.on('message', (raw) => {
      let reply: Packet;
      try {
        reply = decode(raw);
      } catch {
        return;
      }
      if (!verifyResponse(reply, request, target.secret)) return;
      if (reply.code === CODE.disconnectAck) finish({ result: 'ack', errorCause: null });
      if (reply.code === CODE.disconnectNak) {
        finish({ result: 'nak', errorCause: attributeInteger(reply, ATTR.errorCause) ?? null });
      }
    });
    socket.bind(0, transmit);
  });
}

type Claimed = {
  id: string;
  attempt: number;
  nas_ip: string;
  coa_port: number;
  secret: string;
  user_name: string | null;
  acct_session_id: string | null;
  calling_station_id: string | null;
  framed_ip: string | null;
};

/** The attributes that identify a session to the router: all we have (RFC 5176 3). */
export function sessionAttributes(row: Omit<Claimed, 'id' | 'attempt' | 'secret'>): Attribute[] {
  const attributes: Attribute[] = [];
  if (row.user_name) attributes.push(text(ATTR.userName, row.user_name));
  if (row.acct_session_id) attributes.push(text(ATTR.acctSessionId, row.acct_session_id));
  if (row.calling_station_id) attributes.push(text(ATTR.callingStationId, row.calling_station_id));
  if (row.framed_ip && /^\d+\.\d+\.\d+\.\d+$/.test(row.framed_ip)) {
    attributes.push(ipv4(ATTR.framedIpAddress, row.framed_ip));
  }
  // Against replays (RFC 5176 3.4): routers may refuse packets whose time is far off.
  attributes.push(integer(ATTR.eventTimestamp, Math.floor(Date.now() / 1000)));
  return attributes;
}

export type DisconnectsOptions = SendOptions & {
  /** Connection as the `worker` role. */
  sql: postgres.Sql;
  log: (line: string) => void;
};

export type Disconnects = {
  /** Claims whatever is due now and sends it; answers are recorded as they come (stop() waits). */
  deliver: () => Promise<void>;
  stop: () => Promise<void>;
};

const MAX_IN_FLIGHT = 50;

export function disconnectDelivery(options: DisconnectsOptions): Disconnects {
  const { sql, log } = options;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  // Each request is handled on its own, so a router that never answers (3 tries) does not hold
  // up the others; claimed rows are leased for 30 s and not taken twice meanwhile.
  const inFlight = new Set<Promise<void>>();
  const handle = async (row: Claimed) => {
    const target = { host: row.nas_ip, port: row.coa_port, secret: row.secret };
    const answer = await sendDisconnect(target, sessionAttributes(row), options);
    const [state] = await sql<{ state: string | null }[]>`
      select radius.record_disconnect(${row.id}, ${answer.result}, ${answer.errorCause}) as state`;
    log(
      `disconnect ${row.id} (${row.user_name ? maskUserName(row.user_name) : '?'} at ${row.nas_ip}:${row.coa_port}, attempt ${row.attempt}): ${answer.result}${answer.errorCause ? ` ${answer.errorCause}` : ''}${state?.state === 'pending' ? ', will retry' : ''}`,
    );
  };
  const deliverOnce = async () => {
    for (;;) {
      if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
      const rows = await sql<Claimed[]>`
        select * from radius.claim_disconnects(${Math.min(20, MAX_IN_FLIGHT - inFlight.size)})`;
      if (rows.length === 0) return;
      for (const row of rows) {
        const job: Promise<void> = handle(row)
          .catch((error: Error) => log(`disconnect ${row.id} failed: ${error.message}`))
          .finally(() => inFlight.delete(job));
        inFlight.add(job);
      }
    }
  };

  const deliver = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await deliverOnce();
        } while (again && !stopped);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  return {
    deliver,
    stop: async () => {
      stopped = true;
      await running?.catch(() => {});
      await Promise.all(inFlight);
    },
  };
}
