/// <reference lib="dom" />
// `npm run bench:portal`: the captive portal's landing page (/s/<demo slug>, as a MikroTik
// hotspot redirects to it, controller variables in the query) in its own local stack:
// 1. its bytes in English and Swahili from Chromium's network log, once more with only
//    `accept-encoding: gzip` to show what compression there is;
// 2. the time until the plans are usable (first price and "I have a voucher" visible) on an
//    emulated 250 kbit/s, 300 ms link, cache off, median and max of BENCH_RUNS (default 5);
// 3. landing pages per second from the portal server, closed loop for BENCH_SECONDS (default 10)
//    at each of BENCH_CONCURRENCY (default "1,16"), 200 answers only. Every page is rendered
//    from PostgREST, so this is the whole path: portal → gateway → PostgREST → PostgreSQL.
import { chromium, type BrowserContext } from '@playwright/test';
import { fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

type Load = { url: string; seconds: number; concurrency: number };
type Result = { ok: number; other: number; latencies: number[]; elapsed: number };

// The load generator runs in its own process, as phones are other machines: it must not share
// the event loop of this process, which runs the gateway every portal request goes through.
if (process.argv.includes('--load')) {
  const { url, seconds, concurrency } = await new Promise<Load>((resolve) =>
    process.once('message', (message) => resolve(message as Load)),
  );
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const get = () =>
    new Promise<number>((resolve, reject) => {
      request(url, { agent }, (response) => {
        // The whole page is read, as a browser would, before the request counts as answered.
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      })
        .on('error', reject)
        .end();
    });
  const result: Result = { ok: 0, other: 0, latencies: [], elapsed: 0 };
  const began = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - began < seconds * 1000) {
        const t0 = performance.now();
        if ((await get()) !== 200) result.other++;
        else {
          result.ok++;
          result.latencies.push(performance.now() - t0);
        }
      }
    }),
  );
  result.elapsed = (performance.now() - began) / 1000;
  agent.destroy();
  process.send!(result, () => process.exit(0));
}

const { startStack } = await import('../stack/stack.ts');
// The e2e tests' small Android phone, with Debian's Chromium as playwright.config.ts finds it.
const { default: config } = await import('../playwright.config.ts');
const { launchOptions, viewport, deviceScaleFactor, isMobile, hasTouch } = config.projects!.find(
  (project) => project.name === 'small-android',
)!.use!;

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,16').split(',').map(Number);
const root = new URL('..', import.meta.url).pathname;
const dir = join(root, '.local', `bench-portal-${process.pid}`);

