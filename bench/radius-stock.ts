// The benchmark's baseline: stock FreeRADIUS rlm_sql with the distribution's own PostgreSQL
// schema and queries (radcheck/radreply/radusergroup, radacct, radpostauth) in a database of
// its own, rendered from the same installed distribution as ours, with the same pool, logging
// and reject_delay. Only the site is minimal (chap, sql, pap), like ours.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type postgres from 'postgres';
import { renderClients, type RadiusClient } from '../radius/clients-conf.ts';
import { distributionDir, enableOnly, handToFreerad, rewriteRadiusd } from '../radius/render.ts';

export const STOCK_SCHEMA = join(distributionDir, 'mods-config/sql/main/postgresql/schema.sql');

/** The stock `sql` module pointed at PostgreSQL through libpq's PG* variables. */
const SQL_MODULE = `sql {
	dialect = "postgresql"
	driver = "rlm_sql_postgresql"
	radius_db = "application_name=freeradius-stock"
	acct_table1 = "radacct"
	acct_table2 = "radacct"
	postauth_table = "radpostauth"
	authcheck_table = "radcheck"
	groupcheck_table = "radgroupcheck"
	authreply_table = "radreply"
	groupreply_table = "radgroupreply"
	usergroup_table = "radusergroup"
	delete_stale_sessions = yes
	read_clients = no
	client_table = "nas"
	group_attribute = "SQL-Group"
	# The same pool as radius/raddb/mods-available/wifi_billing_sql.
	pool {
		start = 2
		min = 2
		spare = 4
		max = \${thread[pool].max_servers}
		uses = 0
		lifetime = 0
		idle_timeout = 0
		retry_delay = 1
		connect_timeout = 3
	}
	postgresql {
		send_application_name = no
	}
	$INCLUDE \${modconfdir}/sql/main/postgresql/queries.conf
}
`;

const SITE = `server stock-bench {
	listen {
		type = auth
		ipaddr = $ENV{WB_RADIUS_LISTEN}
		port = $ENV{WB_RADIUS_AUTH_PORT}
	}
	listen {
		type = acct
		ipaddr = $ENV{WB_RADIUS_LISTEN}
		port = $ENV{WB_RADIUS_ACCT_PORT}
	}
	authorize {
		chap
		sql
		pap
		Autz-Type Status-Server {
			ok
		}
	}
	authenticate {
		Auth-Type PAP {
			pap
		}
		Auth-Type CHAP {
			chap
		}
	}
	preacct {
		acct_unique
	}
	accounting {
		sql
	}
	post-auth {
		sql
		Post-Auth-Type REJECT {
			sql
		}
	}
}
`;

/** Renders the stock configuration into `target` (replacing it). */
export function renderStock(options: {
  target: string;
  runDir: string;
  rejectDelay: number;
  clients: RadiusClient[];
}): void {
  const target = resolve(options.target);
  if (!existsSync(join(distributionDir, 'radiusd.conf'))) throw new Error('FreeRADIUS missing');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(options.runDir, { recursive: true });
  cpSync(distributionDir, target, { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(target, 'mods-available', 'sql'), SQL_MODULE);
  writeFileSync(join(target, 'sites-available', 'stock-bench'), SITE);
  enableOnly(join(target, 'mods-enabled'), '../mods-available', [
    'always',
    'expr',
    'pap',
    'chap',
    'sql',
  ]);
  enableOnly(join(target, 'sites-enabled'), '../sites-available', ['stock-bench']);
  const radiusd = join(target, 'radiusd.conf');
  writeFileSync(
    radiusd,
    rewriteRadiusd(readFileSync(radiusd, 'utf8'), target, {
      target,
      runDir: options.runDir,
      rejectDelay: options.rejectDelay,
      clients: options.clients,
    }),
  );
  writeFileSync(join(target, 'clients.conf'), renderClients(options.clients), { mode: 0o640 });
  handToFreerad(target, options.runDir);
}

/** Reply attributes equivalent to what radius.authorize() sends for the bench plan. */
export type StockReply = Record<string, string>;

/** Creates the stock schema in `sql`'s database and one radcheck/radreply user per name. */
export async function seedStock(sql: postgres.Sql, names: string[], reply: StockReply) {
  await sql.unsafe(readFileSync(STOCK_SCHEMA, 'utf8'));
  for (let i = 0; i < names.length; i += 100) {
    const chunk = names.slice(i, i + 100);
    await sql`insert into radcheck ${sql(
      chunk.map((username) => ({
        username,
        attribute: 'Cleartext-Password',
        op: ':=',
        value: username,
      })),
    )}`;
    await sql`insert into radreply ${sql(
      chunk.flatMap((username) =>
        Object.entries(reply).map(([attribute, value]) => ({
          username,
          attribute,
          op: ':=',
          value,
        })),
      ),
    )}`;
  }
}
