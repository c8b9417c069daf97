// One error scheme (supabase/migrations/README.md, Errors): every RAISE in the functions of
// public, private and radius carries a stable machine code as `hint = '<snake_case>'` (the
// SQLSTATE and the English message stay), PostgREST hands it on as the error's `hint`, and each
// app has words for every code it can receive (admin/src/lib/errors.ts,
// portal/src/lib/errors.ts). The function bodies are read from the running database, not from
// the migration files, so what is checked is what runs.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CODE_WORDS, errorWords } from '../../admin/src/lib/errors.ts';
import { raisedErrorKeys } from '../../portal/src/lib/errors.ts';
import { stackInfo } from '../support/stack.ts';
import { clientAs, createTestUser, ownerSql, type TestUser } from '../support/users.ts';

const root = new URL('../..', import.meta.url).pathname;

type Fn = { oid: number; schema: string; name: string; signature: string; src: string };
type Trigger = { table: string; fn: number; type: number };
type Raise = { fn: string; statement: string; code: string | null; sqlstate: string };

/**
 * The RAISE statements of a function body: outside comments, string literals, quoted
 * identifiers and dollar quotes, up to the `;` that ends them (messages may hold one). A bare
 * `raise;` re-raises the error being handled, hint and all, so it is not one of them.
 */
function raiseStatements(src: string): string[] {
  const found: string[] = [];
  let start = -1;
  let i = 0;
  const skipTo = (end: string, from: number) => {
    const at = src.indexOf(end, from);
    return at < 0 ? src.length : at + end.length;
  };
  while (i < src.length) {
    const rest = src.slice(i, i + 2);
    if (rest === '--') i = skipTo('\n', i);
    else if (rest === '/*') i = skipTo('*/', i + 2);
    else if (src[i] === "'" || src[i] === '"') {
      const quote = src[i]!;
      i++;
      while (i < src.length) {
        if (src[i] === quote && src[i + 1] === quote) i += 2;
        else if (src[i++] === quote) break;
      }
    } else if (src[i] === '$' && /^\$(?:[A-Za-z_]\w*)?\$/.test(src.slice(i))) {
      const tag = /^\$(?:[A-Za-z_]\w*)?\$/.exec(src.slice(i))![0];
      i = skipTo(tag, i + tag.length);
    } else if (
      start < 0 &&
      /^raise\b/i.test(src.slice(i, i + 6)) &&
      (i === 0 || !/[\w$.]/.test(src[i - 1]!))
    ) {
      start = i;
      i += 5;
    } else {
      if (src[i] === ';' && start >= 0) {
        const statement = src.slice(start, i + 1).replace(/\s+/g, ' ');
        if (!/^raise\s*;$/i.test(statement)) found.push(statement);
        start = -1;
      }
      i++;
    }
  }
  return found;
}

/** The machine code of a RAISE statement: `hint = '<snake_case>'`, or null. */
function hintCode(statement: string): string | null {
  return /\bhint\s*=\s*'([a-z][a-z0-9]*(?:_[a-z0-9]+)*)'\s*(?:[,;])/i.exec(statement)?.[1] ?? null;
}

let functions: Fn[];
let triggers: Trigger[];
let raises: Raise[];

beforeAll(async () => {
  const sql = ownerSql();
  functions = await sql<Fn[]>`
    select p.oid::int as oid, n.nspname as schema, p.proname as name,
           p.oid::regprocedure::text as signature, p.prosrc as src
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private', 'radius')
      and not exists (select 1 from pg_catalog.pg_depend d
                      where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid
                        and d.deptype = 'e')
    order by 4`;
  triggers = await sql<Trigger[]>`
    select format('%s.%s', n.nspname, c.relname) as table, t.tgfoid::int as fn,
           t.tgtype::int as type
    from pg_catalog.pg_trigger t
    join pg_catalog.pg_class c on c.oid = t.tgrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where not t.tgisinternal and n.nspname in ('public', 'private', 'radius')`;
  raises = functions.flatMap((f) =>
    raiseStatements(f.src).map((statement) => ({
      fn: f.signature,
      statement,
      code: hintCode(statement),
      sqlstate: /\berrcode\s*=\s*'(\w+)'/i.exec(statement)?.[1] ?? 'P0001',
    })),
  );
});

