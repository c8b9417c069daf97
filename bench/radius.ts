// npm run bench:radius — our FreeRADIUS configuration against stock rlm_sql on stock tables, in
// one run on one machine: Access-Request throughput and p50/p99 latency at 200 requests/s,
// Interim-Update throughput, and login p50 with 50 ms added between FreeRADIUS and PostgreSQL.
//
// It starts its own throwaway stack (database only, no apps) in .local/bench-radius-<pid>,
// creates the hotspot users for both (vouchers for ours; radcheck/radreply users in a separate
// database for stock), and runs each FreeRADIUS alone in turn with the same pool, logging
// (stdout to a file, no -X) and reject_delay. Load comes from bench/radius-load.ts over UDP.
//
// Each measurement runs BENCH_ROUNDS times, ours and stock alternating (who goes first
// alternates too), and the median is printed, so load from other processes hits both alike.
//
//   BENCH_ROUNDS=3 BENCH_SECONDS=6 BENCH_CONCURRENCY=32 BENCH_USERS=256 npm run bench:radius
//   BENCH_SETUP_SQL=<file.sql> npm run bench:radius   (runs the file as the owner first)
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import type { RadiusClient } from '../radius/clients-conf.ts';
import { renderConfig } from '../radius/render.ts';
import { statusAnswered } from '../radius/status-probe.ts';
import { setRolePassword } from '../stack/migrate.ts';
import { freePort } from '../stack/ports.ts';
import { startProcess } from '../stack/process.ts';
import { radiusInstalled } from '../stack/radius.ts';
import { startStack, type Stack } from '../stack/stack.ts';
import {
  closedLoop,
  openLoop,
  percentile,
  startSessions,
  type Client,
  type Result,
  type Target,
  type User,
} from './radius-load.ts';
import { createNetemNamespace, startRelay, type Namespace, type Relay } from './radius-net.ts';
import { renderStock, seedStock } from './radius-stock.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const USERS = Number(process.env.BENCH_USERS ?? 256);
const RATE = 200;
const DELAY_MS = 50;
const DELAY_RATE = 20;
const REJECT_DELAY = 1;

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, '.local', `bench-radius-${process.pid}`);
const say = (line: string) => console.log(`[bench] ${line}`);

if (!radiusInstalled()) {
  console.error('FreeRADIUS is not installed: apt-get install -y freeradius freeradius-postgresql');
  process.exit(1);
}

type Db = { host: string; port: number; name: string; user: string; password: string };

// CPU time (user + system, ms) of processes, from /proc: FreeRADIUS is one process; PostgreSQL
// is the postmaster of the bench's cluster and its children (the pool's backends persist).
const TICK_MS = 10;
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}
function postgresCpuMs(): number {
  const postmaster = Number(
    readFileSync(join(dir, 'db', 'data', 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  let total = cpuMs(postmaster);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) total += cpuMs(Number(entry));
    } catch {
      // gone
    }
  }
  return total;
}
type Kind = 'ours' | 'stock';

const cleanups: (() => Promise<void> | void)[] = [];
async function cleanUp() {
  for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => {});
  if (process.env.BENCH_KEEP) say(`kept ${dir} (logs/ has each FreeRADIUS's output)`);
  else rmSync(dir, { recursive: true, force: true });
}
process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));

