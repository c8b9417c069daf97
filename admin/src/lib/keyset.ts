// Keyset pages for the admin's lists (payments, vouchers, customers): newest first by
// (created_at, id), a page continuing after the last row shown. Never an offset: page N costs
// what page 1 does, and rows added meanwhile neither repeat nor push rows past the page.

/** Where the next page starts: after this row, in (created_at desc, id desc) order. */
export type Cursor = { at: string; id: string };

/** The URL form of a cursor: `<created_at>|<id>` of the last row shown. */
export const cursorOf = (row: { created_at: string; id: string }) => `${row.created_at}|${row.id}`;

/** `<created_at>|<id>` → its parts, or null for anything else (the URL is user input). */
export function parseCursor(cursor: string): Cursor | null {
  const match =
    /^(\d{4}-\d{2}-\d{2}T[0-9:.]+(?:Z|[+-]\d{2}(?::?\d{2})?)?)\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(
      cursor,
    );
  if (!match || Number.isNaN(Date.parse(match[1]!))) return null;
  return { at: match[1]!, id: match[2]!.toLowerCase() };
}

/** The filter calls of a supabase-js query that keyset paging needs. */
interface Keyable<Q> {
  lte(column: 'created_at', value: string): Q;
  or(filters: string): Q;
}

/**
 * Rows after the cursor: `created_at <= at` lets the (organization_id, created_at desc) index
 * start at the cursor, and the `or` drops the rows of that same instant already shown (a batch
 * of vouchers shares one created_at). An invalid or empty cursor means the newest page.
 */
export function olderThan<Q extends Keyable<Q>>(query: Q, before: string): Q {
  const cursor = parseCursor(before);
  if (!cursor) return query;
  // Quoted: a timestamp holds the filter syntax's reserved characters (. and :).
  const at = `"${cursor.at}"`;
  return query
    .lte('created_at', cursor.at)
    .or(`created_at.lt.${at},and(created_at.eq.${at},id.lt.${cursor.id})`);
}

/** Splits the LIST_LIMIT + 1 rows a page query asked for into the page and the next cursor. */
export function toPage<T extends { created_at: string; id: string }>(
  rows: T[],
  limit: number,
): { rows: T[]; next: string | null } {
  if (rows.length <= limit) return { rows, next: null };
  const shown = rows.slice(0, limit);
  return { rows: shown, next: cursorOf(shown.at(-1)!) };
}
