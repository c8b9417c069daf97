/**
 * M-Pesa Daraja (M-Pesa Express / STK push) payloads and rules, as the reference
 * (shared/reference/mpesa-daraja.md) describes them, including the real-world quirks: decimal
 * `Amount`, a `Balance` item without `Value`, `ResultCode` as a number or a string,
 * `expires_in` as a string, `TransactionDate` and `PhoneNumber` as numbers.
 *
 * Pure TypeScript shared by the apps and the Deno edge functions: only `zod` may be imported.
 */
import * as z from 'zod';
import { DEFAULT_LANGUAGE, type Language } from './languages.ts';
import { fromMsisdn, isMsisdn } from './phone.ts';

/** Daraja's base URLs per environment. */
export const DARAJA_BASE_URLS = {
  sandbox: 'https://sandbox.safaricom.co.ke',
  production: 'https://api.safaricom.co.ke',
} as const;
export type DarajaEnvironment = keyof typeof DARAJA_BASE_URLS;

/** The public sandbox passkey for shortcode 174379 (Daraja test credentials). */
export const SANDBOX_PASSKEY = 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919';

/** Words Daraja refuses in callback URLs (case-insensitive). */
export const FORBIDDEN_CALLBACK_WORDS = [
  'm-pesa',
  'mpesa',
  'safaricom',
  'exe',
  'exec',
  'cmd',
  'sql',
  'query',
] as const;

/** The forbidden words a callback URL contains (empty when Daraja would accept it). */
export function forbiddenCallbackWords(url: string): string[] {
  const lower = url.toLowerCase();
  return FORBIDDEN_CALLBACK_WORDS.filter((word) => lower.includes(word));
}

// ---------------------------------------------------------------------------------------------
// Timestamp and password
// ---------------------------------------------------------------------------------------------

const NAIROBI_OFFSET_MS = 3 * 3600 * 1000; // EAT, UTC+3 all year (no daylight saving)

/** `YYYYMMDDHHmmss` in Africa/Nairobi time, as Daraja's `Timestamp` (and `TransactionDate`). */
export function darajaTimestamp(at: Date = new Date()): string {
  const local = new Date(at.getTime() + NAIROBI_OFFSET_MS);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    pad(local.getUTCFullYear(), 4) +
    pad(local.getUTCMonth() + 1) +
    pad(local.getUTCDate()) +
    pad(local.getUTCHours()) +
    pad(local.getUTCMinutes()) +
    pad(local.getUTCSeconds())
  );
}

/** A `YYYYMMDDHHmmss` Nairobi-time stamp (string or number) as a Date, or null if malformed. */
export function parseDarajaTimestamp(value: string | number): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(String(value));
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const utc = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) - NAIROBI_OFFSET_MS;
  const date = new Date(utc);
  return darajaTimestamp(date) === String(value) ? date : null;
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** STK `Password`: base64(BusinessShortCode + Passkey + Timestamp). */
export function stkPassword(shortcode: string, passkey: string, timestamp: string): string {
  return base64(`${shortcode}${passkey}${timestamp}`);
}

