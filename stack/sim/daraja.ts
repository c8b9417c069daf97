// A Daraja (M-Pesa Express) sandbox simulator faithful to shared/reference/mpesa-daraja.md:
// OAuth where every new token invalidates the previous one and `expires_in` is sometimes a
// string; STK push that validates the password and answers synchronously, then POSTs the
// result to CallBackURL; STK Query that answers "The transaction is being processed" while
// pending; real payload quirks (decimal Amount, Balance without Value, some ResultCodes as
// strings). The outcome is chosen by the last four digits of the phone number (DEMO_PHONES), and
// per-phone switches delay, drop or duplicate callbacks, or send a late success after a timeout.
//
// Transaction Status (`/mpesa/transactionstatus/v1/query`) answers from the simulator's ledger
// of receipts (STK payments it completed, C2B payments it delivered, receipts registered through
// the control API): a synchronous acknowledgement, then the Result POSTed to ResultURL; a wrong
// initiator or SecurityCredential gives ResultCode 2001, an unknown receipt or one credited to
// another shortcode a non-zero ResultCode.
//
// Control API for tests: GET /_sim/pushes?phone=2547…, POST /_sim/phones/<msisdn> {switches},
// GET /_sim/tokens, POST /_sim/receipts {receipt, amount, shortcode, msisdn, status?} (a payment
// M-Pesa really saw), GET /_sim/status-queries.
//
// C2B: the simulator is one sandbox for every organization (it does not know their environment),
// so registerurl replaces a shortcode's URLs freely, as the sandbox does. Production registers a
// shortcode once: POST /_sim/c2b/<shortcode>/production makes that shortcode behave so (a second
// registerurl is refused until DELETE /_sim/c2b/<shortcode>/urls, Daraja self-service's "URL
// management" delete). The exact error production sends is not documented; ours is a 400.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export const SANDBOX_SHORTCODE = '174379';
export const SANDBOX_PASSKEY = 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919';
/** The simulator's API operator and its SecurityCredential (in production the initiator's
 * password encrypted with Safaricom's certificate; here one fixed value). */
export const SANDBOX_INITIATOR = 'testapi';
export const SANDBOX_SECURITY_CREDENTIAL = 'c2ltdWxhdG9yLWluaXRpYXRvci1jcmVkZW50aWFs';

/** A payment M-Pesa saw, as Transaction Status reports it. */
export type SimReceipt = {
  receipt: string;
  amount: number;
  /** The shortcode (or till) credited. */
  shortcode: string;
  msisdn: string;
  status: 'Completed' | 'Cancelled' | 'Expired';
  at: number;
};

/** Outcome by the phone's last four digits; anything else pays. */
export const OUTCOMES: Record<string, { code: number | string; desc: string }> = {
  '1032': { code: 1032, desc: 'Request cancelled by user' },
  '0001': { code: 1, desc: 'The balance is insufficient for the transaction.' },
  '1037': { code: 1037, desc: 'DS timeout user cannot be reached' },
  // Sent as a string, as Daraja does for some errors.
  '2001': { code: '2001', desc: 'The initiator information is invalid.' },
  '0017': { code: 17, desc: 'Rule limited.' },
  '1001': {
    code: 1001,
    desc: 'Unable to lock subscriber, a transaction is already in process for the current subscriber',
  },
};

/** Demo numbers for the banner: local form → what happens. */
export const DEMO_PHONES: [string, string][] = [
  ['0708374149', 'pays (any number not listed here pays)'],
  ['0700001032', 'cancels (1032)'],
  ['0700000001', 'insufficient funds (1)'],
  ['0700001037', 'does not answer (1037)'],
  ['0700002001', 'wrong PIN (2001)'],
  ['0700000017', 'rule limited (17)'],
];

export type PhoneSwitches = {
  /** Milliseconds between the push and its callback (default 150). */
  delayMs?: number;
  /** Never send the callback (the query still knows the outcome). */
  drop?: boolean;
  /** Send the callback this many times at once. */
  duplicates?: number;
  /** Send a 1037 timeout first, then a success with a receipt after this many ms. */
  lateSuccessAfterMs?: number;
  /** Deliver the callback before answering the STK push request. */
  callbackBeforeResponse?: boolean;
  /** Report this amount in the success callback instead of what was asked. */
  amountOverride?: number;
};