// --- What each app can receive -------------------------------------------------------------

type Event = 'insert' | 'update' | 'delete';
const EVENT_BITS: Record<Event, number> = { insert: 1 << 2, delete: 1 << 3, update: 1 << 4 };

/** The functions that run when the app calls these RPCs and writes these tables. */
function reachable(rpcs: string[], writes: [table: string, event: Event][]): Fn[] {
  const byName = new Map<string, Fn[]>();
  for (const f of functions)
    byName.set(`${f.schema}.${f.name}`, [...(byName.get(`${f.schema}.${f.name}`) ?? []), f]);
  const seen = new Set<number>();
  const queue: Fn[] = [];
  const visit = (f: Fn) => {
    if (seen.has(f.oid)) return;
    seen.add(f.oid);
    queue.push(f);
  };
  const write = (table: string, event: Event) => {
    for (const t of triggers) {
      if (t.table === table && t.type & EVENT_BITS[event])
        visit(functions.find((f) => f.oid === t.fn)!);
    }
  };
  for (const name of rpcs) for (const f of byName.get(`public.${name}`) ?? []) visit(f);
  for (const [table, event] of writes) write(table, event);
  while (queue.length) {
    const { src } = queue.pop()!;
    for (const [, schema, name] of src.matchAll(/\b(public|private|radius)\.(\w+)\s*\(/g))
      for (const f of byName.get(`${schema}.${name}`) ?? []) visit(f);
    // search_path is '' in every function, so each table it writes is schema-qualified.
    const upsert = /\bdo\s+update\b/i.test(src);
    for (const [, verb, table] of src.matchAll(
      /\b(insert\s+into|update|delete\s+from)\s+((?:public|private|radius)\.\w+)/gi,
    )) {
      const event = verb!.toLowerCase().split(/\s/)[0] as Event;
      write(table!, event);
      if (event === 'insert' && upsert) write(table!, 'update');
    }
  }
  return functions.filter((f) => seen.has(f.oid));
}

/** Every file of an app's source (TypeScript and Svelte). */
function sources(dir: string): string {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|svelte)$/.test(e.name))
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
    .join('\n');
}