/** `Authorization` header value for the OAuth token request. */
export function basicAuth(consumerKey: string, consumerSecret: string): string {
  return `Basic ${base64(`${consumerKey}:${consumerSecret}`)}`;
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

export type MpesaAccount = {
  shortcode: string;
  passkey: string;
  accountType: 'paybill' | 'till';
  tillNumber?: string | null;
};

export type StkPushRequest = {
  BusinessShortCode: string;
  Password: string;
  Timestamp: string;
  TransactionType: 'CustomerPayBillOnline' | 'CustomerBuyGoodsOnline';
  Amount: number;
  PartyA: string;
  PartyB: string;
  PhoneNumber: string;
  CallBackURL: string;
  AccountReference: string;
  TransactionDesc: string;
};

/**
 * The STK push body. `AccountReference` is cut to 12 and `TransactionDesc` to 13 characters
 * (Daraja's limits); the amount must be whole shillings and the phone an MSISDN (2547…/2541…).
 */
export function stkPushRequest(input: {
  account: MpesaAccount;
  amountKes: number;
  msisdn: string;
  callbackUrl: string;
  accountReference: string;
  description: string;
  at?: Date;
}): StkPushRequest {
  const { account } = input;
  if (!Number.isSafeInteger(input.amountKes) || input.amountKes < 1) {
    throw new RangeError(`STK amount must be whole shillings >= 1: ${input.amountKes}`);
  }
  if (!isMsisdn(input.msisdn)) {
    throw new RangeError(`Not an MSISDN: ${input.msisdn}`);
  }
  const forbidden = forbiddenCallbackWords(input.callbackUrl);
  if (forbidden.length) {
    throw new RangeError(`Daraja refuses callback URLs containing ${forbidden.join(', ')}`);
  }
  const timestamp = darajaTimestamp(input.at);
  const till = account.accountType === 'till';
  return {
    BusinessShortCode: account.shortcode,
    Password: stkPassword(account.shortcode, account.passkey, timestamp),
    Timestamp: timestamp,
    TransactionType: till ? 'CustomerBuyGoodsOnline' : 'CustomerPayBillOnline',
    Amount: input.amountKes,
    PartyA: input.msisdn,
    PartyB: till ? (account.tillNumber ?? account.shortcode) : account.shortcode,
    PhoneNumber: input.msisdn,
    CallBackURL: input.callbackUrl,
    AccountReference: input.accountReference.replace(/[^A-Za-z0-9 -]/g, '').slice(0, 12) || 'WIFI',
    TransactionDesc: input.description.slice(0, 13) || 'WiFi',
  };
}

/** The STK Query body. */
export function stkQueryRequest(account: MpesaAccount, checkoutRequestId: string, at?: Date) {
  const timestamp = darajaTimestamp(at);
  return {
    BusinessShortCode: account.shortcode,
    Password: stkPassword(account.shortcode, account.passkey, timestamp),
    Timestamp: timestamp,
    CheckoutRequestID: checkoutRequestId,
  };
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/** A number or a numeric string → number (`expires_in: "3599"`). */
const numberish = z.union([z.number(), z.string().regex(/^\s*\d+(\.\d+)?\s*$/)]).transform(Number);

/** `ResultCode`/`ResponseCode`: number or string; kept as a trimmed string (`0`, `1032`, `SFC_IC0003`). */
export const resultCode = z
  .union([z.number().int(), z.string().trim().min(1).max(40)])
  .transform((value) => String(value).trim());

/** OAuth token response; `expires_in` may be a string. */
export const tokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: numberish,
});
export type TokenResponse = z.output<typeof tokenResponse>;

/** Synchronous answer to an STK push. `ResponseCode` "0" = accepted (not paid). */
export const stkPushResponse = z.object({
  MerchantRequestID: z.string().min(1).max(100),
  CheckoutRequestID: z.string().min(1).max(100),
  ResponseCode: resultCode,
  ResponseDescription: z.string().optional(),
  CustomerMessage: z.string().optional(),
});
export type StkPushResponse = z.output<typeof stkPushResponse>;

/** Daraja's error shape (HTTP 4xx/5xx): `{requestId, errorCode, errorMessage}`. */
export const darajaError = z.object({
  requestId: z.string().optional(),
  errorCode: z.string(),
  errorMessage: z.string().optional(),
});
export type DarajaError = z.output<typeof darajaError>;

/** `errorCode` 500.001.1001 on STK Query with this message: the customer has not answered yet. */
export function isStillProcessing(error: DarajaError): boolean {
  return error.errorCode === '500.001.1001' && /being processed/i.test(error.errorMessage ?? '');
}

/** `404.001.03`: the access token is no longer valid (a newer one replaced it): refresh once. */
export function isInvalidToken(error: DarajaError): boolean {
  return error.errorCode === '404.001.03';
}

/** STK Query answer once the outcome is known (`ResultCode` as a string here). */
export const stkQueryResponse = z.object({
  ResponseCode: resultCode,
  ResponseDescription: z.string().optional(),
  MerchantRequestID: z.string().optional(),
  CheckoutRequestID: z.string().optional(),
  ResultCode: resultCode,
  ResultDesc: z.string().optional().default(''),
});
export type StkQueryResponse = z.output<typeof stkQueryResponse>;

const metadataItem = z.object({
  Name: z.string(),
  // Balance comes without Value; values are numbers or strings.
  Value: z.union([z.number(), z.string()]).optional(),
});

