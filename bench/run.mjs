// `npm run bench` (it builds dist/ first): what a user of plain-client feels, measured and reported against the
// budgets of issue 12. A report, not a test: it prints FAIL and still exits 0, unless run with `--strict`.
//
// Nothing leaves the machine. CPU and heap are measured against an in-process stand-in for Plain that answers at
// once (bench/instant-plain.mjs); requests are counted at plain-client's fake of Plain; the bundle is measured by
// scripts/size.mjs; every timing runs in fresh child processes. bench/README.md explains each line.
import { execFile, spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PlainClient } from 'plain-client';
import { createFakePlain } from 'plain-client/testing';

const STRICT = process.argv.includes('--strict');
const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const run = promisify(execFile);

const CPU_RUNS = 3;
const IMPORT_RUNS = 10;
const COUNT_REPLIES = 100;

const BUDGET = {
  cpuUs: 30,
  bundleBytes: 15_000,
  importMs: 50,
  heapGrowth: 0.05,
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const started = performance.now();

/** Lines of the final table: what was measured, the figure, the budget, and whether it holds (undefined: no budget). */
const rows = [];
const report = (measure, result, budget, pass) => rows.push({ measure, result, budget, pass });

// ---------------------------------------------------------------------------------- SDK CPU per warm reply

process.stderr.write('CPU per warm reply ');
const cpu = [];
for (let i = 0; i < CPU_RUNS; i++) {
  const { stdout } = await run(process.execPath, [here('./cpu-per-reply.mjs')], { timeout: 120_000 });
  cpu.push(JSON.parse(stdout));
  process.stderr.write('.');
}
const overBare = median(cpu.map((r) => r.overBareUs));
const spread = cpu.map((r) => fmt(r.overBareUs, 1)).join(', ');
report(
  `SDK CPU per warm reply over a bare fetch (median of ${fmt(cpu[0].calls)} calls; ${CPU_RUNS} processes: ${spread} µs)`,
  `${fmt(overBare, 1)} µs`,
  `≤ ${BUDGET.cpuUs} µs`,
  overBare <= BUDGET.cpuUs,
);

// ---------------------------------------------------------------------------------- requests per reply

process.stderr.write('\nrequests per reply ');
{
  const fake = createFakePlain();
  const client = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
  const sentDuring = async (work) => {
    const before = fake.requests.length;
    await work();
    return fake.requests.length - before;
  };
  const expectOk = (result) => {
    if (!result.ok) throw new Error(`plain-client failed: ${result.error.kind}: ${result.error.message}`);
  };

  const coldThreads = Array.from({ length: COUNT_REPLIES }, () => fake.addThread({ channel: 'EMAIL' }));
  const cold = await sentDuring(async () => {
    for (const thread of coldThreads)
      expectOk(await client.replyToThread({ threadId: thread.id, textContent: 'cold' }));
  });
  const warmThread = coldThreads[0];
  const warm = await sentDuring(async () => {
    for (let i = 0; i < COUNT_REPLIES; i++) {
      expectOk(await client.replyToThread({ threadId: warmThread.id, textContent: 'warm' }));
    }
  });
  const shared = fake.addThread({ channel: 'EMAIL' });
  const concurrent = await sentDuring(async () => {
    const results = await Promise.all(
      Array.from({ length: 16 }, () => client.replyToThread({ threadId: shared.id, textContent: 'together' })),
    );
    results.forEach(expectOk);
  });
  const perCold = cold / COUNT_REPLIES;
  const perWarm = warm / COUNT_REPLIES;
  report(
    `requests per warm reply (${COUNT_REPLIES} replies to a thread seen before)`,
    fmt(perWarm, 2),
    '1',
    perWarm === 1,
  );
  report(
    `requests per cold reply (${COUNT_REPLIES} replies to new threads: lookup + reply)`,
    fmt(perCold, 2),
    '2',
    perCold === 2,
  );
  report(
    'requests for 16 concurrent first replies to one thread (one shared lookup)',
    String(concurrent),
    '17',
    concurrent === 17,
  );
}

// ---------------------------------------------------------------------------------- browser bundle

process.stderr.write('\nbrowser bundle ');
{
  const size = spawnSync(process.execPath, [here('../scripts/size.mjs'), '--no-build', '--json'], { encoding: 'utf8' });
  const line = size.stdout.trim().split('\n').pop();
  const measured = line?.startsWith('{') ? JSON.parse(line) : undefined;
  if (!measured) {
    report('browser bundle (scripts/size.mjs)', 'failed to measure', `≤ ${fmt(BUDGET.bundleBytes)} B gzip`, false);
    process.stderr.write(size.stderr);
  } else {
    report(
      `browser bundle: PlainClient + replyToThread + getThread, all dependencies, gzip -9 (${fmt(measured.minifiedBytes)} B minified)`,
      `${fmt(measured.gzipBytes)} B`,
      `≤ ${fmt(BUDGET.bundleBytes)} B`,
      measured.gzipBytes <= BUDGET.bundleBytes && measured.problems.length === 0,
    );
    for (const problem of measured.problems) console.error(`size: ${problem}`);
  }
}

// ---------------------------------------------------------------------------------- import time

process.stderr.write('\nimport ');
{
  /** Median wall-clock and CPU milliseconds of importing `specifier` in IMPORT_RUNS fresh processes. */
  const importTimes = async (specifier) => {
    const wall = [];
    const cpuMs = [];
    for (let i = 0; i < IMPORT_RUNS; i++) {
      const { stdout } = await run(process.execPath, [here('./import-probe.mjs'), specifier], { timeout: 30_000 });
      const probe = JSON.parse(stdout);
      wall.push(probe.wallMs);
      cpuMs.push(probe.cpuMs);
      process.stderr.write('.');
    }
    return { wallMs: median(wall), cpuMs: median(cpuMs) };
  };
  const sdk = await importTimes('plain-client');
  // Its one run-time dependency alone, for scale: on a loaded machine both grow together.
  const zod = await importTimes('zod/mini');
  report(
    `import('plain-client') in a fresh process, wall clock (median of ${IMPORT_RUNS}; CPU ${fmt(sdk.cpuMs, 1)} ms)`,
    `${fmt(sdk.wallMs, 1)} ms`,
    `≤ ${BUDGET.importMs} ms`,
    sdk.wallMs <= BUDGET.importMs,
  );
  report(
    `  for scale: import('zod/mini') alone, its one dependency (CPU ${fmt(zod.cpuMs, 1)} ms)`,
    `${fmt(zod.wallMs, 1)} ms`,
    '',
    undefined,
  );
}

// ---------------------------------------------------------------------------------- heap

process.stderr.write('\nheap ');
for (const [scenario, label] of [
  ['warm', 'heap after 10,000 warm replies (500 known threads) vs before'],
  ['distinct', 'heap after 10,000 replies to new threads (memory full, evicting) vs before'],
  ['control', 'control: the same with threadCacheSize 1,000,000 (must grow)'],
]) {
  const { stdout } = await run(process.execPath, ['--expose-gc', here('./heap.mjs'), scenario], { timeout: 300_000 });
  const { before, after } = JSON.parse(stdout);
  const growth = (after - before) / before;
  const result = `${fmt(before / 1e6, 2)} → ${fmt(after / 1e6, 2)} MB (${growth >= 0 ? '+' : ''}${fmt(growth * 100, 1)} %)`;
  if (scenario === 'control') report(label, result, '(shows growth)', undefined);
  else report(label, result, `≤ +${BUDGET.heapGrowth * 100} %`, growth <= BUDGET.heapGrowth);
  process.stderr.write('.');
}
process.stderr.write('\n');

// ---------------------------------------------------------------------------------- report

const cpuModel = os.cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
const load = os
  .loadavg()
  .map((n) => fmt(n, 1))
  .join(' ');
console.log(
  `\nplain-client benchmark: Node ${process.version}, ${os.platform()} ${os.arch()}, ${os.cpus().length} cores (${cpuModel}), load average ${load}; ${fmt((performance.now() - started) / 1000, 1)} s`,
);
const table = [
  ['measure', 'result', 'budget', ''],
  ...rows.map((r) => [r.measure, r.result, r.budget, r.pass === undefined ? '' : r.pass ? 'pass' : 'FAIL']),
];
const widths = table[0].map((_, col) => Math.max(...table.map((row) => row[col].length)));
const line = (row) =>
  row
    .map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col])))
    .join('  ')
    .trimEnd();
