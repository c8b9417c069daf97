import { createMailer } from '../../worker/mail.ts';

/** Where the auth stand-in sends its emails: an SMTP server, as GoTrue's SMTP_* settings. */
export type SmtpSettings = { host: string; port: number; from: string };

export type Mailer = (message: {
  to: string;
  subject: string;
  html: string;
  text: string;
}) => Promise<void>;

/** Sends through SMTP (locally the mail catcher, stack/sim/mail.ts), as the worker's mail does. */
export function smtpMailer(settings: SmtpSettings): Mailer {
  const url = new URL(`smtp://${settings.host}:${settings.port}`);
  return createMailer({ url, from: settings.from }).send;
}

const escape = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** Supabase's default invite and recovery templates (subject and one link). */
export function authEmail(kind: 'invite' | 'recovery', link: string) {
  const [subject, heading, action] =
    kind === 'invite'
      ? [
          'You have been invited',
          'You have been invited',
          'You have been invited to create a user. Follow this link to accept the invite:',
        ]
      : [
          'Reset Your Password',
          'Reset Password',
          'Follow this link to reset the password for your user:',
        ];
  return {
    subject,
    html: `<h2>${heading}</h2>\n<p>${action}</p>\n<p><a href="${escape(link)}">${kind === 'invite' ? 'Accept the invite' : 'Reset Password'}</a></p>`,
    text: `${heading}\n\n${action}\n${link}\n`,
  };
}
