// A mail catcher: a simulator of the outside SMTP service (the operator's SMTP server that
// Supabase Auth sends invitations and password resets through in production). A real SMTP
// server on a loopback port accepts every message (smtp-server), parses it (mailparser) and keeps
// it in memory; a small HTTP API lets tests read them:
//   GET    /_sim/messages?to=<address>  newest first (all messages without `to`)
//   DELETE /_sim/messages               forget every message
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { close, listen, send } from './daraja.ts';

export type CaughtMail = {
  id: string;
  from: string;
  /** Lower-cased recipient addresses from the SMTP envelope. */
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Every http(s) link in the message (from the HTML's hrefs, else the text). */
  links: string[];
  at: string;
};

export type MailSim = {
  url: string;
  smtp: { host: string; port: number };
  messages: CaughtMail[];
  stop: () => Promise<void>;
};

const MAX_MESSAGE_BYTES = 1024 * 1024;

function addresses(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return '';
  return (Array.isArray(value) ? value : [value]).map((a) => a.text).join(', ');
}

function linksOf(html: string, text: string): string[] {
  const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replaceAll('&amp;', '&'));
  const found = hrefs.length ? hrefs : [...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
  return found.filter((link) => /^https?:\/\//.test(link));
}

export async function startMailSim(options: {
  smtpPort: number;
  httpPort: number;
}): Promise<MailSim> {
  const messages: CaughtMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const html = typeof mail.html === 'string' ? mail.html : '';
          const text = mail.text ?? '';
          messages.push({
            id: randomUUID(),
            from: addresses(mail.from),
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            subject: mail.subject ?? '',
            text,
            html,
            links: linksOf(html, text),
            at: new Date().toISOString(),
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(options.smtpPort, '127.0.0.1', () => resolve());
  });

  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (url.pathname !== '/_sim/messages') return void res.writeHead(404).end('Not found');
    if (req.method === 'DELETE') {
      messages.length = 0;
      return void res.writeHead(204).end();
    }
    if (req.method !== 'GET') return void res.writeHead(405).end('Method not allowed');
    const to = url.searchParams.get('to')?.toLowerCase();
    const list = to ? messages.filter((m) => m.to.includes(to)) : messages;
    send(res, 200, [...list].reverse());
  });
  await listen(http, options.httpPort);

  return {
    url: `http://127.0.0.1:${options.httpPort}`,
    smtp: { host: '127.0.0.1', port: options.smtpPort },
    messages,
    stop: async () => {
      await close(http);
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}