console.log(line(table[0]));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table.slice(1)) console.log(line(row));
const failed = rows.filter((r) => r.pass === false);
console.log(failed.length === 0 ? '\nEvery budget holds.' : `\n${failed.length} budget(s) not met.`);

// ---------------------------------------------------------------------------------- rate limits

// Several processes sharing one budget against a limiter that sends Plain's headers.
console.log('\nRate limits across processes (bench/rate-limit.mjs):');
const rateLimitRun = spawnSync(process.execPath, [here('./rate-limit.mjs')], { stdio: 'inherit' });
const rateLimitFailed = rateLimitRun.status !== 0;
if (rateLimitFailed) console.log(`bench/rate-limit.mjs exited with ${rateLimitRun.status ?? rateLimitRun.signal}`);

// ---------------------------------------------------------------------------------- one Redis store, many processes

// K processes sharing one budget, channel memory and webhook memory through plain-client/redis, against the same
// limiter, beside the same runs without a store (about 6 minutes; `npm run bench -- --quick`: about 1½).
console.log('\nRedis store across processes (bench/redis-store.mjs):');
const redisStoreRun = spawnSync(
  process.execPath,
  [here('./redis-store.mjs'), ...process.argv.slice(2).filter((arg) => arg === '--quick')],
  { stdio: 'inherit' },
);
if (redisStoreRun.status !== 0) {
  console.log(`bench/redis-store.mjs exited with ${redisStoreRun.status ?? redisStoreRun.signal}`);
}

// ---------------------------------------------------------------------------------- webhooks

// verifyWebhook on a 5 KB event; set PLAIN_OFFICIAL_VERIFIER_DIR to a folder with Plain's official SDK installed to
// time its verifier beside it.
console.log('\nWebhooks (bench/webhooks.mjs):');
const { runWebhooksBench, printWebhooksBench } = await import('./webhooks.mjs');
printWebhooksBench(await runWebhooksBench({ officialDir: process.env.PLAIN_OFFICIAL_VERIFIER_DIR }));

process.exit(STRICT && (failed.length > 0 || rateLimitFailed) ? 1 : 0);
