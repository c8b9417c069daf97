// An Africa's Talking SMS simulator (shared/reference/sms-kenya.md): POST /version1/messaging
// with an apiKey header and a form body answers HTTP 201 with a status per recipient, and
// records every message. Recipients whose number ends in 0405 (InsufficientBalance), 0403
// (InvalidPhoneNumber) or 0406 (UserInBlacklist) fail inside the 201; a request to a number
// ending in 0500 gets HTTP 500 (a transport-level failure to retry). GET /_sim/messages?to=+254…
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { close, listen, readAll, send } from './daraja.ts';

export type SimSms = {
  messageId: string;
  username: string;
  to: string;
  message: string;
  from: string | null;
  statusCode: number;
  status: string;
  at: string;
};

const FAILURES: Record<string, [number, string]> = {
  '0405': [405, 'InsufficientBalance'],
  '0403': [403, 'InvalidPhoneNumber'],
  '0406': [406, 'UserInBlacklist'],
};

export type SmsSim = { url: string; messages: SimSms[]; stop: () => Promise<void> };

export async function startSmsSim(options: { port: number }): Promise<SmsSim> {
  const messages: SimSms[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sim');
      const raw = await readAll(req);
      if (url.pathname === '/_sim/messages') {
        const to = url.searchParams.get('to');
        return send(res, 200, to ? messages.filter((m) => m.to === to) : messages);
      }
      if (url.pathname !== '/version1/messaging' || req.method !== 'POST') {
        res.writeHead(404).end('Not found');
        return;
      }
      if (!req.headers.apikey) {
        res
          .writeHead(401, { 'content-type': 'text/plain' })
          .end('The supplied authentication is invalid');
        return;
      }
      const form = new URLSearchParams(raw);
      const username = form.get('username') ?? '';
      const to = (form.get('to') ?? '')
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean);
      const message = form.get('message') ?? '';
      if (!username || !to.length || !message) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('Missing username, to or message');
        return;
      }
      if (to.some((n) => n.endsWith('0500'))) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
        return;
      }
      const recipients = to.map((number) => {
        const [statusCode, status] = FAILURES[number.slice(-4)] ?? [101, 'Success'];
        const messageId = statusCode === 101 ? `ATXid_${randomBytes(8).toString('hex')}` : 'None';
        messages.push({
          messageId,
          username,
          to: number,
          message,
          from: form.get('from'),
          statusCode,
          status,
          at: new Date().toISOString(),
        });
        return {
          statusCode,
          number,
          status,
          cost: statusCode === 101 ? 'KES 0.8000' : '0',
          messageId,
        };
      });
      const sent = recipients.filter((r) => r.statusCode === 101).length;
      send(res, 201, {
        SMSMessageData: {
          Message: `Sent to ${sent}/${recipients.length} Total Cost: KES ${(0.8 * sent).toFixed(4)}`,
          Recipients: recipients,
        },
      });
    })();
  });
  await listen(server, options.port);
  return { url: `http://127.0.0.1:${options.port}`, messages, stop: () => close(server) };
}