/** Starts one FreeRADIUS and waits until it answers Status-Server from the client. */
async function launch(
  kind: Kind,
  db: Db,
  client: Client & { routerId: string },
  network: { listen: string; netns?: string },
  label: string,
): Promise<{ target: Target; stop: () => Promise<void>; pid: number }> {
  const base = join(dir, `${kind}-${label}`);
  const raddb = join(base, 'raddb');
  const runDir = join(base, 'run');
  const clients: RadiusClient[] = [
    {
      routerId: client.routerId,
      nasIp: client.address,
      secret: client.secret,
      requireMessageAuthenticator: true,
    },
  ];
  if (kind === 'ours') renderConfig({ target: raddb, runDir, rejectDelay: REJECT_DELAY, clients });
  else renderStock({ target: raddb, runDir, rejectDelay: REJECT_DELAY, clients });
  const [authPort, acctPort, statusPort] = [await freePort(), await freePort(), await freePort()];
  const env = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    PGHOST: db.host,
    PGPORT: String(db.port),
    PGDATABASE: db.name,
    PGUSER: db.user,
    PGPASSWORD: db.password,
    PGSSLMODE: 'disable',
    WB_RADIUS_LISTEN: network.listen,
    WB_RADIUS_AUTH_PORT: String(authPort),
    WB_RADIUS_ACCT_PORT: String(acctPort),
    WB_RADIUS_STATUS_PORT: String(statusPort),
    WB_RADIUS_STATUS_SECRET: randomBytes(16).toString('hex'),
  };
  const [command, args] = network.netns
    ? ['ip', ['netns', 'exec', network.netns, 'freeradius', '-f', '-d', raddb]]
    : ['freeradius', ['-f', '-d', raddb]];
  const { service, child, logFile } = startProcess(
    `${kind}-${label}`,
    command as string,
    args as string[],
    join(dir, 'logs'),
    { env },
  );
  const stop = () => service.stop();
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${kind} FreeRADIUS exited (see ${logFile})`);
    const up = await statusAnswered({
      host: network.listen,
      port: authPort,
      secret: client.secret,
      from: client.address,
      timeoutMs: 200,
    });
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${kind} FreeRADIUS did not answer (see ${logFile})`);
    }
    await sleep(50);
  }
  return { target: { host: network.listen, authPort, acctPort }, stop, pid: child.pid ?? 0 };
}

type Figures = {
  loginRate: number;
  /** CPU per accepted Access-Request in the throughput run (µs): FreeRADIUS, PostgreSQL. */
  loginCpu: [number, number];
  interimCpu: [number, number];
  p50: number;
  p99: number;
  latencyLost: number;
  interimRate: number;
  wrong: number;
};

function rate(result: Result): number {
  return result.answered / result.seconds;
}

function check(kind: Kind, what: string, result: Result) {
  if (result.wrong || result.lost) {
    say(`${kind} ${what}: ${result.wrong} unexpected answers, ${result.lost} unanswered`);
  }
}

/** The full set of measurements for one configuration (without added latency). */
async function measure(
  kind: Kind,
  db: Db,
  client: Client & { routerId: string },
  users: User[],
): Promise<Figures> {
  const server = await launch(kind, db, client, { listen: '127.0.0.1' }, 'local');
  try {
    // Warm-up: binds every voucher to its device (ours) and fills the pool and caches.
    await closedLoop('login', server.target, client, users, {
      concurrency: CONCURRENCY,
      seconds: 2,
    });
    let cpu = [cpuMs(server.pid), postgresCpuMs()];
    const login = await closedLoop('login', server.target, client, users, {
      concurrency: CONCURRENCY,
      seconds: SECONDS,
    });
    const loginCpu: [number, number] = [
      ((cpuMs(server.pid) - cpu[0]) * 1000) / login.answered,
      ((postgresCpuMs() - cpu[1]) * 1000) / login.answered,
    ];
    check(kind, 'Access-Request throughput', login);
    const latency = await openLoop('login', server.target, client, users, {
      rate: RATE,
      seconds: Math.max(3, Math.round(SECONDS / 2)),
    });
    check(kind, `Access-Request at ${RATE}/s`, latency);
    await startSessions(server.target, client, users);
    cpu = [cpuMs(server.pid), postgresCpuMs()];
    const interim = await closedLoop('interim', server.target, client, users, {
      concurrency: CONCURRENCY,
      seconds: SECONDS,
    });
    const interimCpu: [number, number] = [
      ((cpuMs(server.pid) - cpu[0]) * 1000) / interim.answered,
      ((postgresCpuMs() - cpu[1]) * 1000) / interim.answered,
    ];
    check(kind, 'Interim-Update throughput', interim);
    return {
      loginRate: rate(login),
      loginCpu,
      interimCpu,
      p50: percentile(latency.latenciesMs, 50),
      p99: percentile(latency.latenciesMs, 99),
      latencyLost: latency.lost,
      interimRate: rate(interim),
      wrong: login.wrong + latency.wrong + interim.wrong,
    };
  } finally {
    await server.stop();
  }
}

