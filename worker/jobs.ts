// The platform's periodic jobs, registered in one place with their periods. The payment jobs
// call the edge functions that hold their logic (supabase/functions/pay-reconcile,
// sms-dispatch, pay-verify) with the secret key; the RADIUS jobs live in radius/housekeeping.ts.
import type { Job } from './runner.ts';

export type FunctionCaller = (name: string) => Promise<void>;

/** POSTs to an edge function as the platform; anything but a 2xx is the run's error. */
export function functionCaller(functionsUrl: string, secretKey: string): FunctionCaller {
  return async (name) => {
    const response = await fetch(`${functionsUrl}/${name}`, {
      method: 'POST',
      headers: {
        apikey: secretKey,
        authorization: `Bearer ${secretKey}`,
        'content-type': 'application/json',
      },
      body: '{}',
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${name} answered ${response.status}: ${text.slice(0, 200)}`);
  };
}

/** The payment jobs, and the NOTIFY channel that wakes each. */
export function paymentJobs(call: FunctionCaller): { jobs: Job[]; wakeOn: Record<string, string> } {
  return {
    jobs: [
      // Payments whose callback is late or lost: asks Daraja (STK Query) and settles them.
      {
        name: 'pay-reconcile',
        periodSeconds: 30,
        timeoutSeconds: 120,
        run: () => call('pay-reconcile'),
      },
      // Queued voucher SMS and their retries; the insert trigger's NOTIFY sends new ones at once.
      {
        name: 'sms-dispatch',
        periodSeconds: 10,
        timeoutSeconds: 120,
        run: () => call('sms-dispatch'),
      },
      // Unmatched receipts waiting for Daraja's Transaction Status: a stored receipt's NOTIFY
      // (and recover_voucher's) asks at once, so the customer rarely waits.
      {
        name: 'pay-verify',
        periodSeconds: 30,
        timeoutSeconds: 120,
        run: () => call('pay-verify'),
      },
    ],
    wakeOn: { sms_outbox: 'sms-dispatch', receipt_verification: 'pay-verify' },
  };
}
