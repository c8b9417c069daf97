// The Daraja simulator itself behaves like the reference says Daraja does.
import { describe, expect, it } from 'vitest';
import { stackInfo } from '../support/stack.ts';
import { testPhone } from '../support/payments.ts';

const PASSKEY = 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919';
const url = (path: string) => `${stackInfo().daraja!.url}${path}`;

async function token(key: string) {
  const response = await fetch(url('/oauth/v1/generate?grant_type=client_credentials'), {
    headers: { authorization: `Basic ${Buffer.from(`${key}:secret`).toString('base64')}` },
  });
  return (await response.json()) as { access_token: string; expires_in: number | string };
}

function stk(phone: string, amount = 10, timestamp = '20261129093000') {
  return {
    BusinessShortCode: '174379',
    Password: Buffer.from(`174379${PASSKEY}${timestamp}`).toString('base64'),
    Timestamp: timestamp,
    TransactionType: 'CustomerPayBillOnline',
    Amount: amount,
    PartyA: phone.slice(1),
    PartyB: '174379',
    PhoneNumber: phone.slice(1),
    CallBackURL: 'http://127.0.0.1:9/pay-notify/x',
    AccountReference: 'TEST',
    TransactionDesc: 'test',
  };
}

const post = (path: string, accessToken: string, body: unknown) =>
  fetch(url(path), {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('Daraja simulator', () => {
  it('issues tokens with expires_in sometimes as a string; a new token invalidates the old', async () => {
    const key = `k-${Math.random()}`;
    const first = await token(key);
    const second = await token(key);
    expect(new Set([typeof first.expires_in, typeof second.expires_in])).toEqual(
      new Set(['string', 'number']),
    );
    const stale = await post(
      '/mpesa/stkpush/v1/processrequest',
      first.access_token,
      stk(testPhone()),
    );
    expect(stale.status).toBe(404);
    expect(await stale.json()).toMatchObject({ errorCode: '404.001.03' });
  });

  it('refuses a wrong password, and a second push while one is pending (1001)', async () => {
    const { access_token } = await token(`k-${Math.random()}`);
    const phone = testPhone('1037');
    const wrong = await post('/mpesa/stkpush/v1/processrequest', access_token, {
      ...stk(phone),
      Password: 'bm9wZQ==',
    });
    expect(wrong.status).toBe(500);
    expect(await wrong.json()).toMatchObject({
      errorCode: '500.001.1001',
      errorMessage: 'Wrong credentials',
    });
    const switched = await fetch(url(`/_sim/phones/${phone.slice(1)}`), {
      method: 'POST',
      body: '{"delayMs": 60000}',
    });
    expect(switched.status).toBe(200);
    const first = await post('/mpesa/stkpush/v1/processrequest', access_token, stk(phone));
    expect(first.status).toBe(200);
    const accepted = (await first.json()) as { CheckoutRequestID: string; ResponseCode: string };
    expect(accepted.ResponseCode).toBe('0');
    const locked = await post('/mpesa/stkpush/v1/processrequest', access_token, stk(phone));
    expect(await locked.json()).toMatchObject({ errorCode: '500.001.1001' });
    const query = await post('/mpesa/stkpushquery/v1/query', access_token, {
      BusinessShortCode: '174379',
      Password: stk(phone).Password,
      Timestamp: '20261129093000',
      CheckoutRequestID: accepted.CheckoutRequestID,
    });
    expect(query.status).toBe(500);
    expect(await query.json()).toMatchObject({
      errorMessage: 'The transaction is being processed',
    });
  });

  it('refuses callback URLs with words Daraja rejects', async () => {
    const { access_token } = await token(`k-${Math.random()}`);
    const response = await post('/mpesa/stkpush/v1/processrequest', access_token, {
      ...stk(testPhone()),
      CallBackURL: 'https://example.net/mpesa-callback',
    });
    expect(await response.json()).toMatchObject({
      errorMessage: 'Bad Request - Invalid CallBackURL',
    });
  });
});
