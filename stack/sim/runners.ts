// What Supabase Cron and a database webhook do in production, for the local stack: call
// pay-reconcile and sms-dispatch on timers, and sms-dispatch as soon as an SMS is queued
// (LISTEN sms_outbox, which the table's insert trigger notifies).
import postgres from 'postgres';

export async function startPaymentRunners(options: {
  functionsUrl: string;
  serviceRoleKey: string;
  dbUrl: string;
  reconcileEveryMs?: number;
  smsSweepEveryMs?: number;
  log: (line: string) => void;
}): Promise<{ stop: () => Promise<void> }> {
  const call = (name: string, body: unknown = {}) =>
    fetch(`${options.functionsUrl}/${name}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.serviceRoleKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    })
      .then((response) => response.body?.cancel())
      .catch((error: Error) => options.log(`${name}: ${error.message}`));

  // One dispatch at a time; a notification during a run asks for one more run.
  let running: Promise<void> | null = null;
  let again = false;
  const dispatch = () => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        // A moment's wait lets a burst of payments share one dispatch.
        await new Promise((resolve) => setTimeout(resolve, 50));
        await call('sms-dispatch');
      } while (again);
      running = null;
    })();
  };

  const sql = postgres(options.dbUrl, { max: 1, onnotice: () => {} });
  await sql.listen('sms_outbox', dispatch);
  const timers = [
    setInterval(() => void call('pay-reconcile'), options.reconcileEveryMs ?? 20_000),
    setInterval(dispatch, options.smsSweepEveryMs ?? 10_000),
  ];
  return {
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      await running;
      await sql.end({ timeout: 1 });
    },
  };
}

/** Gives the demo organization (supabase/seed.sql) sandbox M-Pesa and SMS settings that point
 * at the simulators, unless someone configured it already. */
export async function configureDemoPayments(dbUrl: string): Promise<void> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`
      insert into private.mpesa_settings (organization_id, environment, shortcode, account_type,
        passkey, consumer_key, consumer_secret)
      select o.id, 'sandbox', '174379', 'paybill',
        'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919',
        'demo-consumer-key', 'demo-consumer-secret'
      from public.organizations o where o.id = 'd0000000-0000-4000-8000-000000000010'
      on conflict do nothing`;
    await sql`
      insert into private.sms_settings (organization_id, username, api_key, sender_id)
      select o.id, 'sandbox', 'demo-at-api-key', null
      from public.organizations o where o.id = 'd0000000-0000-4000-8000-000000000010'
      on conflict do nothing`;
  } finally {
    await sql.end();
  }
}
