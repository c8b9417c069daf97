import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  VOUCHER_ALPHABET,
  VOUCHER_CODE_BITS,
  VOUCHER_CODE_ERRORS,
  VOUCHER_CODE_LENGTH,
  VOUCHER_CODE_MAX_LENGTH,
  VOUCHER_PREFIX_MAX_LENGTH,
  formatVoucherCode,
  generateVoucherCode,
  isVoucherCode,
  normalizeVoucherCode,
  parseVoucherCode,
  voucherCode,
} from '../../supabase/functions/_shared/domain/voucher-code.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Makes crypto.getRandomValues hand out `bytes` in order (then fail loudly if more are asked). */
function feedRandomBytes(bytes: number[]): void {
  let next = 0;
  vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation((array) => {
    const view = new Uint8Array(array!.buffer, array!.byteOffset, array!.byteLength);
    for (let i = 0; i < view.length; i++) {
      if (next >= bytes.length) throw new Error('test ran out of random bytes');
      view[i] = bytes[next++]!;
    }
    return array;
  });
}

describe('voucher alphabet and length', () => {
  it('is the 31 unambiguous symbols, without 0/O/1/I/L', () => {
    expect(VOUCHER_ALPHABET).toBe('23456789ABCDEFGHJKMNPQRSTUVWXYZ');
    expect(VOUCHER_ALPHABET).toHaveLength(31);
    expect(new Set(VOUCHER_ALPHABET).size).toBe(31);
    for (const ambiguous of '01OIL') expect(VOUCHER_ALPHABET).not.toContain(ambiguous);
  });

  it('gives at least 40 bits of entropy', () => {
    expect(VOUCHER_CODE_LENGTH).toBe(10);
    expect(VOUCHER_CODE_BITS).toBeGreaterThanOrEqual(40);
    expect(VOUCHER_CODE_BITS).toBeCloseTo(49.54, 2);
    expect(VOUCHER_CODE_MAX_LENGTH).toBe(VOUCHER_CODE_LENGTH + VOUCHER_PREFIX_MAX_LENGTH);
  });

  // What the database generates and accepts is checked against these constants on a real
  // database: tests/integration/rule-parity.test.ts (behaviour) and schema.test.ts (catalogue).
});

