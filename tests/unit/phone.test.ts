import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  KENYAN_E164_PATTERN,
  PHONE_ERRORS,
  isKenyanE164,
  kenyanPhone,
  normalizeKenyanPhone,
  toMsisdn,
} from '../../supabase/functions/_shared/domain/phone.ts';

// The check constraint on customers.phone, payments.phone and sms_outbox.to_phone.
const dbCheck = /^\+254[17][0-9]{8}$/;

describe('normalizeKenyanPhone', () => {
  const accepted: [input: string, e164: string][] = [
    ['0712345678', '+254712345678'],
    ['0110123456', '+254110123456'],
    ['0799999999', '+254799999999'],
    ['+254712345678', '+254712345678'],
    ['+254110123456', '+254110123456'],
    ['254712345678', '+254712345678'],
    ['254110123456', '+254110123456'],
    ['712345678', '+254712345678'],
    ['110123456', '+254110123456'],
    ['0712 345 678', '+254712345678'],
    ['  0712345678  ', '+254712345678'],
    ['0712-345-678', '+254712345678'],
    ['0712.345.678', '+254712345678'],
    ['(0712) 345678', '+254712345678'],
    ['+254 712 345 678', '+254712345678'],
    ['+254 (712) 345-678', '+254712345678'],
    ['+ 254 712 345 678', '+254712345678'],
    ['254-110-123-456', '+254110123456'],
    ['0712\u00a0345\u00a0678', '+254712345678'], // non-breaking spaces from copy-paste
    ['0712\t345678', '+254712345678'],
  ];

  it.each(accepted)('accepts %j as %s', (input, e164) => {
    const result = normalizeKenyanPhone(input);
    expect(result).toEqual({ ok: true, e164 });
    expect(e164).toMatch(dbCheck);
  });

  const rejected: [input: string, reason: string][] = [
    ['', 'empty'],
    ['   ', 'empty'],
    ['-- ()', 'empty'],
    ['07123456789', 'invalid'], // 11 digits
    ['071234567', 'invalid'], // 9 digits with a leading 0
    ['71234567', 'invalid'], // 8 digits
    ['2547123456789', 'invalid'], // 13 digits
    ['25471234567', 'invalid'],
    ['+2547123456', 'invalid'],
    ['0212345678', 'invalid'], // Nairobi landline
    ['020 1234567', 'invalid'],
    ['0612345678', 'invalid'], // neither 07 nor 01
    ['612345678', 'invalid'],
    ['+254612345678', 'invalid'],
    ['254012345678', 'invalid'],
    ['+2540712345678', 'invalid'],
    ['00254712345678', 'invalid'],
    ['255712345678', 'invalid'], // Tanzania without a plus
    ['+255712345678', 'country'], // Tanzania
    ['+256712345678', 'country'], // Uganda
    ['+14155550123', 'country'],
    ['07l2345678', 'characters'], // letter l for a one
    ['O712345678', 'characters'], // letter O for a zero
    ['0712345678x', 'characters'],
    ['phone', 'characters'],
    ['0712/345/678', 'characters'],
    ['254+712345678', 'characters'],
    ['++254712345678', 'characters'],
    ['０７１２３４５６７８', 'characters'], // full-width digits
  ];

  it.each(rejected)('rejects %j (%s) with a plain-words message', (input, reason) => {
    const result = normalizeKenyanPhone(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe(reason);
    expect(result.error).toBe(PHONE_ERRORS[result.reason]);
  });

  it('gives messages that tell the customer what to type', () => {
    for (const message of Object.values(PHONE_ERRORS)) {
      expect(message).toMatch(/^[A-Z].*\.$/);
      expect(message).toContain('0712 345 678');
      expect(message.length).toBeLessThan(120);
    }
  });

  it('rejects non-string input from untyped callers instead of throwing', () => {
    expect(normalizeKenyanPhone(712345678 as unknown as string).ok).toBe(false);
    expect(normalizeKenyanPhone(undefined as unknown as string).ok).toBe(false);
  });

  it('only ever produces numbers the database accepts', () => {
    for (let i = 0; i < 2000; i++) {
      const digits = String(Math.floor(Math.random() * 1e10)).padStart(10, '0');
      const result = normalizeKenyanPhone(digits);
      if (result.ok) {
        expect(result.e164).toMatch(dbCheck);
        expect(digits).toMatch(/^0[17]/);
      } else {
        expect(digits).not.toMatch(/^0[17]/);
      }
    }
  });

  it('exports the same pattern as the database check', () => {
    expect(KENYAN_E164_PATTERN.source).toBe(dbCheck.source);
  });
});

describe('isKenyanE164', () => {
  it('accepts only the normalised form', () => {
    expect(isKenyanE164('+254712345678')).toBe(true);
    expect(isKenyanE164('+254110123456')).toBe(true);
    expect(isKenyanE164('254712345678')).toBe(false);
    expect(isKenyanE164('0712345678')).toBe(false);
    expect(isKenyanE164('+254 712 345 678')).toBe(false);
    expect(isKenyanE164('+254212345678')).toBe(false);
  });
});

describe('toMsisdn', () => {
  it("gives Daraja's 12-digit MSISDN without the plus", () => {
    expect(toMsisdn('+254712345678')).toBe('254712345678');
    expect(toMsisdn('+254110123456')).toBe('254110123456');
    expect(toMsisdn('+254708374149')).toMatch(/^254[17][0-9]{8}$/);
  });

  it('throws a RangeError for anything not normalised', () => {
    for (const bad of ['0712345678', '254712345678', '+255712345678', '', '+2547123456789']) {
      expect(() => toMsisdn(bad), bad).toThrow(RangeError);
    }
  });

  it('round-trips with normalizeKenyanPhone', () => {
    const result = normalizeKenyanPhone('0712 345 678');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const msisdn = toMsisdn(result.e164);
    expect(msisdn).toBe('254712345678');
    expect(normalizeKenyanPhone(msisdn)).toEqual(result);
  });
});

describe('kenyanPhone (zod)', () => {
  it('transforms any accepted spelling to E.164', () => {
    expect(kenyanPhone.parse('0712 345 678')).toBe('+254712345678');
    expect(kenyanPhone.parse('254110123456')).toBe('+254110123456');
  });

  it('fails with the same message as normalizeKenyanPhone', () => {
    for (const input of ['', '0212345678', '+255712345678', 'abc']) {
      const expected = normalizeKenyanPhone(input);
      const parsed = kenyanPhone.safeParse(input);
      expect(parsed.success, input).toBe(false);
      expect(expected.ok).toBe(false);
      if (parsed.success || expected.ok) continue;
      expect(parsed.error.issues).toHaveLength(1);
      expect(parsed.error.issues[0]?.message).toBe(expected.error);
    }
  });

  it('rejects non-strings with a customer-friendly message', () => {
    const parsed = kenyanPhone.safeParse(712345678);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(PHONE_ERRORS.invalid);
  });

  it('works inside an object schema, pointing at the field', () => {
    const parsed = z.object({ phone: kenyanPhone }).safeParse({ phone: '0612345678' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['phone']);
  });
});
