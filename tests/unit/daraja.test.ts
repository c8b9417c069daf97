import { describe, expect, it } from 'vitest';
import {
  SANDBOX_PASSKEY,
  darajaTimestamp,
  forbiddenCallbackWords,
  isInvalidToken,
  isStillProcessing,
  paymentMessage,
  parseDarajaTimestamp,
  parseStkCallback,
  resultMessage,
  statusForResultCode,
  stkPassword,
  stkPushRequest,
  stkQueryResponse,
  tokenResponse,
} from '../../supabase/functions/_shared/domain/daraja.ts';

const success = (amount: string, extra = '') =>
  JSON.parse(`{ "Body": { "stkCallback": {
    "MerchantRequestID": "29115-34620561-1",
    "CheckoutRequestID": "ws_CO_191220191020363925",
    "ResultCode": 0,
    "ResultDesc": "The service request is processed successfully.",
    "CallbackMetadata": { "Item": [
      { "Name": "Amount", "Value": ${amount} },
      { "Name": "MpesaReceiptNumber", "Value": "TAB1C2D3EF" },
      { "Name": "Balance" },
      { "Name": "TransactionDate", "Value": 20250115093042 },
      { "Name": "PhoneNumber", "Value": 254712345678 }${extra} ] } } } }`) as unknown;

describe('STK timestamp and password', () => {
  it('uses Nairobi time (UTC+3), including across midnight and the new year', () => {
    expect(darajaTimestamp(new Date('2025-01-15T06:30:00Z'))).toBe('20250115093000');
    expect(darajaTimestamp(new Date('2025-12-31T22:59:59Z'))).toBe('20260101015959');
  });

  it('reads a timestamp back, and refuses impossible dates', () => {
    expect(parseDarajaTimestamp(20250115093042)?.toISOString()).toBe('2025-01-15T06:30:42.000Z');
    expect(parseDarajaTimestamp('20250230093042')).toBeNull();
    expect(parseDarajaTimestamp('2025')).toBeNull();
  });

  it('matches the reference worked example', () => {
    expect(stkPassword('174379', SANDBOX_PASSKEY, '20250115093000')).toBe(
      'MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkzMDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMjUwMTE1MDkzMDAw',
    );
  });
});

describe('stkPushRequest', () => {
  const account = {
    shortcode: '174379',
    passkey: SANDBOX_PASSKEY,
    accountType: 'paybill' as const,
  };
  const base = {
    account,
    amountKes: 20,
    msisdn: '254712345678',
    callbackUrl: 'https://api.example.net/functions/v1/pay-notify/abc/0123',
    accountReference: 'Demo Cafe Hotspot!',
    description: 'WiFi 1 Hour plan for you',
    at: new Date('2025-01-15T06:30:00Z'),
  };

  it('builds a paybill request with Daraja limits applied', () => {
    const body = stkPushRequest(base);
    expect(body).toMatchObject({
      BusinessShortCode: '174379',
      Timestamp: '20250115093000',
      TransactionType: 'CustomerPayBillOnline',
      Amount: 20,
      PartyA: '254712345678',
      PartyB: '174379',
      PhoneNumber: '254712345678',
    });
    expect(body.AccountReference).toBe('Demo Cafe Ho');
    expect(body.TransactionDesc).toHaveLength(13);
  });

  it('sends the till number as PartyB for Buy Goods', () => {
    const body = stkPushRequest({
      ...base,
      account: { ...account, accountType: 'till', tillNumber: '5123456' },
    });
    expect(body.TransactionType).toBe('CustomerBuyGoodsOnline');
    expect(body.PartyB).toBe('5123456');
    expect(body.BusinessShortCode).toBe('174379');
  });

  it('refuses cents, bad phones and callback URLs Daraja would reject', () => {
    expect(() => stkPushRequest({ ...base, amountKes: 20.5 })).toThrow(RangeError);
    expect(() => stkPushRequest({ ...base, msisdn: '0712345678' })).toThrow(RangeError);
    expect(() =>
      stkPushRequest({ ...base, callbackUrl: 'https://x.example/mpesa-callback/1' }),
    ).toThrow(/mpesa/);
    expect(forbiddenCallbackWords('https://x.example/functions/v1/pay-notify')).toEqual([]);
    expect(forbiddenCallbackWords('https://x.example/QUERY/exec')).toEqual([
      'exe',
      'exec',
      'query',
    ]);
  });
});

