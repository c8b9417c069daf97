// Sends queued sms_outbox rows through Africa's Talking with each organization's SMS settings,
// one request per message, and records the provider's answer per recipient (HTTP 201 can still
// carry a failed recipient). Transport errors and 5xx are retried with backoff by
// private.sms_result; a refused recipient fails for good (a resend would cost money again).
//
// Triggered right after a payment settles (the sms_outbox insert trigger: the local stack
// LISTENs and calls this; in production a Supabase database webhook on sms_outbox inserts does)
// and swept every minute by Supabase Cron / the local stack's timer. Secret key only.
import * as z from 'zod';
import {
  atBaseUrl,
  atSendForm,
  interpretAtResponse,
  type SmsOutcome,
} from '../_shared/domain/sms.ts';
import { db } from '../_shared/db.ts';
import { optionalEnv } from '../_shared/env.ts';
import { isServiceRole, json, readOptions } from '../_shared/http.ts';

const options = z.object({ limit: z.number().int().min(1).max(200).default(50) });

type Claimed = {
  id: string;
  to_phone: string;
  body: string;
  username: string | null;
  api_key: string | null;
  sender_id: string | null;
};

/** The Deno.serve handler of sms-dispatch. */
export async function handleSmsDispatch(request: Request): Promise<Response> {
  if (request.method !== 'POST') return json(405, { error: 'method_not_allowed' });
  if (!(await isServiceRole(request))) return json(403, { error: 'forbidden' });
  const parsed = await readOptions(request, options);
  if (!parsed.ok) return parsed.response;

  const sql = db();
  const claimed = await sql<Claimed[]>`select * from private.sms_claim(${parsed.options.limit})`;
  const summary = { claimed: claimed.length, sent: 0, retry: 0, failed: 0 };
  await Promise.all(
    claimed.map(async (message) => {
      const result = await send(message);
      summary[result.outcome]++;
      await sql`select private.sms_result(${message.id}, ${result.outcome}, ${result.messageId},
        ${result.error}, ${sql.json(result.recipients)})`;
    }),
  );
  return json(200, summary);
}

async function send(message: Claimed): Promise<SmsOutcome> {
  if (!message.username || !message.api_key) {
    return { outcome: 'retry', messageId: null, error: 'SMS is not set up', recipients: [] };
  }
  try {
    const response = await fetch(
      `${optionalEnv('AT_BASE_URL') ?? atBaseUrl(message.username)}/version1/messaging`,
      {
        method: 'POST',
        headers: {
          apiKey: message.api_key,
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: atSendForm({
          username: message.username,
          to: message.to_phone,
          message: message.body,
          from: message.sender_id,
        }),
        signal: AbortSignal.timeout(10_000),
      },
    );
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // AT answers some errors in plain text
    }
    return interpretAtResponse(response.status, body, message.to_phone);
  } catch (error) {
    return { outcome: 'retry', messageId: null, error: (error as Error).message, recipients: [] };
  }
}
