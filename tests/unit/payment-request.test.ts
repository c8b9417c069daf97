import { describe, expect, it } from 'vitest';
import {
  START_ERRORS,
  atSendForm,
  interpretAtResponse,
  normalizeMac,
  startPaymentInput,
} from '../../supabase/functions/_shared/domain/index.ts';

const valid = {
  site_id: '3f9c1e7a-0000-4000-8000-000000000001',
  plan_id: '3f9c1e7a-0000-4000-8000-000000000002',
  phone: '0712 345 678',
  router_id: '3f9c1e7a-0000-4000-8000-000000000003',
  client_mac: 'AA-BB-CC-DD-EE-FF',
  idempotency_key: 'form-123456',
};

describe('startPaymentInput', () => {
  it('normalises the phone and the MAC, defaults the language', () => {
    expect(startPaymentInput.parse(valid)).toEqual({
      ...valid,
      phone: '+254712345678',
      client_mac: 'aa:bb:cc:dd:ee:ff',
      language: 'en',
    });
  });

  it('allows no router and no MAC (a portal opened without a controller)', () => {
    const parsed = startPaymentInput.parse({ ...valid, router_id: null, client_mac: undefined });
    expect(parsed.router_id).toBeNull();
    expect(parsed.client_mac).toBeUndefined();
  });

  it('says what is wrong', () => {
    const bad = startPaymentInput.safeParse({ ...valid, phone: '020 123 4567', client_mac: 'zz' });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((issue) => issue.message).join(' | ');
    expect(messages).toMatch(/Kenyan mobile number/);
    expect(messages).toMatch(/client_mac/);
    expect(startPaymentInput.safeParse({ ...valid, idempotency_key: 'x' }).success).toBe(false);
    expect(startPaymentInput.safeParse({ ...valid, language: 'fr' }).success).toBe(false);
    expect(startPaymentInput.safeParse({ ...valid, site_id: '1' }).success).toBe(false);
  });

  it('has a status and a message for every error code', () => {
    for (const [, error] of Object.entries(START_ERRORS)) {
      expect(error.status).toBeGreaterThanOrEqual(400);
      expect(error.message.length).toBeGreaterThan(10);
    }
  });
});

describe('normalizeMac', () => {
  it('accepts the spellings routers use', () => {
    for (const spelling of [
      'aa:bb:cc:dd:ee:ff',
      'AA-BB-CC-DD-EE-FF',
      'aabb.ccdd.eeff',
      'AABBCCDDEEFF',
    ]) {
      expect(normalizeMac(spelling)).toBe('aa:bb:cc:dd:ee:ff');
    }
    expect(normalizeMac('aa:bb:cc:dd:ee')).toBeNull();
  });
});

describe("Africa's Talking", () => {
  const to = '+254712345678';
  const answer = (status: string, statusCode: number) => ({
    SMSMessageData: {
      Message: 'Sent to 1/1 Total Cost: KES 0.8000',
      Recipients: [{ statusCode, number: to, status, cost: 'KES 0.8000', messageId: 'ATXid_1' }],
    },
  });

  it('builds the form body, leaving out an empty sender id', () => {
    const form = atSendForm({ username: 'sandbox', to, message: 'Hi', from: '' });
    expect(form.toString()).toBe('username=sandbox&to=%2B254712345678&message=Hi');
    expect(atSendForm({ username: 'u', to, message: 'Hi', from: 'WIFI' }).get('from')).toBe('WIFI');
  });

  it('counts only Success as sent, even inside a 201', () => {
    expect(interpretAtResponse(201, answer('Success', 101), to)).toMatchObject({
      outcome: 'sent',
      messageId: 'ATXid_1',
    });
    expect(interpretAtResponse(201, answer('InsufficientBalance', 405), to)).toMatchObject({
      outcome: 'failed',
      error: '405 InsufficientBalance',
    });
    expect(interpretAtResponse(201, answer('InternalServerError', 500), to).outcome).toBe('retry');
  });

  it('retries transport and server errors, gives up on authentication errors', () => {
    expect(interpretAtResponse(500, null, to).outcome).toBe('retry');
    expect(interpretAtResponse(201, { nonsense: true }, to).outcome).toBe('retry');
    expect(interpretAtResponse(401, 'The supplied authentication is invalid', to).outcome).toBe(
      'failed',
    );
  });
});

describe('pay-start errors in Swahili', () => {
  it('has a distinct Swahili message for every code', async () => {
    const { startErrorMessage } = await import('../../supabase/functions/_shared/domain/index.ts');
    for (const code of Object.keys(START_ERRORS) as (keyof typeof START_ERRORS)[]) {
      expect(startErrorMessage(code, 'sw')).not.toBe(startErrorMessage(code, 'en'));
      expect(startErrorMessage(code)).toBe(START_ERRORS[code].message);
    }
    expect(startErrorMessage('too_soon', 'sw')).toMatch(/dakika mbili/);
  });
});