describe('generateVoucherCode', () => {
  it('produces valid codes of the right length', () => {
    for (let i = 0; i < 100; i++) {
      const code = generateVoucherCode();
      expect(code).toHaveLength(VOUCHER_CODE_LENGTH);
      expect(isVoucherCode(code)).toBe(true);
    }
  });

  it('maps bytes with byte % 31 and skips bytes >= 248 (rejection sampling)', () => {
    // 0→'2', 30→'Z', 31→'2', 247 (=7·31+30)→'Z'; 248..255 must be thrown away.
    feedRandomBytes([0, 248, 30, 255, 31, 250, 247, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(generateVoucherCode()).toBe('2Z2Z345678');
  });

  it('draws again when a whole batch of bytes is rejected', () => {
    feedRandomBytes([
      ...Array.from({ length: 16 }, () => 248 + Math.floor(Math.random() * 8)),
      ...Array.from({ length: 10 }, (_, i) => 10 + i),
      ...Array.from({ length: 6 }, () => 0),
    ]);
    expect(generateVoucherCode()).toBe('CDEFGHJKMN');
  });

  it('puts a batch prefix in front of the random part', () => {
    const code = generateVoucherCode('HS');
    expect(code).toMatch(/^HS/);
    expect(code).toHaveLength(2 + VOUCHER_CODE_LENGTH);
    expect(isVoucherCode(code)).toBe(true);
    expect(generateVoucherCode('ABCD')).toHaveLength(VOUCHER_CODE_MAX_LENGTH);
  });

  it('refuses prefixes the database would refuse', () => {
    for (const prefix of ['ABCDE', 'hs', 'H0', 'H-S', 'OIL']) {
      expect(() => generateVoucherCode(prefix), prefix).toThrow(RangeError);
    }
  });

  it('is uniform over the alphabet and never repeats (20,000 codes)', () => {
    const total = 20_000;
    const codes = new Set<string>();
    const counts = new Map<string, number>([...VOUCHER_ALPHABET].map((s) => [s, 0]));
    const positionCounts = Array.from(
      { length: VOUCHER_CODE_LENGTH },
      () => new Map<string, number>(),
    );
    for (let i = 0; i < total; i++) {
      const code = generateVoucherCode();
      expect(isVoucherCode(code)).toBe(true);
      codes.add(code);
      [...code].forEach((symbol, position) => {
        counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
        positionCounts[position]!.set(symbol, (positionCounts[position]!.get(symbol) ?? 0) + 1);
      });
    }
    expect(codes.size).toBe(total);
    expect([...counts.keys()].sort().join('')).toBe([...VOUCHER_ALPHABET].sort().join(''));

    const symbols = total * VOUCHER_CODE_LENGTH;
    const expected = symbols / VOUCHER_ALPHABET.length; // ≈ 6452, standard deviation ≈ 79
    let chiSquare = 0;
    for (const [symbol, count] of counts) {
      expect(Math.abs(count - expected), symbol).toBeLessThan(expected * 0.08); // > 6 sd
      chiSquare += (count - expected) ** 2 / expected;
    }
    // 30 degrees of freedom: mean 30, P(χ² > 100) < 1e-9. Taking byte % 31 without rejecting
    // bytes >= 248 (the classic modulo bias) gives χ² ≈ 560 here.
    expect(chiSquare).toBeLessThan(100);

    // Every position uses every symbol (no stuck or skipped positions).
    for (const position of positionCounts) expect(position.size).toBe(VOUCHER_ALPHABET.length);
  });
});

describe('normalizeVoucherCode', () => {
  it('upper-cases and strips spaces and dashes', () => {
    expect(normalizeVoucherCode('abcde-fghjk')).toBe('ABCDEFGHJK');
    expect(normalizeVoucherCode('  ABCDE FGHJK ')).toBe('ABCDEFGHJK');
    expect(normalizeVoucherCode('ab cd\u2013ef\u00a0gh-jk')).toBe('ABCDEFGHJK');
    expect(normalizeVoucherCode('hs-abcde-fghjk')).toBe('HSABCDEFGHJK');
  });

  it('does not guess look-alikes', () => {
    expect(normalizeVoucherCode('0o1il')).toBe('0O1IL');
    expect(isVoucherCode(normalizeVoucherCode('ABCDE-FGHJO'))).toBe(false);
  });
});

describe('isVoucherCode', () => {
  it('accepts 10-14 alphabet symbols in stored form', () => {
    expect(isVoucherCode('ABCDEFGHJK')).toBe(true);
    expect(isVoucherCode('23456789ZZ')).toBe(true);
    expect(isVoucherCode('HSABCDEFGHJK')).toBe(true);
    expect(isVoucherCode('ABCDABCDEFGHJK')).toBe(true);
  });

  it('rejects everything else', () => {
    for (const bad of [
      '',
      'ABCDEFGHJ', // 9
      'ABCDEABCDEFGHJK', // 15
      'abcdefghjk', // lower case is not stored form
      'ABCDE-FGHJK', // separators are not stored form
      'ABCDEFGHJ0',
      'ABCDEFGHJO',
      'ABCDEFGHJ1',
      'ABCDEFGHJI',
      'ABCDEFGHJL',
      'ABCDEFGHJ!',
      'ABCDEFGHJK\n',
    ]) {
      expect(isVoucherCode(bad), JSON.stringify(bad)).toBe(false);
    }
    expect(isVoucherCode(undefined as unknown as string)).toBe(false);
  });
});

describe('parseVoucherCode', () => {
  it('normalises what people type', () => {
    expect(parseVoucherCode(' abcde-fghjk ')).toEqual({ ok: true, code: 'ABCDEFGHJK' });
  });

  it.each([
    ['', 'empty'],
    [' - ', 'empty'],
    ['ABCDE-FGHJ0', 'lookalike'],
    ['abcde-fghjo', 'lookalike'],
    ['ABCDE-FGHJI', 'lookalike'],
    ['ABCDE-FGHJ', 'length'],
    ['ABCDE-FGHJK-MNPQR', 'length'],
    ['ABCDE_FGHJK', 'characters'],
    ['ABCDÉFGHJK', 'characters'],
  ])('rejects %j as %s with a plain-words message', (input, reason) => {
    const result = parseVoucherCode(input);
    expect(result).toEqual({ ok: false, reason, error: VOUCHER_CODE_ERRORS[reason as 'empty'] });
  });
});

describe('formatVoucherCode', () => {
  it('groups the random part in fives and a prefix on its own', () => {
    expect(formatVoucherCode('ABCDEFGHJK')).toBe('ABCDE-FGHJK');
    expect(formatVoucherCode('HSABCDEFGHJK')).toBe('HS-ABCDE-FGHJK');
    expect(formatVoucherCode('ABCDABCDEFGHJK')).toBe('ABCD-ABCDE-FGHJK');
    expect(formatVoucherCode('abcde fghjk')).toBe('ABCDE-FGHJK');
  });

  it('round-trips through normalizeVoucherCode', () => {
    for (let i = 0; i < 50; i++) {
      const code = generateVoucherCode(i % 2 ? 'K' : '');
      expect(normalizeVoucherCode(formatVoucherCode(code))).toBe(code);
    }
  });

  it('leaves anything that is not a voucher code unchanged', () => {
    expect(formatVoucherCode('not a code')).toBe('not a code');
    expect(formatVoucherCode('ABCDEFGHJ0')).toBe('ABCDEFGHJ0');
  });
});

describe('voucherCode (zod)', () => {
  it('transforms typed input to the stored form', () => {
    expect(voucherCode.parse('abcde-fghjk')).toBe('ABCDEFGHJK');
  });

  it('fails with the same message as parseVoucherCode', () => {
    for (const input of ['', 'ABCDE-FGHJ0', 'ABC', 'ABCDE_FGHJK']) {
      const expected = parseVoucherCode(input);
      const parsed = voucherCode.safeParse(input);
      expect(parsed.success, input).toBe(false);
      if (expected.ok || parsed.success) throw new Error(`expected ${input} to be rejected`);
      expect(parsed.error.issues.map((issue) => issue.message)).toEqual([expected.error]);
    }
  });

  it('rejects non-strings', () => {
    expect(voucherCode.safeParse(1234567890).success).toBe(false);
    expect(voucherCode.safeParse(null).success).toBe(false);
  });
});