export type SimPush = {
  checkoutRequestId: string;
  merchantRequestId: string;
  phone: string;
  amount: number;
  shortcode: string;
  callbackUrl: string;
  accountReference: string;
  status: 'pending' | 'done';
  resultCode: number | string | null;
  resultDesc: string | null;
  receipt: string | null;
  callbacks: { status: number | null; at: string; resultCode: number | string }[];
  createdAt: number;
};

export type DarajaSim = { url: string; pushes: SimPush[]; stop: () => Promise<void> };

export function receiptNumber(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let out = 'T';
  for (const byte of randomBytes(9)) out += alphabet[byte % alphabet.length];
  return out;
}

function nairobiStamp(at = new Date()): string {
  return new Date(at.getTime() + 3 * 3600_000).toISOString().replace(/\D/g, '').slice(0, 14);
}

/** Success callback as Daraja writes it: Amount with two decimals, Balance without Value. */
export function successCallbackJson(push: SimPush, amount: number, receipt: string): string {
  return `{"Body":{"stkCallback":{"MerchantRequestID":"${push.merchantRequestId}","CheckoutRequestID":"${push.checkoutRequestId}","ResultCode":0,"ResultDesc":"The service request is processed successfully.","CallbackMetadata":{"Item":[{"Name":"Amount","Value":${amount.toFixed(2)}},{"Name":"MpesaReceiptNumber","Value":"${receipt}"},{"Name":"Balance"},{"Name":"TransactionDate","Value":${nairobiStamp()}},{"Name":"PhoneNumber","Value":${push.phone}}]}}}}`;
}

export function failureCallbackJson(push: SimPush, code: number | string, desc: string): string {
  return JSON.stringify({
    Body: {
      stkCallback: {
        MerchantRequestID: push.merchantRequestId,
        CheckoutRequestID: push.checkoutRequestId,
        ResultCode: code,
        ResultDesc: desc,
      },
    },
  });
}

