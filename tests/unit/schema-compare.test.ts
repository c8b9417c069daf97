// The comparison half of `npm run schema:compare` (stack/schema-compare.ts), without databases:
// the script itself was checked against migrations with deliberate changes in each category.
import { describe, expect, it } from 'vitest';
import { diffCategory, report, unifiedDiff, type Snapshot } from '../../stack/schema-compare.ts';

const snap = (categories: Record<string, Record<string, string>>): Snapshot =>
  new Map(Object.entries(categories).map(([c, entries]) => [c, new Map(Object.entries(entries))]));

describe('schema-compare', () => {
  it('diffs a category by key: added, removed and changed, sorted by key', () => {
    const old = new Map([
      ['b', '1'],
      ['c', 'same'],
      ['d', 'x'],
    ]);
    const now = new Map([
      ['a', 'new'],
      ['c', 'same'],
      ['d', 'y'],
    ]);
    expect(diffCategory(old, now)).toEqual([
      { kind: 'added', key: 'a', new: 'new' },
      { kind: 'removed', key: 'b', old: '1' },
      { kind: 'changed', key: 'd', old: 'x', new: 'y' },
    ]);
  });

  it('prints a function body change as a unified diff with context', () => {
    const body = (line: string) =>
      ['begin', '  a;', '  b;', line, '  c;', '  d;', 'end'].join('\n');
    expect(unifiedDiff(body('  old;'), body('  new;'))).toEqual([
      '@@ -2,5 +2,5 @@',
      '   a;',
      '   b;',
      '-  old;',
      '+  new;',
      '   c;',
      '   d;',
    ]);
  });

  it('fails on differences unless their category is allowed, and prints them either way', () => {
    const a = snap({ columns: { 't.x': 'integer' }, 'column-position': { t: 'x, y' } });
    const b = snap({ columns: { 't.x': 'integer' }, 'column-position': { t: 'y, x' } });
    const lines: string[] = [];
    expect(report(a, b, new Set(), (l) => lines.push(l))).toEqual({ blocking: 1, allowed: 0 });
    expect(report(a, b, new Set(['column-position']), (l) => lines.push(l))).toEqual({
      blocking: 0,
      allowed: 1,
    });
    expect(lines.filter((l) => l.includes('column-position'))).toEqual([
      '  column-position  1 difference',
      '  column-position  1 difference (allowed)',
    ]);
    expect(lines).toContain('            old: x, y');
    expect(lines).toContain('  columns          identical (1)');
  });
});
