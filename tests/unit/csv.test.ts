import { describe, expect, it } from 'vitest';
import { toCsv } from '../../admin/src/lib/csv.ts';

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks, with CRLF rows', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['two\nlines', 5],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"two\nlines",5\r\n');
  });

  it('leaves empty cells for nulls and numbers as they are', () => {
    expect(toCsv(['n', 'm'], [[null, -3]])).toBe('n,m\r\n,-3\r\n');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    const csv = toCsv(
      ['name'],
      [['=HYPERLINK("http://x")'], ['+254700000000'], ['-1'], ['@SUM(A1)']],
    );
    expect(csv.split('\r\n').slice(1, 5)).toEqual([
      `"'=HYPERLINK(""http://x"")"`,
      `"'+254700000000"`,
      `"'-1"`,
      `"'@SUM(A1)"`,
    ]);
  });
});