const browser = await chromium.launch(launchOptions);
// startStack stops what it started when it fails (a portal build that does not compile, say).
const stack = await startStack({ dir, ports: 'free', ephemeral: true, log: () => {} }).catch(
  async (error: unknown) => {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  },
);
try {
  const { info } = stack;
  const landing = (lang: string) =>
    `${info.portalUrl}/s/${info.demo.siteSlug}?lang=${lang}&mac=AA%3ABB%3ACC%3ADD%3AEE%3AFF&ip=10.5.50.2` +
    `&link-login-only=http%3A%2F%2F10.5.50.1%2Flogin&link-orig=http%3A%2F%2Fexample.com%2F` +
    `&chap-id=%5C371&chap-challenge=${'%5C357'.repeat(16)}`;
  const newContext = (headers: Record<string, string> = {}) =>
    browser.newContext({
      viewport,
      deviceScaleFactor,
      isMobile,
      hasTouch,
      extraHTTPHeaders: headers,
    });
  // A fresh page with Chromium's network log on and the HTTP cache off (a first visit).
  const open = async (context: BrowserContext) => {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    return { page, cdp };
  };

  console.log(
    `\nlanding page ${new URL(landing('en')).pathname}, bytes from Chromium's network log:`,
  );
  // Chromium's own accept-encoding, then gzip alone: does the portal compress at all?
  for (const headers of [{}, { 'accept-encoding': 'gzip' }] as Record<string, string>[]) {
    for (const lang of ['en', 'sw']) {
      const context = await newContext(headers);
      const { page, cdp } = await open(context);
      const requests = new Map<string, { transferred: number; body: number }>();
      cdp.on('Network.requestWillBeSent', (e) =>
        requests.set(e.requestId, { transferred: 0, body: 0 }),
      );
      cdp.on('Network.dataReceived', (e) => {
        const r = requests.get(e.requestId);
        if (r) r.body += e.dataLength;
      });
      cdp.on('Network.loadingFinished', (e) => {
        const r = requests.get(e.requestId);
        if (r) r.transferred = e.encodedDataLength;
      });
      const response = await page.goto(landing(lang), { waitUntil: 'networkidle' });
      if (response?.status() !== 200) throw new Error(`landing page: HTTP ${response?.status()}`);
      const asked = (await response.request().allHeaders())['accept-encoding'];
      const encoding = (await response.allHeaders())['content-encoding'] ?? 'none';
      const gzipped = gzipSync(await response.body()).length;
      await context.close();
      const all = [...requests.values()];
      const sum = (key: 'transferred' | 'body') => all.reduce((total, r) => total + r[key], 0);
      console.log(
        `  ${lang}, accept-encoding: ${asked}\n` +
          `    ${all.length} request(s), ${sum('transferred')} B transferred, ${sum('body')} B uncompressed; ` +
          `page content-encoding: ${encoding} (gzip would make it ${gzipped} B)`,
      );
    }
  }

  // 250 kbit/s each way (in bytes per second) and 300 ms latency: a crowded 2G/3G cell.
  const slow = {
    offline: false,
    latency: 300,
    downloadThroughput: 31_250,
    uploadThroughput: 31_250,
  };
  const timings: { usable: number; domContentLoaded: number; load: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await newContext();
    const { page, cdp } = await open(context);
    await cdp.send('Network.emulateNetworkConditions', slow);
    await page.goto(landing('en'), { waitUntil: 'commit' });
    // Timed in the page, at every frame it renders, from the navigation's start: waitForSelector
    // backs off to polling every 500 ms, which would round the figure up by as much.
    const usable = await page
      .waitForFunction(
        () =>
          document.querySelector('.plans .price')?.checkVisibility() &&
          document.querySelector('a.voucher')?.checkVisibility() &&
          performance.now(),
        undefined,
        { polling: 'raf' },
      )
      .then((handle) => handle.jsonValue() as Promise<number>);
    // Playwright's own idea of visible agrees (at once: both are on screen by now).
    await page.waitForSelector('.plans .price', { state: 'visible', timeout: 1000 });
    await page.waitForSelector('a.voucher', { state: 'visible', timeout: 1000 });
    await page.waitForLoadState('load');
    // The browser's own figures, relative to the navigation's start.
    const { domContentLoaded, load } = await page.evaluate(() => {
      const [e] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
      return { domContentLoaded: e!.domContentLoadedEventEnd, load: e!.loadEventEnd };
    });
    timings.push({ usable, domContentLoaded, load });
    await context.close();
  }
  const stat = (key: keyof (typeof timings)[number]) => {
    const sorted = timings.map((t) => t[key]).sort((a, b) => a - b);
    return `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`;
  };
  console.log(`\nslow link (250 kbit/s down and up, 300 ms latency, cache off), ${RUNS} runs, en:`);
  console.log(`  plans usable (first price and "I have a voucher" visible)  ${stat('usable')}`);
  console.log(
    `  DOMContentLoaded                                          ${stat('domContentLoaded')}`,
  );
  console.log(`  load event                                                ${stat('load')}`);

  console.log(
    `\nlanding pages per second from the portal server (node:http, keep-alive, ${SECONDS} s each):`,
  );
  for (const concurrency of CONCURRENCY) {
    const result = await new Promise<Result>((resolve, reject) => {
      const child = fork(new URL(import.meta.url).pathname, ['--load'], {
        serialization: 'advanced',
      });
      child.once('message', (message) => resolve(message as Result));
      child.once('error', reject);
      child.send({ url: landing('en'), seconds: SECONDS, concurrency } satisfies Load);
    });
    const sorted = result.latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
    console.log(
      `  concurrency ${String(concurrency).padStart(2)}: ${(result.ok / result.elapsed).toFixed(0).padStart(5)} req/s ` +
        `(${result.ok} answered 200${result.other ? `, ${result.other} other` : ''}), ` +
        `latency p50 ${pct(0.5).toFixed(1)} ms, p99 ${pct(0.99).toFixed(1)} ms`,
    );
  }
} finally {
  await browser.close();
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
}
