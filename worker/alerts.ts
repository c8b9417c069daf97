// job-alerts: mails platform staff when a job keeps failing, and once more when it recovers.
// When a job counts as failing, and that each incident is mailed once however many workers look,
// is decided in SQL (private.job_alerts_claim in supabase/migrations/20261205001100_platform.sql).
import type postgres from 'postgres';
import type { Mail, Mailer } from './mail.ts';
import type { JobGroup } from './worker.ts';

export type JobAlert = {
  kind: 'failing' | 'recovered';
  name: string;
  node: string;
  last_error: string | null;
  last_error_at: Date | null;
  last_succeeded_at: Date | null;
  failures_in_row: number;
  /** Every platform staff member's email. */
  recipients: string[];
};

export type AlertOptions = {
  /** Connection as the `worker` role. */
  sql: postgres.Sql;
  mailer: Mailer;
  log: (line: string) => void;
};

export function alertJobs(options: AlertOptions): JobGroup {
  return {
    jobs: [
      {
        name: 'job-alerts',
        periodSeconds: 60,
        timeoutSeconds: 60,
        run: (signal) => sendJobAlerts(options, signal),
      },
    ],
    wakeOn: {},
  };
}

/** Mails every alert that is due, each in the transaction that claims it. */
export async function sendJobAlerts({ sql, mailer, log }: AlertOptions, signal?: AbortSignal) {
  while (!signal?.aborted) {
    // The claim's row lock lasts until the mail is sent: another worker skips the alert
    // meanwhile, and when the mail fails the claim rolls back, so the next run tries again.
    const alert = await sql.begin(async (tx) => {
      const [row] = await tx<JobAlert[]>`select * from private.job_alerts_claim()`;
      if (row?.recipients.length) await mailer.send(alertMail(row));
      return row;
    });
    if (!alert) return;
    const to = alert.recipients.length ? `mailed ${alert.recipients.length}` : 'no platform staff';
    log(`job ${alert.name}${alert.node && ` on ${alert.node}`} ${alert.kind}: ${to}`);
  }
}

const when = (at: Date | null) => (at ? at.toISOString() : 'never');

export function alertMail(alert: JobAlert): Mail {
  const where = alert.node ? `on ${alert.node}` : '(platform-wide)';
  const look = [
    'Where to look: Platform → Jobs in the admin app, and on the worker hosts',
    '`journalctl -u wifi-billing-worker`.',
  ].join('\n');
  if (alert.kind === 'recovered') {
    return {
      to: alert.recipients,
      subject: `WiFi Billing: job ${alert.name} ${where} recovered`,
      text: [
        `The job ${alert.name} ${where} succeeded again at ${when(alert.last_succeeded_at)}.`,
        `Its last error (${when(alert.last_error_at)}): ${alert.last_error ?? 'none'}`,
        '',
        look,
      ].join('\n'),
    };
  }
  return {
    to: alert.recipients,
    subject: `WiFi Billing: job ${alert.name} ${where} is failing`,
    text: [
      `The job ${alert.name} ${where} has failed ${alert.failures_in_row} times in a row.`,
      '',
      `Last error (${when(alert.last_error_at)}): ${alert.last_error ?? 'none'}`,
      `Last success: ${when(alert.last_succeeded_at)}`,
      '',
      look,
      '',
      'You get one more email when it succeeds again.',
    ].join('\n'),
  };
}