/** Login and Interim p50 with the delay, at a low fixed rate. */
async function measureDelayed(
  kind: Kind,
  db: Db,
  client: Client & { routerId: string },
  users: User[],
  network: { listen: string; netns?: string },
): Promise<{ login: number; interim: number }> {
  const server = await launch(kind, db, client, network, 'delayed');
  try {
    const seconds = Math.max(3, Math.round(SECONDS / 2));
    await openLoop('login', server.target, client, users, { rate: DELAY_RATE, seconds: 1 });
    const login = await openLoop('login', server.target, client, users, {
      rate: DELAY_RATE,
      seconds,
    });
    check(kind, 'delayed Access-Request', login);
    const interim = await openLoop('interim', server.target, client, users, {
      rate: DELAY_RATE,
      seconds,
    });
    check(kind, 'delayed Interim-Update', interim);
    return {
      login: percentile(login.latenciesMs, 50),
      interim: percentile(interim.latenciesMs, 50),
    };
  } finally {
    await server.stop();
  }
}

/** The median of each figure over the rounds. */
function median(list: Figures[]): Figures {
  const pick = (key: 'loginRate' | 'p50' | 'p99' | 'interimRate') =>
    percentile(
      list.map((f) => f[key]),
      50,
    );
  const pair = (key: 'loginCpu' | 'interimCpu'): [number, number] => [
    percentile(
      list.map((f) => f[key][0]),
      50,
    ),
    percentile(
      list.map((f) => f[key][1]),
      50,
    ),
  ];
  return {
    loginRate: pick('loginRate'),
    loginCpu: pair('loginCpu'),
    interimCpu: pair('interimCpu'),
    p50: pick('p50'),
    p99: pick('p99'),
    latencyLost: list.reduce((sum, f) => sum + f.latencyLost, 0),
    interimRate: pick('interimRate'),
    wrong: list.reduce((sum, f) => sum + f.wrong, 0),
  };
}

const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

