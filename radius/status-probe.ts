// A Status-Server probe (RFC 5997) with a precise timeout, for readiness checks: radclient
// waits about a second per attempt whatever -t says. Real requests in tests still go through
// radclient; this only asks "does FreeRADIUS answer this client?".
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

const STATUS_SERVER = 12;
const MESSAGE_AUTHENTICATOR = 80;

export type ProbeOptions = {
  host: string;
  port: number;
  secret: string;
  /** Source address to send from (the router's address); any when omitted. */
  from?: string;
  timeoutMs: number;
};

/** Whether a correctly signed answer to one Status-Server came back within the timeout. */
export function statusAnswered(options: ProbeOptions): Promise<boolean> {
  const id = randomBytes(1)[0];
  const requestAuthenticator = randomBytes(16);
  const packet = Buffer.alloc(38);
  packet.writeUInt8(STATUS_SERVER, 0);
  packet.writeUInt8(id, 1);
  packet.writeUInt16BE(packet.length, 2);
  requestAuthenticator.copy(packet, 4);
  packet.writeUInt8(MESSAGE_AUTHENTICATOR, 20);
  packet.writeUInt8(18, 21);
  createHmac('md5', options.secret).update(packet).digest().copy(packet, 22);

  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const finish = (answered: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(answered);
    };
    const timer = setTimeout(() => finish(false), options.timeoutMs);
    socket.on('error', () => finish(false));
    socket.on('message', (reply) => {
      if (reply.length < 20 || reply[1] !== id) return;
      // Response Authenticator = MD5(code, id, length, request authenticator, attributes, secret).
      const expected = createHash('md5')
        .update(reply.subarray(0, 4))
        .update(requestAuthenticator)
        .update(reply.subarray(20))
        .update(options.secret)
        .digest();
      if (expected.equals(reply.subarray(4, 20))) finish(true);
    });
    socket.bind(0, options.from, () => socket.send(packet, options.port, options.host));
  });
}