/** The RPCs an app's source calls and the tables it writes through the API. */
function appCalls(dir: string) {
  const src = sources(dir);
  // supabase.rpc('name', …), and the apps' wrappers: rpc(supabase, 'name', …), rpcData(…).
  const calls = src.matchAll(/\brpc\w*\(\s*(?:[\w.]+\s*,\s*)?['"](\w+)['"]/g);
  const rpcs = [...new Set([...calls].map((m) => m[1]!))];
  const writes = [
    ...src.matchAll(/\.from\(\s*['"](\w+)['"]\s*\)\s*\.(insert|update|upsert|delete)\(/g),
  ].flatMap(([, table, verb]): [string, Event][] =>
    verb === 'upsert'
      ? [
          [`public.${table}`, 'insert'],
          [`public.${table}`, 'update'],
        ]
      : [[`public.${table}`, verb as Event]],
  );
  return { rpcs, writes };
}

/** The codes the functions raise. */
function codesOf(fns: Fn[]): Set<string> {
  const names = new Set(fns.map((f) => f.signature));
  return new Set(raises.filter((r) => names.has(r.fn) && r.code).map((r) => r.code!));
}

describe('every RAISE carries a machine code', () => {
  it('finds the raises of the schemas (so it checks something)', () => {
    expect(functions.length).toBeGreaterThan(50);
    expect(raises.length).toBeGreaterThanOrEqual(50);
    // Messages may hold a semicolon: the statement ends at the one after them.
    expect(raises.map((r) => r.statement)).toContainEqual(
      expect.stringMatching(/success is final', old\.id using .*hint = 'payment_success_final';$/),
    );
  });

  it("has hint = '<snake_case>' in every RAISE of public, private and radius", () => {
    const missing = raises.filter((r) => !r.code).map((r) => `${r.fn}: ${r.statement}`);
    expect(missing, "add hint = '<snake_case>' (supabase/migrations/README.md, Errors)").toEqual(
      [],
    );
  });

  it('gives one condition one SQLSTATE per code, so apps may rely on either', () => {
    const states = new Map<string, Set<string>>();
    for (const r of raises)
      if (r.code) states.set(r.code, (states.get(r.code) ?? new Set()).add(r.sqlstate));
    // price_negative: an argument (22023) or a row (23514) with a negative price.
    const mixed = [...states].filter(([code, s]) => s.size > 1 && code !== 'price_negative');
    expect(mixed.map(([code, s]) => `${code}: ${[...s].join(', ')}`)).toEqual([]);
  });
});

describe('apps have words for every code they can receive', () => {
  it('admin: errors.ts covers the codes of the RPCs it calls and the tables it writes', () => {
    const { rpcs, writes } = appCalls('admin/src');
    expect(rpcs).toEqual(expect.arrayContaining(['sell_voucher', 'support_issue_voucher']));
    expect(writes).toContainEqual(['public.memberships', 'delete']);
    const codes = codesOf(reachable(rpcs, writes));
    expect(codes).toContain('last_owner');
    expect([...codes].filter((c) => !Object.hasOwn(CODE_WORDS, c)).sort()).toEqual([]);
  });

  it('portal: errors.ts covers the codes of the RPCs it calls', () => {
    const { rpcs } = appCalls('portal/src');
    expect(rpcs).toEqual(expect.arrayContaining(['recover_voucher', 'portal_voucher_status']));
    const codes = codesOf(reachable(rpcs, []));
    expect([...codes].filter((c) => !Object.hasOwn(raisedErrorKeys, c)).sort()).toEqual([]);
  });

  it('neither app keeps words for a code no function raises', () => {
    const raised = new Set(raises.map((r) => r.code));
    const stale = [...Object.keys(CODE_WORDS), ...Object.keys(raisedErrorKeys)].filter(
      (c) => !raised.has(c),
    );
    expect(stale).toEqual([]);
  });
});

describe('the code reaches the client', () => {
  let owner: TestUser;
  let outsider: TestUser;
  let organizationId: string;
  let siteId: string;

  beforeAll(async () => {
    const sql = ownerSql();
    [owner, outsider] = await Promise.all([
      createTestUser('codes-owner'),
      createTestUser('codes-outsider'),
    ]);
    const tag = randomBytes(4).toString('hex');
    [{ id: organizationId }] = await sql`
      insert into public.organizations (name) values (${`Codes ${tag}`}) returning id`;
    await sql`insert into public.memberships (organization_id, user_id, role)
              values (${organizationId}, ${owner.id}, 'owner')`;
    [{ id: siteId }] = await sql`
      insert into public.sites (organization_id, slug, name)
      values (${organizationId}, ${`codes-${tag}`}, 'Codes cafe') returning id`;
  });

  it('as the JSON error of PostgREST: hint, with the SQLSTATE as code', async () => {
    const response = await fetch(`${stackInfo().supabaseUrl}/rest/v1/rpc/team_members`, {
      method: 'POST',
      headers: {
        apikey: stackInfo().publishableKey,
        authorization: `Bearer ${outsider.accessToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ p_organization_id: organizationId }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: '42501', hint: 'not_allowed' });
  });

  it('as error.hint in supabase-js, which the admin turns into words', async () => {
    const logo = await clientAs(owner).rpc('set_site_logo', {
      p_site_id: siteId,
      p_image_base64: Buffer.from('not an image at all').toString('base64'),
    });
    expect(logo.error).toMatchObject({ code: '22023', hint: 'logo_not_image' });
    expect(errorWords(logo.error!, 'save the logo')).toBe(CODE_WORDS.logo_not_image);

    // A trigger's refusal of a plain table write carries its code the same way.
    const last = await clientAs(owner)
      .from('memberships')
      .delete()
      .eq('organization_id', organizationId)
      .eq('user_id', owner.id);
    expect(last.error).toMatchObject({ code: '23514', hint: 'last_owner' });
    expect(errorWords(last.error!, 'remove yourself')).toBe(
      'An organization must keep at least one owner. Make another member owner first.',
    );
  });
});
