import { describe, expect, it } from 'vitest';
import {
  KES_ERRORS,
  MPESA_MAX_AMOUNT_KES,
  MPESA_MIN_AMOUNT_KES,
  formatKes,
  kesAmount,
  kesAmountText,
  parseKes,
} from '../../supabase/functions/_shared/domain/money.ts';

describe('formatKes', () => {
  it.each([
    [0, 'KES 0'],
    [1, 'KES 1'],
    [10, 'KES 10'],
    [999, 'KES 999'],
    [1000, 'KES 1,000'],
    [1250, 'KES 1,250'],
    [25_000, 'KES 25,000'],
    [250_000, 'KES 250,000'],
    [1_000_000, 'KES 1,000,000'],
    [1_234_567_890, 'KES 1,234,567,890'],
  ])('formats %d as %s', (amount, text) => {
    expect(formatKes(amount)).toBe(text);
    expect(formatKes(amount, 'en')).toBe(text);
  });

  it('uses the everyday KSh label in Swahili, same digits', () => {
    expect(formatKes(1250, 'sw')).toBe('KSh 1,250');
    expect(formatKes(50, 'sw')).toBe('KSh 50');
  });

  it('throws a RangeError for anything but a whole, non-negative number of shillings', () => {
    for (const bad of [12.5, 0.1, -1, -0.5, NaN, Infinity, -Infinity, 2 ** 53]) {
      expect(() => formatKes(bad), String(bad)).toThrow(RangeError);
    }
    expect(() => formatKes('50' as unknown as number)).toThrow(RangeError);
  });

  it('round-trips through parseKes', () => {
    for (const amount of [0, 7, 1250, 99_999, 250_000, 12_345_678]) {
      expect(parseKes(formatKes(amount))).toEqual({ ok: true, amount });
      expect(parseKes(formatKes(amount, 'sw'))).toEqual({ ok: true, amount });
    }
  });
});

describe('parseKes', () => {
  it.each([
    ['50', 50],
    ['0', 0],
    ['1250', 1250],
    ['1,250', 1250],
    ['1,250,000', 1_250_000],
    ['KES 1250', 1250],
    ['KES 1,250', 1250],
    ['kes1250', 1250],
    ['Ksh 50', 50],
    ['KSh 50', 50],
    ['Ksh.50', 50],
    ['Kshs. 50', 50],
    ['Sh 50', 50],
    ['50/=', 50],
    ['Ksh 1,250/-', 1250],
    ['50.00', 50],
    ['1,250.0', 1250],
    ['  250  ', 250],
    ['007', 7],
  ])('reads %j as %d', (input, amount) => {
    expect(parseKes(input)).toEqual({ ok: true, amount });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['KES', 'empty'],
    ['12.50', 'cents'],
    ['KES 1,250.05', 'cents'],
    ['.5', 'cents'],
    ['-50', 'negative'],
    ['KES -50', 'negative'],
    ['1,25', 'invalid'],
    ['12,50,000', 'invalid'],
    [',250', 'invalid'],
    ['1,250,', 'invalid'],
    ['1 250', 'invalid'],
    ['50.', 'invalid'],
    ['fifty', 'invalid'],
    ['USD 50', 'invalid'],
    ['50 KES', 'invalid'],
    ['5e3', 'invalid'],
    ['0x10', 'invalid'],
    ['1_000', 'invalid'],
    ['+50', 'invalid'],
    ['9'.repeat(20), 'too-large'],
  ])('rejects %j (%s) with a plain-words message', (input, reason) => {
    const result = parseKes(input);
    expect(result).toEqual({
      ok: false,
      reason,
      error: KES_ERRORS[reason as keyof typeof KES_ERRORS],
    });
  });

  it('rejects non-string input from untyped callers instead of throwing', () => {
    expect(parseKes(50 as unknown as string).ok).toBe(false);
  });
});

describe('kesAmount (zod)', () => {
  it("uses M-Pesa's per-transaction limits from the Daraja reference: KES 1 to 250,000", () => {
    expect(MPESA_MIN_AMOUNT_KES).toBe(1);
    expect(MPESA_MAX_AMOUNT_KES).toBe(250_000);
  });

  it('accepts whole shillings within the limits', () => {
    for (const amount of [1, 10, 50, 1250, 250_000]) expect(kesAmount.parse(amount)).toBe(amount);
  });

  it.each([
    [0, /at least KES 1\b/],
    [-10, /at least KES 1\b/],
    [250_001, /at most KES 250,000/],
    [10.5, /whole number/],
    [NaN, /whole shillings/],
    [Infinity, /./],
    ['50', /whole shillings/],
    [null, /whole shillings/],
  ])('rejects %j with a clear message', (input, message) => {
    const parsed = kesAmount.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(message);
  });
});

describe('kesAmountText (zod)', () => {
  it('parses typed amounts and applies the M-Pesa limits', () => {
    expect(kesAmountText.parse('KES 1,250')).toBe(1250);
    expect(kesAmountText.parse('250,000')).toBe(250_000);
  });

  it('reports parse errors and range errors in plain words', () => {
    expect(kesAmountText.safeParse('12.50').error?.issues[0]?.message).toBe(KES_ERRORS.cents);
    expect(kesAmountText.safeParse('abc').error?.issues[0]?.message).toBe(KES_ERRORS.invalid);
    expect(kesAmountText.safeParse('0').error?.issues[0]?.message).toMatch(/at least KES 1\b/);
    expect(kesAmountText.safeParse('250,001').error?.issues[0]?.message).toMatch(
      /at most KES 250,000/,
    );
    expect(kesAmountText.safeParse(50).success).toBe(false);
  });
});
