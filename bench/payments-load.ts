// The load generator of `npm run bench:payments`, forked by bench/payments.ts into a process of
// its own, as Daraja is another machine: it shares neither the gateway's event loop nor its CPU
// accounting. It takes one phase's schedule as a message and answers with what it measured.

export type Load = { rate: number; concurrency: number; schedule: { url: string; body: string }[] };
/** latencies[i] is the callback sent sentAt[i] ms after the run began. */
export type Result = {
  latencies: number[];
  sentAt: number[];
  statuses: [number, number][];
  elapsed: number;
};

const { rate, concurrency, schedule } = await new Promise<Load>((resolve) =>
  process.once('message', (message) => resolve(message as Load)),
);
// A fresh process: warm its HTTP client and code paths (and the gateway's upstream
// connections) with requests the function refuses without touching the database, so the
// first measured callbacks do not pay for the generator's own start.
const base = schedule[0]!.url.replace(/\/[^/]+\/[^/]+$/, '');
for (let i = 0; i < 10; i++) {
  await Promise.all(
    Array.from({ length: 8 }, () =>
      fetch(base, { method: 'POST', body: '{}' }).then((r) => r.body?.cancel()),
    ),
  );
}
const latencies: number[] = [];
const sentAt: number[] = [];
const statuses = new Map<number, number>();
const began = performance.now();
const one = async (request: Load['schedule'][number]) => {
  const t0 = performance.now();
  const response = await fetch(request.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: request.body,
  });
  await response.body?.cancel();
  latencies.push(performance.now() - t0);
  sentAt.push(t0 - began);
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
};
if (rate > 0) {
  // Open loop: callbacks arrive at `rate` per second whatever the answers take.
  const sent: Promise<void>[] = [];
  for (let i = 0; i < schedule.length; i++) {
    const wait = began + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    sent.push(one(schedule[i]!));
  }
  await Promise.all(sent);
} else {
  // Closed loop: `concurrency` senders back to back, to find the capacity.
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < schedule.length) await one(schedule[next++]!);
    }),
  );
}
process.send!(
  {
    latencies,
    sentAt,
    statuses: [...statuses],
    elapsed: (performance.now() - began) / 1000,
  } satisfies Result,
  () => process.exit(0),
);