let stack: Stack | undefined;
try {
  say(`starting a throwaway stack in ${dir} ...`);
  stack = await startStack({ dir, ports: 'free', ephemeral: true, apps: false, log: () => {} });
  cleanups.push(() => stack?.stop());
  const superUrl = new URL(stack.info.superuserDbUrl);
  const superuser = postgres(stack.info.superuserDbUrl, { max: 2, onnotice: () => {} });
  const owner = postgres(stack.info.dbUrl, { max: 2, onnotice: () => {} });
  cleanups.push(
    () => superuser.end({ timeout: 2 }),
    () => owner.end({ timeout: 2 }),
  );
  const dbPort = Number(superUrl.port);
  // A/B runs: BENCH_SETUP_SQL=<file> is run as the migrations' owner before anything is measured
  // (e.g. earlier versions of the radius functions, to measure before and after in one place).
  if (process.env.BENCH_SETUP_SQL) {
    await owner.unsafe(readFileSync(process.env.BENCH_SETUP_SQL, 'utf8'));
    say(`ran ${process.env.BENCH_SETUP_SQL}`);
  }

  // Ours: one organization, site, plan (rate limits, 1 TB, 30 days) and USERS vouchers.
  const [org] = await owner`insert into public.organizations (name) values ('Bench') returning id`;
  const [site] = await owner`insert into public.sites (organization_id, slug, name)
    values (${org.id}, ${`bench-${process.pid}`}, 'Bench') returning id`;
  const [plan] = await owner`
    insert into public.plans (organization_id, name, price_kes, validity_seconds, data_quota_bytes,
      download_kbps, upload_kbps, devices_allowed)
    values (${org.id}, 'Bench', 10, 2592000, 1099511627776, 4096, 1024, 1) returning id`;
  await owner`insert into public.plan_sites (plan_id, site_id, organization_id)
              values (${plan.id}, ${site.id}, ${org.id})`;
  const addRouter = async (address: string) => {
    const secret = randomBytes(16).toString('hex');
    const [router] = await owner`
      insert into public.routers (organization_id, site_id, name, nas_ip, vendor)
      values (${org.id}, ${site.id}, 'Bench router', ${address}, 'mikrotik') returning id`;
    await owner`insert into private.router_secrets (router_id, secret) values (${router.id}, ${secret})`;
    return { routerId: router.id as string, address, secret };
  };
  const codes = (
    await owner`insert into public.vouchers (organization_id, plan_id)
                select ${org.id}, ${plan.id} from generate_series(1, ${USERS}) returning code`
  ).map((row) => row.code as string);
  const users: User[] = codes.map((code) => ({
    name: code,
    mac: [...randomBytes(6)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':'),
    sessionId: randomBytes(4).toString('hex'),
  }));
  const oursDb: Db = {
    host: '127.0.0.1',
    port: dbPort,
    name: superUrl.pathname.slice(1) || 'postgres',
    user: 'freeradius',
    password: await setRolePassword(stack.info.superuserDbUrl, 'freeradius'),
  };

  // Stock: the same users with the same reply attributes, in their own database.
  await superuser.unsafe('create database radius_stock');
  const stockUrl = new URL(stack.info.superuserDbUrl);
  stockUrl.pathname = '/radius_stock';
  const stockSql = postgres(stockUrl.toString(), { max: 1, onnotice: () => {} });
  cleanups.push(() => stockSql.end({ timeout: 2 }));
  await seedStock(stockSql, codes, {
    'Session-Timeout': '2592000',
    'Acct-Interim-Interval': '300',
    'Mikrotik-Rate-Limit': '1024k/4096k',
    'WISPr-Bandwidth-Max-Down': '4096000',
    'WISPr-Bandwidth-Max-Up': '1024000',
    'Mikrotik-Total-Limit': '4294967295',
    'Mikrotik-Total-Limit-Gigawords': '255',
  });
  const stockDb: Db = {
    host: '127.0.0.1',
    port: dbPort,
    name: 'radius_stock',
    user: decodeURIComponent(superUrl.username),
    password: decodeURIComponent(superUrl.password),
  };

  const localClient = await addRouter(`127.77.${process.pid % 250}.9`);
  say(
    `${USERS} users, ${CONCURRENCY} in flight, ${SECONDS} s per throughput run, reject_delay ${REJECT_DELAY}, pool 2..32 (one connection per thread at most), logs to a file`,
  );
  const rounds: Record<Kind, Figures[]> = { ours: [], stock: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order: Kind[] = round % 2 === 0 ? ['ours', 'stock'] : ['stock', 'ours'];
    for (const kind of order) {
      rounds[kind].push(
        await measure(kind, kind === 'ours' ? oursDb : stockDb, localClient, users),
      );
    }
    say(`round ${round + 1} of ${ROUNDS} done`);
  }
  const figures: Record<Kind, Figures> = { ours: median(rounds.ours), stock: median(rounds.stock) };

  // 50 ms between FreeRADIUS and PostgreSQL.
  let how: string;
  let namespace: Namespace | undefined;
  let relay: Relay | undefined;
  try {
    namespace = createNetemNamespace(`wbbench${process.pid % 100000}`, DELAY_MS);
    cleanups.push(() => namespace?.teardown());
    relay = await startRelay(namespace.dbAddress, { host: '127.0.0.1', port: dbPort }, 0);
    how = `tc netem delay ${DELAY_MS}ms on a veth pair into network namespace ${namespace.name}`;
  } catch (error) {
    say(`ip netns + veth + tc netem unavailable: ${(error as Error).message}`);
    relay = await startRelay('127.0.0.1', { host: '127.0.0.1', port: dbPort }, DELAY_MS / 2);
    how = `netem unavailable, so a user-space TCP relay holding each chunk ${DELAY_MS / 2} ms each way`;
  }
  cleanups.push(() => relay?.close());
  const client = namespace ? await addRouter(namespace.clientAddress) : localClient;
  const network = namespace
    ? { listen: namespace.radiusAddress, netns: namespace.name }
    : { listen: '127.0.0.1' };
  const viaRelay = (db: Db): Db => ({ ...db, host: relay!.host, port: relay!.port });
  const delayed: Record<Kind, { login: number; interim: number }> = {
    ours: await measureDelayed('ours', viaRelay(oursDb), client, users, network),
    stock: await measureDelayed('stock', viaRelay(stockDb), client, users, network),
  };

  const { ours, stock } = figures;
  const ratio = (a: number, b: number) => fmt(a / b, 2);
  console.log('');
  console.log(
    `RADIUS benchmark (${new Date().toISOString()}): medians of ${ROUNDS} rounds, ${SECONDS} s per throughput run`,
  );
  console.log('');
  console.log('| measure | ours | stock rlm_sql | ours / stock |');
  console.log('|---|---|---|---|');
  console.log(
    `| Access-Request throughput (accepts/s, ${CONCURRENCY} in flight) | ${fmt(ours.loginRate)} | ${fmt(stock.loginRate)} | ${ratio(ours.loginRate, stock.loginRate)} |`,
  );
  console.log(
    `| Access-Request p50 at ${RATE}/s (ms) | ${fmt(ours.p50, 2)} | ${fmt(stock.p50, 2)} | ${ratio(ours.p50, stock.p50)} |`,
  );
  console.log(
    `| Access-Request p99 at ${RATE}/s (ms) | ${fmt(ours.p99, 2)} | ${fmt(stock.p99, 2)} | ${ratio(ours.p99, stock.p99)} |`,
  );
  console.log(
    `| Interim-Update throughput (responses/s, ${CONCURRENCY} in flight) | ${fmt(ours.interimRate)} | ${fmt(stock.interimRate)} | ${ratio(ours.interimRate, stock.interimRate)} |`,
  );
  const cpuCell = (c: [number, number]) => `${fmt(c[0])} + ${fmt(c[1])}`;
  console.log(
    `| CPU per Access-Request (µs, FreeRADIUS + PostgreSQL) | ${cpuCell(ours.loginCpu)} | ${cpuCell(stock.loginCpu)} | ${ratio(ours.loginCpu[0] + ours.loginCpu[1], stock.loginCpu[0] + stock.loginCpu[1])} |`,
  );
  console.log(
    `| CPU per Interim-Update (µs, FreeRADIUS + PostgreSQL) | ${cpuCell(ours.interimCpu)} | ${cpuCell(stock.interimCpu)} | ${ratio(ours.interimCpu[0] + ours.interimCpu[1], stock.interimCpu[0] + stock.interimCpu[1])} |`,
  );
  console.log(
    `| Access-Request p50, +${DELAY_MS} ms to PostgreSQL, ${DELAY_RATE}/s (ms) | ${fmt(delayed.ours.login, 1)} | ${fmt(delayed.stock.login, 1)} | ${ratio(delayed.ours.login, delayed.stock.login)} |`,
  );
  console.log(
    `| Interim-Update p50, +${DELAY_MS} ms to PostgreSQL, ${DELAY_RATE}/s (ms) | ${fmt(delayed.ours.interim, 1)} | ${fmt(delayed.stock.interim, 1)} | ${ratio(delayed.ours.interim, delayed.stock.interim)} |`,
  );
  console.log('');
  console.log(`Added latency: ${how}.`);
  console.log(
    `Machine: ${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at the end (other processes' load makes the figures noisier).`,
  );
  console.log(
    `Throughput target: ours ≥ 0.8 × stock → ${ours.loginRate >= 0.8 * stock.loginRate ? 'met' : 'NOT met'} (${ratio(ours.loginRate, stock.loginRate)}); p99 < 10 ms at ${RATE}/s → ${ours.p99 < 10 ? 'met' : 'NOT met'} (${fmt(ours.p99, 2)} ms).`,
  );
  if (ours.wrong || stock.wrong || ours.latencyLost || stock.latencyLost) {
    console.log(
      `Unexpected answers: ours ${ours.wrong}, stock ${stock.wrong}; unanswered at ${RATE}/s: ours ${ours.latencyLost}, stock ${stock.latencyLost}.`,
    );
  }
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