export async function startDarajaSim(options: {
  port: number;
  log?: (line: string) => void;
}): Promise<DarajaSim> {
  const log = options.log ?? (() => {});
  const tokens = new Map<string, string>(); // consumer key → its one valid token
  const valid = new Set<string>();
  let issued = 0;
  const pushes: SimPush[] = [];
  const switches = new Map<string, PhoneSwitches>();
  const timers = new Set<NodeJS.Timeout>();
  const c2bUrls = new Map<string, { confirmation: string; validation: string }>();
  const c2bProduction = new Set<string>(); // shortcodes registered once, as in production
  const ledger = new Map<string, SimReceipt>();
  const record = (receipt: string, amount: number, shortcode: string, msisdn: string) =>
    ledger.set(receipt, {
      receipt,
      amount,
      shortcode,
      msisdn,
      status: 'Completed',
      at: Date.now(),
    });
  const statusQueries: { receipt: string; resultCode: number | string; status: number | null }[] =
    [];
  const c2bPayments: {
    transId: string;
    shortcode: string;
    amount: number;
    msisdn: string;
    validation: number | null;
    confirmation: number | null;
    done: boolean;
  }[] = [];

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  async function deliver(push: SimPush, body: string, code: number | string, copies = 1) {
    await Promise.all(
      Array.from({ length: copies }, async () => {
        const entry = {
          status: null as number | null,
          at: new Date().toISOString(),
          resultCode: code,
        };
        push.callbacks.push(entry);
        try {
          const response = await fetch(push.callbackUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(15_000),
          });
          entry.status = response.status;
          await response.body?.cancel();
        } catch (error) {
          log(`callback to ${push.callbackUrl} failed: ${(error as Error).message}`);
        }
      }),
    );
  }

  async function complete(push: SimPush, sw: PhoneSwitches) {
    const suffix = push.phone.slice(-4);
    const recent = pushes.find(
      (other) =>
        other !== push &&
        other.phone === push.phone &&
        other.amount === push.amount &&
        other.resultCode === 0 &&
        push.createdAt - other.createdAt < 120_000,
    );
    const outcome = recent ? OUTCOMES['0017']! : OUTCOMES[suffix];
    const copies = Math.max(1, sw.duplicates ?? 1);
    if (sw.lateSuccessAfterMs !== undefined) {
      push.status = 'done';
      push.resultCode = 1037;
      push.resultDesc = OUTCOMES['1037']!.desc;
      if (!sw.drop) await deliver(push, failureCallbackJson(push, 1037, push.resultDesc), 1037);
      later(sw.lateSuccessAfterMs, () => {
        push.resultCode = 0;
        push.resultDesc = 'The service request is processed successfully.';
        push.receipt = receiptNumber();
        record(push.receipt, sw.amountOverride ?? push.amount, push.shortcode, push.phone);
        void deliver(
          push,
          successCallbackJson(push, sw.amountOverride ?? push.amount, push.receipt),
          0,
        );
      });
      return;
    }
    push.status = 'done';
    if (outcome) {
      push.resultCode = outcome.code;
      push.resultDesc = outcome.desc;
      if (!sw.drop)
        await deliver(
          push,
          failureCallbackJson(push, outcome.code, outcome.desc),
          outcome.code,
          copies,
        );
    } else {
      push.resultCode = 0;
      push.resultDesc = 'The service request is processed successfully.';
      push.receipt = receiptNumber();
      record(push.receipt, sw.amountOverride ?? push.amount, push.shortcode, push.phone);
      if (!sw.drop) {
        await deliver(
          push,
          successCallbackJson(push, sw.amountOverride ?? push.amount, push.receipt),
          0,
          copies,
        );
      }
    }
  }

  function bearerOk(req: IncomingMessage): boolean {
    const token = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
    return token !== undefined && valid.has(token);
  }

  function passwordOk(body: Record<string, unknown>): boolean {
    const expected = Buffer.from(
      `${body.BusinessShortCode}${SANDBOX_PASSKEY}${body.Timestamp}`,
    ).toString('base64');
    return body.Password === expected && /^\d{14}$/.test(String(body.Timestamp));
  }

  const requestId = () => `${randomBytes(4).toString('hex')}-${Date.now()}`;
  const error = (res: ServerResponse, status: number, errorCode: string, errorMessage: string) =>
    send(res, status, { requestId: requestId(), errorCode, errorMessage });

  async function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://sim');
    const raw = await readAll(req);

    if (url.pathname === '/oauth/v1/generate') {
      const basic = req.headers.authorization?.match(/^Basic (.+)$/)?.[1];
      if (!basic) return error(res, 400, '400.008.01', 'Invalid Authentication passed');
      if (url.searchParams.get('grant_type') !== 'client_credentials') {
        return error(res, 400, '400.008.02', 'Invalid grant type passed');
      }
      const key = Buffer.from(basic, 'base64').toString().split(':')[0] ?? '';
      const token = randomBytes(14).toString('base64url');
      const previous = tokens.get(key);
      if (previous) valid.delete(previous);
      tokens.set(key, token);
      valid.add(token);
      issued++;
      return send(res, 200, { access_token: token, expires_in: issued % 2 ? '3599' : 3599 });
    }

    if (
      url.pathname === '/mpesa/stkpush/v1/processrequest' ||
      url.pathname === '/mpesa/stkpushquery/v1/query'
    ) {
      if (req.method !== 'POST') return error(res, 405, '405.001', 'Method not allowed');
      if (!bearerOk(req)) return error(res, 404, '404.001.03', 'Invalid Access Token');
      if (!String(req.headers['content-type']).includes('application/json')) {
        return error(res, 400, '400.002.02', 'Bad Request - Invalid BusinessShortCode');
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return error(res, 400, '400.002.02', 'Bad Request - Invalid JSON');
      }
      if (!passwordOk(body)) return error(res, 500, '500.001.1001', 'Wrong credentials');

      if (url.pathname.endsWith('/query')) {
        const push = pushes.find((p) => p.checkoutRequestId === body.CheckoutRequestID);
        if (!push) return error(res, 400, '400.002.02', 'Bad Request - Invalid CheckoutRequestID');
        if (push.status === 'pending') {
          return error(res, 500, '500.001.1001', 'The transaction is being processed');
        }
        return send(res, 200, {
          ResponseCode: '0',
          ResponseDescription: 'The service request has been accepted successsfully',
          MerchantRequestID: push.merchantRequestId,
          CheckoutRequestID: push.checkoutRequestId,
          ResultCode: String(push.resultCode),
          ResultDesc: push.resultDesc,
        });
      }

      const phone = String(body.PhoneNumber ?? '');
      if (!/^254[17]\d{8}$/.test(phone))
        return error(res, 400, '400.002.02', 'Bad Request - Invalid PhoneNumber');
      const amount = Number(body.Amount);
      if (!Number.isInteger(amount) || amount < 1 || amount > 250_000) {
        return error(res, 400, '400.002.02', 'Bad Request - Invalid Amount');
      }
      const callbackUrl = String(body.CallBackURL ?? '');
      if (
        !/^https?:\/\//.test(callbackUrl) ||
        /m-?pesa|safaricom|exe|cmd|sql|query/i.test(callbackUrl)
      ) {
        return error(res, 400, '400.002.02', 'Bad Request - Invalid CallBackURL');
      }
      if (String(body.AccountReference ?? '').length > 12) {
        return error(res, 400, '400.002.02', 'Bad Request - Invalid AccountReference');
      }
      if (pushes.some((p) => p.phone === phone && p.status === 'pending')) {
        return error(
          res,
          500,
          '500.001.1001',
          'Unable to lock subscriber, a transaction is already in process for the current subscriber',
        );
      }
      const push: SimPush = {
        checkoutRequestId: `ws_CO_${nairobiStamp()}${randomBytes(5).toString('hex')}`,
        merchantRequestId: `${randomBytes(2).toString('hex')}-${randomBytes(2).toString('hex')}-${Date.now()}`,
        phone,
        amount,
        shortcode: String(body.BusinessShortCode),
        callbackUrl,
        accountReference: String(body.AccountReference ?? ''),
        status: 'pending',
        resultCode: null,
        resultDesc: null,
        receipt: null,
        callbacks: [],
        createdAt: Date.now(),
      };
      pushes.push(push);
      const sw = switches.get(phone) ?? {};
      const answer = {
        MerchantRequestID: push.merchantRequestId,
        CheckoutRequestID: push.checkoutRequestId,
        ResponseCode: '0',
        ResponseDescription: 'Success. Request accepted for processing',
        CustomerMessage: 'Success. Request accepted for processing',
      };
      if (sw.callbackBeforeResponse) {
        await complete(push, sw);
        return send(res, 200, answer);
      }
      later(sw.delayMs ?? 150, () => void complete(push, sw));
      return send(res, 200, answer);
    }

    if (url.pathname === '/mpesa/c2b/v2/registerurl' || url.pathname === '/mpesa/c2b/v2/simulate') {
      if (req.method !== 'POST') return error(res, 405, '405.001', 'Method not allowed');
      if (!bearerOk(req)) return error(res, 404, '404.001.03', 'Invalid Access Token');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return error(res, 400, '400.002.02', 'Bad Request - Invalid JSON');
      }
      const shortcode = String(body.ShortCode ?? '');
      const conversation = {
        OriginatorCoversationID: `${randomBytes(2).toString('hex')}-${Date.now()}-1`,
        ResponseCode: '0',
      };
      if (url.pathname.endsWith('/registerurl')) {
        const confirmation = String(body.ConfirmationURL ?? '');
        const validation = String(body.ValidationURL ?? '');
        if (!['Completed', 'Cancelled'].includes(String(body.ResponseType))) {
          return error(res, 400, '400.002.02', 'Bad Request - Invalid ResponseType');
        }
        if (
          [confirmation, validation].some(
            (u) => !/^https?:\/\//.test(u) || /m-?pesa|safaricom|exe|cmd|sql|query/i.test(u),
          )
        ) {
          return error(res, 400, '400.002.02', 'Bad Request - Invalid URL');
        }
        if (c2bProduction.has(shortcode) && c2bUrls.has(shortcode)) {
          return error(
            res,
            400,
            '400.002.02',
            'Bad Request - URLs already registered for ShortCode',
          );
        }
        c2bUrls.set(shortcode, { confirmation, validation });
        return send(res, 200, { ...conversation, ResponseDescription: 'success' });
      }
      const urls = c2bUrls.get(shortcode);
      if (!urls)
        return error(res, 400, '400.002.02', 'Bad Request - ShortCode has no registered URLs');
      const msisdn = String(body.Msisdn ?? '254708374149');
      const amount = Number(body.Amount);
      const entry = {
        transId: receiptNumber(),
        shortcode,
        amount,
        msisdn,
        validation: null as number | null,
        confirmation: null as number | null,
        done: false,
      };
      c2bPayments.push(entry);
      record(entry.transId, amount, shortcode, msisdn);
      const note = JSON.stringify({
        TransactionType: body.CommandID === 'CustomerBuyGoodsOnline' ? 'Buy Goods' : 'Pay Bill',
        TransID: entry.transId,
        TransTime: nairobiStamp(),
        TransAmount: amount.toFixed(2),
        BusinessShortCode: shortcode,
        BillRefNumber: String(body.BillRefNumber ?? ''),
        InvoiceNumber: '',
        OrgAccountBalance: '12345.00',
        ThirdPartyTransID: '',
        // Production sends a SHA-256 hash of the payer's number.
        MSISDN: createHash('sha256').update(msisdn).digest('hex'),
        FirstName: 'JANE',
        MiddleName: '',
        LastName: '',
      });
      later(20, () => {
        void (async () => {
          const post = (target: string) =>
            fetch(target, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: note,
            })
              .then(async (r) => {
                const text = await r.text();
                return { status: r.status, text };
              })
              .catch(() => ({ status: 0, text: '' }));
          const validated = await post(urls.validation);
          entry.validation = validated.status;
          if (validated.status === 200 && /"ResultCode"\s*:\s*"?0"?/.test(validated.text)) {
            entry.confirmation = (await post(urls.confirmation)).status;
          }
          entry.done = true;
        })();
      });
      return send(res, 200, {
        ...conversation,
        ResponseDescription: 'Accept the service request successfully.',
      });
    }

    if (url.pathname === '/mpesa/transactionstatus/v1/query') {
      return transactionStatus(req, res, raw);
    }

    if (url.pathname === '/_sim/receipts' && req.method === 'POST') {
      const body = JSON.parse(raw || '{}') as Partial<SimReceipt>;
      if (!body.receipt || typeof body.amount !== 'number' || !body.shortcode || !body.msisdn) {
        return error(res, 400, '400.002.02', 'Bad Request - receipt, amount, shortcode, msisdn');
      }
      ledger.set(body.receipt, {
        receipt: body.receipt,
        amount: body.amount,
        shortcode: body.shortcode,
        msisdn: body.msisdn,
        status: body.status ?? 'Completed',
        at: Date.now(),
      });
      return send(res, 200, { ok: true });
    }
    if (url.pathname === '/_sim/status-queries') return send(res, 200, statusQueries);
    if (url.pathname === '/_sim/c2b') return send(res, 200, c2bPayments);
    const c2bControl = /^\/_sim\/c2b\/(\d{5,8})\/(production|urls)$/.exec(url.pathname);
    if (c2bControl && c2bControl[2] === 'production' && req.method === 'POST') {
      c2bProduction.add(c2bControl[1]!);
      return send(res, 200, { ok: true });
    }
    if (c2bControl && c2bControl[2] === 'urls' && req.method === 'DELETE') {
      c2bUrls.delete(c2bControl[1]!);
      return send(res, 200, { ok: true });
    }
    if (c2bControl && c2bControl[2] === 'urls' && req.method === 'GET') {
      return send(res, 200, c2bUrls.get(c2bControl[1]!) ?? null);
    }
    if (url.pathname === '/_sim/pushes') {
      const phone = url.searchParams.get('phone');
      return send(res, 200, phone ? pushes.filter((p) => p.phone === phone) : pushes);
    }
    if (url.pathname === '/_sim/tokens') return send(res, 200, { issued, valid: valid.size });
    const phoneSwitch = /^\/_sim\/phones\/(254[17]\d{8})$/.exec(url.pathname);
    if (phoneSwitch && req.method === 'POST') {
      switches.set(phoneSwitch[1]!, JSON.parse(raw || '{}') as PhoneSwitches);
      return send(res, 200, { ok: true });
    }
    return error(res, 404, '404.001.01', 'Resource not found');
  }

  // Transaction Status: checks like Daraja's (token, JSON, every field), acknowledges at once
  // and POSTs the Result to ResultURL shortly after.
  async function transactionStatus(req: IncomingMessage, res: ServerResponse, raw: string) {
    if (req.method !== 'POST') return error(res, 405, '405.001', 'Method not allowed');
    if (!bearerOk(req)) return error(res, 404, '404.001.03', 'Invalid Access Token');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return error(res, 400, '400.002.02', 'Bad Request - Invalid JSON');
    }
    const text = (name: string) => (typeof body[name] === 'string' ? body[name] : '');
    const urlOk = (u: string) =>
      /^https?:\/\//.test(u) && !/m-?pesa|safaricom|exe|cmd|sql|query/i.test(u);
    if (text('CommandID') !== 'TransactionStatusQuery')
      return error(res, 400, '400.002.02', 'Bad Request - Invalid CommandID');
    if (!text('Initiator')) return error(res, 400, '400.002.02', 'Bad Request - Invalid Initiator');
    if (!text('SecurityCredential'))
      return error(res, 400, '400.002.02', 'Bad Request - Invalid SecurityCredential');
    if (!/^[A-Z0-9]{6,20}$/.test(text('TransactionID')))
      return error(res, 400, '400.002.02', 'Bad Request - Invalid TransactionID');
    if (!/^\d{5,8}$/.test(text('PartyA')))
      return error(res, 400, '400.002.02', 'Bad Request - Invalid PartyA');
    if (!['1', '2', '4'].includes(String(body.IdentifierType ?? '')))
      return error(res, 400, '400.002.02', 'Bad Request - Invalid IdentifierType');
    if (!urlOk(text('ResultURL')))
      return error(res, 400, '400.002.02', 'Bad Request - Invalid ResultURL');
    if (!urlOk(text('QueueTimeOutURL')))
      return error(res, 400, '400.002.02', 'Bad Request - Invalid QueueTimeOutURL');
    if (!text('Remarks') || text('Remarks').length > 100)
      return error(res, 400, '400.002.02', 'Bad Request - Invalid Remarks');
    const conversationId = `AG_${nairobiStamp().slice(0, 8)}_${randomBytes(10).toString('hex')}`;
    const originatorId = `${randomBytes(2).toString('hex')}-${Date.now()}-1`;
    const receipt = text('TransactionID');
    const known = ledger.get(receipt);
    const partyA = text('PartyA');
    let code: number | string = 0;
    let desc = 'The service request is processed successfully.';
    if (
      text('Initiator') !== SANDBOX_INITIATOR ||
      text('SecurityCredential') !== SANDBOX_SECURITY_CREDENTIAL
    ) {
      code = 2001;
      desc = 'The initiator information is invalid.';
    } else if (!known || known.shortcode !== partyA) {
      // Daraja does not show another organization's transaction.
      code = 'R000001';
      desc = 'The transaction receipt number does not exist.';
    }
    const result = {
      Result: {
        ResultType: 0,
        ResultCode: code,
        ResultDesc: desc,
        OriginatorConversationID: originatorId,
        ConversationID: conversationId,
        TransactionID: code === 0 ? receipt : 'NLC0000000',
        ...(code === 0 && known
          ? {
              ResultParameters: {
                ResultParameter: [
                  { Key: 'DebitPartyName', Value: `${known.msisdn} - JANE DOE` },
                  { Key: 'CreditPartyName', Value: `${known.shortcode} - WIFI BILLING TEST` },
                  { Key: 'OriginatorConversationID', Value: originatorId },
                  { Key: 'InitiatedTime', Value: Number(nairobiStamp(new Date(known.at))) },
                  { Key: 'DebitAccountType', Value: 'MMF Account For Customer' },
                  { Key: 'DebitPartyCharges' },
                  { Key: 'TransactionReason' },
                  { Key: 'ReasonType', Value: 'Pay Bill Online' },
                  { Key: 'TransactionStatus', Value: known.status },
                  { Key: 'FinalisedTime', Value: Number(nairobiStamp(new Date(known.at))) },
                  { Key: 'Amount', Value: known.amount },
                  { Key: 'ConversationID', Value: conversationId },
                  { Key: 'ReceiptNo', Value: known.receipt },
                ],
              },
            }
          : {}),
        ReferenceData: { ReferenceItem: { Key: 'Occasion', Value: text('Occasion') } },
      },
    };
    const entry = { receipt, resultCode: code, status: null as number | null };
    statusQueries.push(entry);
    later(30, () => {
      void fetch(text('ResultURL'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(result),
        signal: AbortSignal.timeout(15_000),
      })
        .then(async (response) => {
          entry.status = response.status;
          await response.body?.cancel();
        })
        .catch((err: Error) => log(`status result to ${text('ResultURL')} failed: ${err.message}`));
    });
    return send(res, 200, {
      OriginatorConversationID: originatorId,
      ConversationID: conversationId,
      ResponseCode: '0',
      ResponseDescription: 'Accept the service request successfully.',
    });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: Error) => {
      log(`daraja sim error: ${err.stack}`);
      if (!res.headersSent)
        send(res, 500, { errorCode: '500.003.1001', errorMessage: 'Internal Server Error' });
    });
  });
  await listen(server, options.port);
  return {
    url: `http://127.0.0.1:${options.port}`,
    pushes,
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      await close(server);
    },
  };
}

export function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

export function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json' }).end(text);
}

export function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
