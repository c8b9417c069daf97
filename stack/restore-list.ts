// Which parts of a backup `npm run restore` restores, and in what order: pg_restore's list file
// (`pg_restore --list`, edited, given back with --use-list), pure so tests/unit can pin it.
//
// The target is a database prepared like a Supabase project, so it already has the platform's
// parts that the backup also holds: the `public` schema itself (with its comment and grants) and
// Supabase Auth's schema, tables and functions. Of those only auth's rows are restored.

/** One line of `pg_restore --list`: `<id>; <catalog oid> <oid> <DESC> <schema> <name> <owner>`. */
export type TocEntry = { line: string; desc: string; schema: string; rest: string };

/** A foreign key between two tables, as `schema.table` names. */
export type ForeignKey = { child: string; parent: string };

export function parseToc(toc: string): TocEntry[] {
  return toc.split('\n').flatMap((line) => {
    // DESC is one or more upper-case words (TABLE DATA, FK CONSTRAINT, DEFAULT ACL, …); the
    // schema is `-` for objects outside any schema (the schemas themselves).
    const match = /^\d+; \d+ \d+ ([A-Z]+(?: [A-Z]+)*) (\S+) (.*)$/.exec(line);
    return match ? [{ line, desc: match[1]!, schema: match[2]!, rest: match[3]! }] : [];
  });
}

/** The platform's own entries, which the target already has (auth's rows are not among them). */
function isPlatforms(entry: TocEntry): boolean {
  if (entry.schema === 'auth') return entry.desc !== 'TABLE DATA' && entry.desc !== 'SEQUENCE SET';
  if (entry.schema !== '-') return false;
  if (entry.desc === 'SCHEMA') return /^(auth|public) /.test(entry.rest);
  // COMMENT ON SCHEMA public, GRANT … ON SCHEMA auth
  return /^SCHEMA (auth|public) /.test(entry.rest);
}

/** The `auth` tables whose rows the backup holds, as `auth.<table>`. */
export function authTablesWithRows(entries: TocEntry[]): string[] {
  return entries
    .filter((entry) => entry.schema === 'auth' && entry.desc === 'TABLE DATA')
    .map((entry) => `auth.${entry.rest.split(' ')[0]}`);
}

/**
 * `tables` ordered so that each comes after the tables it points at. Auth's rows go into the
 * target's existing tables, whose foreign keys are already there (ours are added after all
 * rows are in), so referenced rows must be loaded first; pg_dump orders them by name.
 */
export function parentsFirst(tables: string[], keys: ForeignKey[]): string[] {
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (table: string) => {
    if (ordered.includes(table) || visiting.has(table)) return; // done, or a cycle
    visiting.add(table);
    for (const key of keys) {
      if (key.child === table && key.parent !== table && tables.includes(key.parent)) {
        visit(key.parent);
      }
    }
    ordered.push(table);
  };
  for (const table of tables) visit(table);
  return ordered;
}

/** The list file for `pg_restore --use-list`: everything but the platform's, auth's rows parents first. */
export function restoreList(entries: TocEntry[], authKeys: ForeignKey[]): string {
  const kept = entries.filter((entry) => !isPlatforms(entry));
  const authRows = kept.filter((entry) => entry.schema === 'auth' && entry.desc === 'TABLE DATA');
  const order = parentsFirst(authTablesWithRows(authRows), authKeys);
  const sortedAuthRows = [...authRows].sort(
    (a, b) =>
      order.indexOf(`auth.${a.rest.split(' ')[0]}`) - order.indexOf(`auth.${b.rest.split(' ')[0]}`),
  );
  // pg_restore follows the list's order: auth's rows take the place of the first of them.
  const lines: string[] = [];
  for (const entry of kept) {
    if (!authRows.includes(entry)) lines.push(entry.line);
    else if (entry === authRows[0]) lines.push(...sortedAuthRows.map((row) => row.line));
  }
  return `${lines.join('\n')}\n`;
}