describe('Daraja responses', () => {
  it('accepts expires_in as a number or a string', () => {
    expect(tokenResponse.parse({ access_token: 'abc', expires_in: '3599' }).expires_in).toBe(3599);
    expect(tokenResponse.parse({ access_token: 'abc', expires_in: 3599 }).expires_in).toBe(3599);
    expect(tokenResponse.safeParse({ access_token: 'abc', expires_in: 'soon' }).success).toBe(
      false,
    );
  });

  it('reads STK query answers with string result codes', () => {
    const answer = stkQueryResponse.parse({
      ResponseCode: '0',
      ResultCode: '1032',
      ResultDesc: 'Request cancelled by user',
    });
    expect(answer.ResultCode).toBe('1032');
  });

  it('recognises "still processing" and "invalid token" errors', () => {
    expect(
      isStillProcessing({
        errorCode: '500.001.1001',
        errorMessage: 'The transaction is being processed',
      }),
    ).toBe(true);
    expect(
      isStillProcessing({ errorCode: '500.001.1001', errorMessage: 'Wrong credentials' }),
    ).toBe(false);
    expect(isInvalidToken({ errorCode: '404.001.03', errorMessage: 'Invalid Access Token' })).toBe(
      true,
    );
  });
});

describe('parseStkCallback', () => {
  it('reads a success with a decimal amount and a Balance item without Value', () => {
    const parsed = parseStkCallback(success('20.00'));
    expect(parsed).toEqual({
      ok: true,
      value: {
        merchantRequestId: '29115-34620561-1',
        checkoutRequestId: 'ws_CO_191220191020363925',
        resultCode: '0',
        resultDesc: 'The service request is processed successfully.',
        amount: 20,
        receipt: 'TAB1C2D3EF',
        phone: '+254712345678',
        transactionDate: '20250115093042',
      },
    });
  });

  it('keeps a fractional amount so it can be refused as a mismatch', () => {
    const parsed = parseStkCallback(success('20.50'));
    expect(parsed.ok && parsed.value.amount).toBe(20.5);
  });

  it('looks items up by name, whatever their order', () => {
    const body = {
      Body: {
        stkCallback: {
          MerchantRequestID: 'm',
          CheckoutRequestID: 'ws_CO_1',
          ResultCode: 0,
          ResultDesc: 'ok',
          CallbackMetadata: {
            Item: [
              { Name: 'PhoneNumber', Value: 254110123456 },
              { Name: 'MpesaReceiptNumber', Value: 'QWE123RTY4' },
              { Name: 'Amount', Value: 50 },
            ],
          },
        },
      },
    };
    const parsed = parseStkCallback(body);
    expect(parsed.ok && parsed.value).toMatchObject({
      amount: 50,
      receipt: 'QWE123RTY4',
      phone: '+254110123456',
      transactionDate: null,
    });
  });

  it('reads failures without metadata and string result codes', () => {
    const parsed = parseStkCallback({
      Body: {
        stkCallback: {
          MerchantRequestID: 'm',
          CheckoutRequestID: 'ws_CO_2',
          ResultCode: 'SFC_IC0003',
          ResultDesc: 'The operator does not exist',
        },
      },
    });
    expect(parsed.ok && parsed.value).toMatchObject({
      resultCode: 'SFC_IC0003',
      amount: null,
      receipt: null,
      phone: null,
    });
  });

  it('rejects malformed bodies with a reason', () => {
    for (const body of [
      null,
      'text',
      {},
      { Body: {} },
      { Body: { stkCallback: { ResultCode: 0 } } },
    ]) {
      const parsed = parseStkCallback(body);
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.error).toBeTruthy();
    }
    const badReceipt = parseStkCallback(success('20', '')) as { ok: true };
    expect(badReceipt.ok).toBe(true);
    const injected = JSON.parse(JSON.stringify(success('20'))) as {
      Body: { stkCallback: { CallbackMetadata: { Item: { Name: string; Value?: unknown }[] } } };
    };
    injected.Body.stkCallback.CallbackMetadata.Item[1]!.Value = "X'; drop table payments; --";
    expect(parseStkCallback(injected).ok).toBe(false);
  });
});

describe('result codes', () => {
  it('maps to the same statuses as private.payment_status_for()', () => {
    expect(statusForResultCode(0)).toBe('success');
    expect(statusForResultCode('0')).toBe('success');
    expect(statusForResultCode(1032)).toBe('cancelled');
    expect(statusForResultCode('1037')).toBe('timeout');
    expect(statusForResultCode(1019)).toBe('timeout');
    expect(statusForResultCode(1)).toBe('failed');
    expect(statusForResultCode('2001')).toBe('failed');
    expect(statusForResultCode('SFC_IC0003')).toBe('failed');
  });

  it('tells the customer what happened in English and Swahili', () => {
    expect(resultMessage(1, 'en')).toMatch(/balance/i);
    expect(resultMessage('1', 'sw')).toMatch(/salio/i);
    expect(resultMessage(1032, 'en')).toMatch(/cancelled/i);
    expect(resultMessage(2001, 'sw')).toMatch(/PIN/);
    expect(resultMessage('9999', 'en')).toMatch(/did not go through/);
    expect(paymentMessage('pending', null, 'sw')).toMatch(/PIN/);
    expect(paymentMessage('timeout', null, 'en')).toMatch(/reach your phone/);
    expect(paymentMessage('success', '0', 'sw')).toMatch(/Malipo yamepokelewa/);
  });
});