/** Raw STK callback body. */
export const stkCallbackBody = z.object({
  Body: z.object({
    stkCallback: z.object({
      MerchantRequestID: z.string().max(100),
      CheckoutRequestID: z.string().min(1).max(100),
      ResultCode: resultCode,
      ResultDesc: z.string().max(1000).optional().default(''),
      CallbackMetadata: z.object({ Item: z.array(metadataItem).max(50) }).optional(),
    }),
  }),
});

/** An STK callback, flattened: items looked up by name, numbers turned into strings. */
export type StkCallback = {
  merchantRequestId: string;
  checkoutRequestId: string;
  resultCode: string;
  resultDesc: string;
  /** Decimal as sent (20.00 → 20); null when absent. */
  amount: number | null;
  receipt: string | null;
  /** E.164 (+2547…), or null when absent or masked. */
  phone: string | null;
  transactionDate: string | null;
};

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Parses a callback body (already JSON-decoded). Never throws. */
export function parseStkCallback(body: unknown): ParseResult<StkCallback> {
  const parsed = stkCallbackBody.safeParse(body);
  if (!parsed.success) return { ok: false, error: describe(parsed.error) };
  const cb = parsed.data.Body.stkCallback;
  const item = (name: string) =>
    cb.CallbackMetadata?.Item.find((entry) => entry.Name.toLowerCase() === name.toLowerCase())
      ?.Value;
  const amountValue = item('Amount');
  const amount =
    amountValue === undefined || amountValue === '' ? null : Number(String(amountValue).trim());
  if (amount !== null && (!Number.isFinite(amount) || amount < 0)) {
    return { ok: false, error: 'Amount is not a number' };
  }
  const receiptValue = item('MpesaReceiptNumber');
  const receipt =
    receiptValue === undefined ? null : String(receiptValue).trim().toUpperCase() || null;
  if (receipt !== null && !/^[A-Z0-9]{6,20}$/.test(receipt)) {
    return { ok: false, error: 'MpesaReceiptNumber is malformed' };
  }
  const phoneValue = item('PhoneNumber');
  const phoneDigits = phoneValue === undefined ? '' : String(phoneValue).trim();
  const phone = fromMsisdn(phoneDigits);
  const dateValue = item('TransactionDate');
  return {
    ok: true,
    value: {
      merchantRequestId: cb.MerchantRequestID,
      checkoutRequestId: cb.CheckoutRequestID,
      resultCode: cb.ResultCode,
      resultDesc: cb.ResultDesc,
      amount,
      receipt,
      phone,
      transactionDate: dateValue === undefined ? null : String(dateValue),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Result codes
// ---------------------------------------------------------------------------------------------

export type PaymentStatus = 'pending' | 'success' | 'failed' | 'cancelled' | 'timeout';

/**
 * The ResultCodes that are not a plain failure (reference, 2.4): 0 paid, 1032 cancelled by the
 * customer, 1037 and 1019 no answer in time. Every other code, known or not, fails the payment.
 * SQL twin: private.payment_status_for(), which settles payments; rule-parity.test.ts feeds
 * both every code of the reference.
 */
export const RESULT_CODE_STATUS: ReadonlyMap<string, 'success' | 'cancelled' | 'timeout'> = new Map(
  [
    ['0', 'success'],
    ['1032', 'cancelled'],
    ['1037', 'timeout'],
    ['1019', 'timeout'],
  ],
);

/** The payment status a ResultCode settles to (null or empty: failed, as in SQL). */
export function statusForResultCode(
  code: string | number | null,
): Exclude<PaymentStatus, 'pending'> {
  // Spaces only, like SQL's btrim(): a tab around "0" is not a success on either side.
  const key = String(code ?? '').replace(/^ +| +$/g, '');
  return RESULT_CODE_STATUS.get(key) ?? 'failed';
}

type Message = Record<Language, string>;

const RESULT_MESSAGES: Record<string, Message> = {
  '0': {
    en: 'Payment received. You are connected.',
    sw: 'Malipo yamepokelewa. Umeunganishwa.',
  },
  '1': {
    en: 'Your M-Pesa balance is too low. Top up and try again.',
    sw: 'Salio lako la M-Pesa halitoshi. Ongeza salio kisha ujaribu tena.',
  },
  '17': {
    en: 'M-Pesa blocked a repeat payment. Wait two minutes and try again.',
    sw: 'M-Pesa imezuia malipo yanayorudiwa. Subiri dakika mbili kisha ujaribu tena.',
  },
  '26': {
    en: 'M-Pesa is busy right now. Try again in a minute.',
    sw: 'M-Pesa ina shughuli nyingi sasa. Jaribu tena baada ya dakika moja.',
  },
  '1001': {
    en: 'Another M-Pesa request is open on your phone. Finish or cancel it, then try again.',
    sw: 'Kuna ombi lingine la M-Pesa kwenye simu yako. Limalize au ulighairi, kisha ujaribu tena.',
  },
  '1019': {
    en: 'The payment request expired. Try again.',
    sw: 'Ombi la malipo limeisha muda. Jaribu tena.',
  },
  '1025': {
    en: 'M-Pesa could not send the prompt. Try again.',
    sw: 'M-Pesa haikuweza kutuma ombi. Jaribu tena.',
  },
  '1032': {
    en: 'You cancelled the payment. Tap Pay to try again.',
    sw: 'Umeghairi malipo. Bonyeza Lipa kujaribu tena.',
  },
  '1037': {
    en: 'We could not reach your phone. Keep it on and unlocked, then try again.',
    sw: 'Hatukuweza kufikia simu yako. Iwashe na uifungue, kisha ujaribu tena.',
  },
  '2001': {
    en: 'Wrong M-Pesa PIN. Try again.',
    sw: 'Umeweka PIN ya M-Pesa isiyo sahihi. Jaribu tena.',
  },
  '8006': {
    en: 'Your M-Pesa PIN is locked. Call Safaricom on 100 or 200.',
    sw: 'PIN yako ya M-Pesa imefungwa. Piga Safaricom kwa 100 au 200.',
  },
};

const FALLBACK: Message = {
  en: 'The payment did not go through. Try again in a moment.',
  sw: 'Malipo hayakufanikiwa. Jaribu tena baada ya muda mfupi.',
};

const PENDING: Message = {
  en: 'Check your phone and enter your M-Pesa PIN.',
  sw: 'Angalia simu yako na uweke PIN yako ya M-Pesa.',
};

/** What to tell the customer about a result code, in English or Swahili. */
export function resultMessage(
  code: string | number | null,
  language: Language = DEFAULT_LANGUAGE,
): string {
  if (code === null) return PENDING[language];
  return (RESULT_MESSAGES[String(code).trim()] ?? FALLBACK)[language];
}

/** Customer message for a payment's state. */
export function paymentMessage(
  status: PaymentStatus,
  resultCode: string | null,
  language: Language = DEFAULT_LANGUAGE,
): string {
  if (status === 'pending') return PENDING[language];
  if (status === 'success') return RESULT_MESSAGES['0']![language];
  if (status === 'timeout' && (resultCode === null || resultCode === '')) {
    return RESULT_MESSAGES['1037']![language];
  }
  return resultMessage(resultCode ?? '', language);
}

/** Whether the customer may simply try again after this result code. */
export function isRetryable(code: string | number): boolean {
  return !['2028', '8006', 'SFC_IC0003'].includes(String(code).trim());
}

// ---------------------------------------------------------------------------------------------
// C2B (paybill / till payments made by hand)
// ---------------------------------------------------------------------------------------------

/** C2B confirmation / validation body (same shape for both); amounts are strings. */
export const c2bNotification = z.object({
  TransactionType: z.string().max(40).optional(),
  TransID: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{6,20}$/, { error: 'TransID is malformed' }),
  TransTime: z.union([z.string(), z.number()]).transform(String).optional(),
  TransAmount: z
    .union([z.string(), z.number()])
    .transform((value) => Number(String(value).trim()))
    .refine((value) => Number.isFinite(value) && value >= 0, {
      error: 'TransAmount is not a number',
    }),
  BusinessShortCode: z.union([z.string(), z.number()]).transform((value) => String(value).trim()),
  BillRefNumber: z.string().max(40).optional().default(''),
  MSISDN: z.union([z.string(), z.number()]).transform(String).optional(),
  FirstName: z.string().max(100).optional(),
});
export type C2bNotification = z.output<typeof c2bNotification>;

/** The C2B register-URL body for a shortcode. */
export function c2bRegisterRequest(
  shortcode: string,
  confirmationUrl: string,
  validationUrl: string,
) {
  for (const url of [confirmationUrl, validationUrl]) {
    const forbidden = forbiddenCallbackWords(url);
    if (forbidden.length) {
      throw new RangeError(`Daraja refuses URLs containing ${forbidden.join(', ')}`);
    }
  }
  return {
    ShortCode: shortcode,
    ResponseType: 'Completed' as const,
    ConfirmationURL: confirmationUrl,
    ValidationURL: validationUrl,
  };
}

// ---------------------------------------------------------------------------------------------
// Transaction Status: is this receipt real money, credited to us?
// ---------------------------------------------------------------------------------------------

/** The Transaction Status body for a receipt (TransactionID) of the organization's shortcode
 * (IdentifierType 4: an organization shortcode). The answer arrives later at ResultURL. */
export function transactionStatusRequest(input: {
  initiator: string;
  securityCredential: string;
  receipt: string;
  shortcode: string;
  resultUrl: string;
  timeoutUrl: string;
}) {
  for (const url of [input.resultUrl, input.timeoutUrl]) {
    const forbidden = forbiddenCallbackWords(url);
    if (forbidden.length) {
      throw new RangeError(`Daraja refuses URLs containing ${forbidden.join(', ')}`);
    }
  }
  return {
    Initiator: input.initiator,
    SecurityCredential: input.securityCredential,
    CommandID: 'TransactionStatusQuery' as const,
    TransactionID: input.receipt,
    PartyA: input.shortcode,
    IdentifierType: '4',
    ResultURL: input.resultUrl,
    QueueTimeOutURL: input.timeoutUrl,
    Remarks: 'Receipt check',
    Occasion: 'WiFi',
  };
}

/** Synchronous acknowledgement of a Transaction Status query (`ResponseCode` "0" = accepted). */
export const transactionStatusAck = z.object({
  OriginatorConversationID: z.string().max(100).optional(),
  ConversationID: z.string().max(100).optional(),
  ResponseCode: resultCode,
  ResponseDescription: z.string().optional(),
});

const resultParameter = z.object({
  Key: z.string().max(100),
  Value: z.union([z.number(), z.string(), z.boolean(), z.null()]).optional(),
});

/** The Result Daraja POSTs to ResultURL. `ResultParameter` is an array of key/value pairs (one
 * pair may come as a bare object). */
export const transactionStatusResult = z.object({
  Result: z.object({
    ResultType: z.union([z.number(), z.string()]).optional(),
    ResultCode: resultCode,
    ResultDesc: z.string().max(500).optional().default(''),
    ConversationID: z.string().max(100).optional(),
    OriginatorConversationID: z.string().max(100).optional(),
    TransactionID: z.string().max(100).optional(),
    ResultParameters: z
      .object({ ResultParameter: z.union([z.array(resultParameter).max(100), resultParameter]) })
      .optional(),
  }),
});

export type TransactionStatus = {
  resultCode: string;
  resultDesc: string;
  conversationId: string | null;
  receiptNo: string | null;
  amount: string | null;
  transactionStatus: string | null;
  debitParty: string | null;
  creditParty: string | null;
};

/** A Result body → the fields that decide a receipt (private.receipt_status_result). */
export function parseTransactionStatus(body: unknown): ParseResult<TransactionStatus> {
  const parsed = transactionStatusResult.safeParse(body);
  if (!parsed.success) return { ok: false, error: parsed.error.message };
  const result = parsed.data.Result;
  const raw = result.ResultParameters?.ResultParameter;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const value = (key: string) => {
    const found = list.find((item) => item.Key === key)?.Value;
    return found === undefined || found === null ? null : String(found).trim();
  };
  return {
    ok: true,
    value: {
      resultCode: result.ResultCode,
      resultDesc: result.ResultDesc,
      conversationId: result.ConversationID ?? null,
      receiptNo: value('ReceiptNo'),
      amount: value('Amount'),
      transactionStatus: value('TransactionStatus'),
      debitParty: value('DebitPartyName'),
      creditParty: value('CreditPartyName'),
    },
  };
}
