// The worker's own mail (job alerts to platform staff, worker/alerts.ts), through the operator's
// SMTP server: WB_SMTP_URL and WB_MAIL_FROM (worker/README.md, Mail). Locally stack/stack.ts
// points it at the mail catcher (stack/sim/mail.ts), as the auth stand-in's mail.
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { z } from 'zod';

export type MailSettings = { url: URL; from: string };
export type Mail = { to: string | string[]; subject: string; text: string; html?: string };
export type Mailer = { send: (mail: Mail) => Promise<void> };

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;
const URL_FORM = 'smtps://user:password@host:465 or smtp://user:password@host:587';

// The messages name the setting, never its value: the URL holds the SMTP password.
const schema = z.object({
  WB_SMTP_URL: z.string().transform((value, ctx) => {
    const url = URL.canParse(value) ? new URL(value) : undefined;
    const ok =
      url &&
      (url.protocol === 'smtp:' || url.protocol === 'smtps:') &&
      url.hostname &&
      (url.pathname === '' || url.pathname === '/') &&
      !url.search;
    if (ok) return url;
    ctx.addIssue({ code: 'custom', message: `WB_SMTP_URL must look like ${URL_FORM}` });
    return z.NEVER;
  }),
  WB_MAIL_FROM: z
    .string({ error: 'WB_MAIL_FROM is not set (the address the worker mails from)' })
    .trim()
    .refine(
      (from) => z.email().safeParse(/<([^<>]+)>$/.exec(from)?.[1] ?? from).success,
      'WB_MAIL_FROM must be an address, or "Name <address>"',
    ),
});

/** The mail settings, or undefined when WB_SMTP_URL is unset (no mail); throws when invalid. */
export function readMailSettings(env: NodeJS.ProcessEnv = process.env): MailSettings | undefined {
  if (!env.WB_SMTP_URL) return undefined;
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  return { url: parsed.data.WB_SMTP_URL, from: parsed.data.WB_MAIL_FROM };
}

/** The server, without the password: what the worker may log. */
export function smtpServer({ url }: MailSettings): string {
  return `${url.protocol}//${url.username ? `${decodeURIComponent(url.username)}@` : ''}${url.host}`;
}

/** nodemailer's transport for the settings. */
export function transportOptions({ url }: MailSettings): SMTPTransport.Options {
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port) || (secure ? 465 : 587),
    secure,
    // smtp:// must upgrade with STARTTLS, so that the password and the mail never cross a
    // network in clear text; only a server on this host (the local mail catcher) may go without.
    requireTLS: !secure && !LOOPBACK.test(url.hostname),
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    // Bounded: an alert's mail is sent while its claim holds the job's row (worker/alerts.ts).
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  };
}

export function createMailer(settings: MailSettings): Mailer {
  const transport = nodemailer.createTransport(transportOptions(settings));
  return {
    send: async (mail) => {
      await transport.sendMail({ from: settings.from, ...mail });
    },
  };
}
