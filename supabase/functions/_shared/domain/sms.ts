/**
 * Africa's Talking SMS: the send request and its answer. HTTP 201 only means "accepted": each
 * recipient has its own status, and only `Success` (101) counts as sent
 * (shared/reference/sms-kenya.md).
 *
 * Pure TypeScript shared by the apps and the Deno edge functions: only `zod` may be imported.
 */
import * as z from 'zod';

export const AT_BASE_URLS = {
  sandbox: 'https://api.sandbox.africastalking.com',
  live: 'https://api.africastalking.com',
} as const;

/** Sandbox accounts are called `sandbox`; everything else is live. */
export function atBaseUrl(username: string): string {
  return username === 'sandbox' ? AT_BASE_URLS.sandbox : AT_BASE_URLS.live;
}

/** The form body of POST /version1/messaging for one recipient. */
export function atSendForm(input: {
  username: string;
  to: string;
  message: string;
  from?: string | null;
}): URLSearchParams {
  const form = new URLSearchParams({
    username: input.username,
    to: input.to,
    message: input.message,
  });
  if (input.from) form.set('from', input.from);
  return form;
}

const recipient = z.object({
  statusCode: z.union([z.number(), z.string()]).transform(Number),
  number: z.string(),
  status: z.string(),
  cost: z.string().optional(),
  messageId: z.string().optional(),
});

export const atSendResponse = z.object({
  SMSMessageData: z.object({
    Message: z.string().optional(),
    Recipients: z.array(recipient),
  }),
});
export type AtRecipient = z.output<typeof recipient>;

/** What one send attempt came to, for private.sms_result(). */
export type SmsOutcome = {
  outcome: 'sent' | 'retry' | 'failed';
  messageId: string | null;
  error: string | null;
  recipients: AtRecipient[];
};

/** Per-recipient statuses worth retrying later (the provider's side, not the number's). */
const RETRYABLE_CODES = new Set([102, 500, 501, 502]);

/** Reads an AT answer (status + parsed JSON body, or null when not JSON). */
export function interpretAtResponse(httpStatus: number, body: unknown, to: string): SmsOutcome {
  if (httpStatus >= 500 || httpStatus === 429) {
    return { outcome: 'retry', messageId: null, error: `HTTP ${httpStatus}`, recipients: [] };
  }
  if (httpStatus !== 201) {
    return {
      outcome: 'failed',
      messageId: null,
      error: `HTTP ${httpStatus}: ${JSON.stringify(body)?.slice(0, 200)}`,
      recipients: [],
    };
  }
  const parsed = atSendResponse.safeParse(body);
  if (!parsed.success) {
    return { outcome: 'retry', messageId: null, error: 'unreadable answer', recipients: [] };
  }
  const recipients = parsed.data.SMSMessageData.Recipients;
  const mine = recipients.find((r) => r.number === to) ?? recipients[0];
  if (!mine) {
    return {
      outcome: 'failed',
      messageId: null,
      error: parsed.data.SMSMessageData.Message ?? 'no recipients',
      recipients,
    };
  }
  if (mine.status === 'Success' || mine.statusCode === 101) {
    return { outcome: 'sent', messageId: mine.messageId ?? null, error: null, recipients };
  }
  return {
    outcome: RETRYABLE_CODES.has(mine.statusCode) ? 'retry' : 'failed',
    messageId: mine.messageId ?? null,
    error: `${mine.statusCode} ${mine.status}`,
    recipients,
  };
}
