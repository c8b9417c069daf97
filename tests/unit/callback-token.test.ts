import { describe, expect, it } from 'vitest';
import {
  FORBIDDEN_CALLBACK_WORDS,
  c2bTokenPurpose,
  callbackToken,
  parseCallbackPath,
  timingSafeEqual,
  verifyCallbackToken,
} from '../../supabase/functions/_shared/domain/index.ts';

const secret = 'test-secret-0123456789abcdef';
const paymentId = '3f9c1e7a-0000-4000-8000-000000000001';

describe('callback tokens', () => {
  it('are 32 hex characters, stable, and differ per payment and per secret', async () => {
    const token = await callbackToken(secret, paymentId);
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(await callbackToken(secret, paymentId)).toBe(token);
    expect(await callbackToken(secret, paymentId.replace(/1$/, '2'))).not.toBe(token);
    expect(await callbackToken(`${secret}x`, paymentId)).not.toBe(token);
    expect(await callbackToken(secret, paymentId, 'c2b')).not.toBe(token);
  });

  it('verify only the exact token of that payment', async () => {
    const token = await callbackToken(secret, paymentId);
    expect(await verifyCallbackToken(secret, paymentId, token)).toBe(true);
    expect(await verifyCallbackToken(secret, paymentId, token.toUpperCase())).toBe(false);
    expect(await verifyCallbackToken(secret, paymentId, token.slice(0, 31))).toBe(false);
    const other = await callbackToken(secret, '3f9c1e7a-0000-4000-8000-000000000002');
    expect(await verifyCallbackToken(secret, paymentId, other)).toBe(false);
  });

  it('sign each generation of C2B URLs apart; generation 1 keeps the original token', async () => {
    expect(c2bTokenPurpose(1)).toBe('c2b');
    const first = await callbackToken(secret, paymentId, c2bTokenPurpose(1));
    expect(first).toBe(await callbackToken(secret, paymentId, 'c2b'));
    const second = await callbackToken(secret, paymentId, c2bTokenPurpose(2));
    expect(second).toMatch(/^[0-9a-f]{32}$/);
    expect(second).not.toBe(first);
    expect(await callbackToken(secret, paymentId, c2bTokenPurpose(3))).not.toBe(second);
    expect(() => c2bTokenPurpose(0)).toThrow(RangeError);
    expect(() => c2bTokenPurpose(1.5)).toThrow(RangeError);
  });

  it('refuse short secrets', async () => {
    await expect(callbackToken('short', paymentId)).rejects.toThrow(RangeError);
  });

  it('never contain words Daraja refuses in URLs', async () => {
    for (let i = 0; i < 200; i++) {
      const token = await callbackToken(
        secret,
        `3f9c1e7a-0000-4000-8000-${String(i).padStart(12, '0')}`,
      );
      for (const word of FORBIDDEN_CALLBACK_WORDS) expect(token).not.toContain(word);
    }
  });

  it('compares in constant time', () => {
    expect(timingSafeEqual('abc', 'abc')).toBe(true);
    expect(timingSafeEqual('abc', 'abd')).toBe(false);
    expect(timingSafeEqual('abc', 'abcd')).toBe(false);
  });

  it('parses /pay-notify/<payment id>/<token> and nothing else', () => {
    const token = 'a'.repeat(32);
    expect(parseCallbackPath(`/pay-notify/${paymentId}/${token}`)).toEqual({ paymentId, token });
    expect(parseCallbackPath(`/pay-notify/${paymentId}`)).toBeNull();
    expect(parseCallbackPath(`/pay-notify/not-a-uuid/${token}`)).toBeNull();
    expect(parseCallbackPath(`/pay-notify/${paymentId}/${token}/extra`)).toBeNull();
    expect(parseCallbackPath(`/pay-notify/${paymentId}/${'g'.repeat(32)}`)).toBeNull();
  });
});
