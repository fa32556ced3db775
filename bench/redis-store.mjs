// Several processes of one backend sharing one Redis store (issue 17, item 4). `npm run bench` runs it after building;
// alone: `npx tsup && node bench/redis-store.mjs [--quick] [--only <text>] [--readme]`.
//
// Every process runs its own PlainClient against a local limiter of 60 requests per 2-second window that sends
// Plain's x-ratelimit-* headers and 429s (bench/limiter-server.mjs), once with a store from `plain-client/redis`
// shared by all of them through a redis-server this script starts (test/redis-server.ts: free 127.0.0.1 port,
// persistence off, stopped at the end), once without a store. It measures:
//   - pacing: K processes (2, 4, 8) × 300 replies, 8 at a time each, to threads whose channel they pass (one request
//     per reply): answers 429 (target 0), time from the limiter's first request to its last against the floor
//     (requests ÷ limit × window; target ≤ 1.10 ×), replies that did not resolve ok;
//   - lookups: 4 processes replying to the same 100 threads without passing their channel: the lookups Plain answered
//     (target 100, not 400), each process in its own order, and all four in the same order at once (the worst case);
//   - webhooks: 4 processes, each with its own webhookHandler over the shared store, each receiving the same events
//     (all four deliveries at once, then one after the other): events handled more than once (target 0).
// `--quick` runs a smaller subset (fewer replies and threads) in about a minute and a half; `--only <text>` runs the
// scenarios whose name includes it; `--readme` also writes the tables into bench/README.md between its markers.
// Each scenario is bounded in time: children still running then are killed. A report, not a test: it exits 0.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startLimiterServer } from './limiter-server.mjs';

const HERE = fileURLToPath(import.meta.url);
const README = fileURLToPath(new URL('./README.md', import.meta.url));
const LIMIT = 60;
const WINDOW_MS = 2000;
const CONCURRENCY = 8;
const API_KEY = 'plainApiKey_bench_redis_store_0123456789';
const WEBHOOK_SECRET = 'whsec_bench_redis_store_0123456789abcdef0123';
const TARGET_TIME_RATIO = 1.1;
// Longer than any wait of a run, so that no reply fails on a connection the limiter closed as it was reused (a race of
// Node's HTTP server and undici's pool that has nothing to do with the budget).
const KEEP_ALIVE_MS = 120_000;

// ------------------------------------------------------------------------------------------------ child processes

/** Reads lines from the parent on stdin: resolves with the first line equal to `word`. */
function nextWord(lines, word) {
  return new Promise((resolve) => {
    const listen = (line) => {
      if (line.trim() !== word) return;
      lines.off('line', listen);
      resolve();
    };
    lines.on('line', listen);
  });
}

const say = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

/**
 * The store for this child: `createRedisStore` over a connected node-redis client, with the scenario's own prefix
 * (one workspace per prefix), and how to close it. Undefined without a Redis URL.
 */
async function openStore(redisUrl, prefix) {
  if (!redisUrl) return { store: undefined, close: async () => {} };
  const { createRedisStore } = await import('plain-client/redis');
  const { createClient } = await import('redis');
  const client = createClient({ url: redisUrl });
  client.on('error', () => {});
  await client.connect();
  return { store: createRedisStore({ client, prefix }), close: () => client.quit().catch(() => {}) };
}

/** One process of the backend: `replies` replies to `threads`, CONCURRENCY at a time, once the parent says go. */
async function replyingChild({ url, redisUrl, prefix, threads, passChannel, storeTimeoutMs }) {
  const lines = createInterface({ input: process.stdin });
  const { PlainClient } = await import('plain-client');
  const { store, close } = await openStore(redisUrl, prefix);
  const storeErrors = {};
  const plain = new PlainClient({
    apiKey: API_KEY,
    apiUrl: url,
    maxRetries: 2,
    maxRetryDelayMs: 60_000,
    ...(store && {
      store,
      ...(storeTimeoutMs && { storeTimeoutMs }),
      onStoreError: (e) => {
        const key = `${e.operation} ${e.reason}`;
        storeErrors[key] = (storeErrors[key] ?? 0) + 1;
      },
    }),
  });
  say({ ready: true });
  await nextWord(lines, 'go');

  const kinds = {};
  const samples = [];
  let ok = 0;
  let next = 0;
  const worker = async () => {
    while (next < threads.length) {
      const id = threads[next++];
      const options = passChannel ? { thread: { id, channel: 'EMAIL' } } : undefined;
      const result = await plain.replyToThread({ threadId: id, textContent: 'Thanks, it is fixed.' }, options);
      if (result.ok) ok++;
      else {
        kinds[result.error.kind] = (kinds[result.error.kind] ?? 0) + 1;
        const { kind, attempts, message, cause } = result.error;
        const code = cause?.code ?? cause?.cause?.code ?? cause?.cause?.message;
        if (samples.length < 3)
          samples.push(`${kind} after ${attempts} attempt(s): ${message}${code ? ` [${code}]` : ''}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await close();
  say({ ok, notOk: threads.length - ok, kinds, samples, storeErrors });
  lines.close();
}

/**
 * One instance of a backend's webhook endpoint: a webhookHandler (its `seen` memory in the shared store, or its own)
 * on a port of its own; `onEvent` takes `workMs` (what a handler does: reply, write a row). Reports the event ids it
 * handled and the answers it gave when the parent says report.
 */
async function webhookChild({ redisUrl, prefix, workMs, storeTimeoutMs }) {
  const lines = createInterface({ input: process.stdin });
  const { createServer } = await import('node:http');
  const webhooks = await import('plain-client/webhooks');
  const { store, close } = await openStore(redisUrl, prefix);
  const handled = [];
  const answers = {};
  const handler = webhooks.webhookHandler({
    secret: WEBHOOK_SECRET,
    ...(store && { seen: webhooks.sharedSeenStore(store, storeTimeoutMs ? { storeTimeoutMs } : {}) }),
    onEvent: async (event) => {
      handled.push(event.id);
      await new Promise((resolve) => setTimeout(resolve, workMs));
    },
  });
  const listener = webhooks.toNodeHandler(handler);
  const server = createServer(async (req, res) => {
    res.on('finish', () => {
      answers[res.statusCode] = (answers[res.statusCode] ?? 0) + 1;
    });
    await listener(req, res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  say({ ready: true, port: server.address().port });
  await nextWord(lines, 'report');
  server.closeAllConnections();
  server.close();
  await close();
  say({ handled, answers });
  lines.close();
}

// ------------------------------------------------------------------------------------------------ the parent

/** Starts one child per config; resolves once each said it is ready (with what it said). */
async function startChildren(configs, timeoutMs) {
  const children = configs.map((config) => {
    const proc = spawn(process.execPath, [HERE, 'child'], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, BENCH_CHILD: JSON.stringify(config) },
    });
    const messages = [];
    const waiting = [];
    createInterface({ input: proc.stdout }).on('line', (line) => {
      let message;
      try {
        message = JSON.parse(line);
      } catch {
        return;
      }
      const waiter = waiting.shift();
      if (waiter) waiter(message);
      else messages.push(message);
    });
    const exited = new Promise((resolve) => proc.once('close', resolve));
    exited.then(() => {
      for (const resolve of waiting.splice(0)) resolve(undefined);
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    exited.then(() => clearTimeout(timer));
    /** The next message of this child, or undefined if it exited first. */
    const nextMessage = () =>
      messages.length > 0
        ? Promise.resolve(messages.shift())
        : proc.exitCode !== null || proc.signalCode !== null
          ? Promise.resolve(undefined)
          : new Promise((resolve) => waiting.push(resolve));
    return { proc, nextMessage, exited, send: (word) => proc.stdin.write(`${word}\n`) };
  });
  const ready = await Promise.all(children.map((c) => c.nextMessage()));
  return { children, ready };
}

let redisServer;
let redisUnavailable;
let scenarioCount = 0;
/** `--store-timeout <ms>`: the clients' storeTimeoutMs (default: the client's own). */
let storeTimeoutMs;

/** A fresh key prefix for a scenario, so that no scenario starts with what another left in Redis. */
const freshPrefix = (name) => `plain-bench:${process.pid}:${++scenarioCount}:${name.replace(/\W+/g, '-')}:`;

/** K processes × `replies` replies, each to threads of its own with the channel passed: one request per reply. */
async function pacing({ processes, replies, withStore }) {
  const server = await startLimiterServer({ limit: LIMIT, windowMs: WINDOW_MS, keepAliveTimeoutMs: KEEP_ALIVE_MS });
  const floorMs = ((processes * replies) / LIMIT) * WINDOW_MS;
  const prefix = freshPrefix(`pacing-${processes}`);
  try {
    const configs = Array.from({ length: processes }, (_, p) => ({
      role: 'reply',
      url: server.url,
      redisUrl: withStore ? redisServer.url : undefined,
      storeTimeoutMs,
      prefix,
      passChannel: true,
      threads: Array.from({ length: replies }, (_, i) => `th_bench_${p}_${i}`),
    }));
    const { children, ready } = await startChildren(configs, 4 * floorMs + 60_000);
    if (ready.some((r) => !r?.ready)) throw new Error('a child failed to start');
    for (const child of children) child.send('go');
    const results = await Promise.all(children.map((c) => c.nextMessage()));
    const { requests, limited } = server.stats;
    return {
      processes,
      replies,
      withStore,
      ...sumChildren(results, processes * replies),
      requests,
      limited,
      ms: server.stats.lastAt - server.stats.firstAt,
      floorMs,
      maxPerWindow: Math.max(0, ...server.stats.spentPerWindow),
      perWindow: server.stats.spentPerWindow,
    };
  } finally {
    await server.close();
  }
}

/** 4 processes replying to the same `threads` threads, without their channel: each must be looked up once. */
async function lookups({ processes, threads, sameOrder, withStore }) {
  const server = await startLimiterServer({ limit: LIMIT, windowMs: WINDOW_MS, keepAliveTimeoutMs: KEEP_ALIVE_MS });
  const prefix = freshPrefix(`lookups-${sameOrder ? 'same' : 'own'}`);
  const ids = Array.from({ length: threads }, (_, i) => `th_shared_${i}`);
  try {
    const configs = Array.from({ length: processes }, (_, p) => ({
      role: 'reply',
      url: server.url,
      redisUrl: withStore ? redisServer.url : undefined,
      storeTimeoutMs,
      prefix,
      passChannel: false,
      threads: sameOrder ? ids : shuffled(ids, p + 1),
    }));
    const floorMs = ((processes * threads * 2) / LIMIT) * WINDOW_MS;
    const { children, ready } = await startChildren(configs, 4 * floorMs + 60_000);
    if (ready.some((r) => !r?.ready)) throw new Error('a child failed to start');
    for (const child of children) child.send('go');
    const results = await Promise.all(children.map((c) => c.nextMessage()));
    const { requests, limited, lookups: looked, replies: replied } = server.stats;
    return {
      processes,
      threads,
      sameOrder,
      withStore,
      ...sumChildren(results, processes * threads),
      requests,
      limited,
      lookups: looked,
      replied,
      ms: server.stats.lastAt - server.stats.firstAt,
    };
  } finally {
    await server.close();
  }
}

/** `events` signed webhook events, each delivered to all `processes` instances (at once, or one after the other). */
async function webhooks({ processes, events, together, withStore, workMs = 20 }) {
  const { signWebhook } = await import('plain-client/webhooks');
  const { emailEvent } = await import('./webhooks.mjs');
  const prefix = freshPrefix(`webhooks-${together ? 'together' : 'in-turn'}`);
  const configs = Array.from({ length: processes }, () => ({
    role: 'webhook',
    redisUrl: withStore ? redisServer.url : undefined,
    storeTimeoutMs,
    prefix,
    workMs,
  }));
  const { children, ready } = await startChildren(configs, 120_000);
  if (ready.some((r) => !r?.ready)) throw new Error('a child failed to start');
  const deliver = async (port, body, signature) => {
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'plain-request-signature': signature },
      body,
    });
    await response.arrayBuffer();
    return response.status;
  };
  for (let n = 0; n < events; n++) {
    const event = emailEvent(2_000);
    event.id = `pEv_bench_${process.pid}_${scenarioCount}_${n}`;
    const body = JSON.stringify(event);
    const signature = await signWebhook({ body, secret: WEBHOOK_SECRET });
    if (together) await Promise.all(ready.map((r) => deliver(r.port, body, signature)));
    else for (const r of ready) await deliver(r.port, body, signature);
  }
  for (const child of children) child.send('report');
  const results = await Promise.all(children.map((c) => c.nextMessage()));
  await Promise.all(children.map((c) => c.exited));
  const timesHandled = {};
  const answers = {};
  for (const r of results) {
    for (const id of r?.handled ?? []) timesHandled[id] = (timesHandled[id] ?? 0) + 1;
    for (const [status, n] of Object.entries(r?.answers ?? {})) answers[status] = (answers[status] ?? 0) + n;
  }
  const counts = Object.values(timesHandled);
  return {
    processes,
    events,
    together,
    withStore,
    handled: counts.reduce((a, b) => a + b, 0),
    handledTwiceOrMore: counts.filter((n) => n > 1).length,
    neverHandled: events - counts.length,
    answers,
  };
}

/** The children's results together: a child that crashed or was killed lost all its replies. */
function sumChildren(results, total) {
  const kinds = {};
  const storeErrors = {};
  const samples = [];
  let ok = 0;
  for (const r of results) {
    if (!r) {
      kinds['killed or crashed'] = (kinds['killed or crashed'] ?? 0) + 1;
      continue;
    }
    ok += r.ok;
    samples.push(...(r.samples ?? []));
    for (const [k, n] of Object.entries(r.kinds)) kinds[k] = (kinds[k] ?? 0) + n;
    for (const [k, n] of Object.entries(r.storeErrors ?? {})) storeErrors[k] = (storeErrors[k] ?? 0) + n;
  }
  return { total, notOk: total - ok, kinds, storeErrors, samples };
}

/** A deterministic shuffle of `items` for process number `seed`. */
function shuffled(items, seed) {
  let x = seed * 2654435761;
  const random = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ report

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const pct = (part, whole) => (whole === 0 ? '0' : `${((100 * part) / whole).toFixed(1)} %`);
const tally = (counts) =>
  Object.entries(counts)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
const verdict = (pass) => (pass ? 'pass' : 'FAIL');

function pacingTable(rows) {
  const out = [
    '| processes × replies | store | answered 429 (target 0) | time | floor | time ÷ floor (target ≤ 1.10) | replies lost | requests | most in one window | store errors |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const lost = `${r.notOk}${Object.keys(r.kinds).length ? ` (${tally(r.kinds)})` : ''}`;
    const ratio = r.ms / r.floorMs;
    const targets = r.withStore
      ? [` ${verdict(r.limited === 0)}`, ` ${verdict(ratio <= TARGET_TIME_RATIO)}`]
      : ['', ''];
    out.push(
      `| ${r.processes} × ${r.replies} | ${r.withStore ? 'Redis' : 'none'} | ${r.limited} = ${pct(r.limited, r.requests)}${targets[0]} | ${seconds(r.ms)} | ${seconds(r.floorMs)} | ${ratio.toFixed(2)}${targets[1]} | ${lost} | ${r.requests} | ${r.maxPerWindow} | ${tally(r.storeErrors) || '0'} |`,
    );
  }
  return out.join('\n');
}

function lookupsTable(rows) {
  const out = [
    '| 4 processes, same threads | store | lookups answered (target = threads) | replies answered | answered 429 | replies lost | time | store errors |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const order = r.sameOrder ? 'all in the same order at once' : 'each in its own order';
    const pass = r.withStore ? ` ${verdict(r.lookups === r.threads)}` : '';
    const lost = `${r.notOk}${Object.keys(r.kinds).length ? ` (${tally(r.kinds)})` : ''}`;
    out.push(
      `| ${r.processes} × ${r.threads} threads, ${order} | ${r.withStore ? 'Redis' : 'none'} | ${r.lookups}${pass} | ${r.replied} | ${r.limited} | ${lost} | ${seconds(r.ms)} | ${tally(r.storeErrors) || '0'} |`,
    );
  }
  return out.join('\n');
}

function webhooksTable(rows) {
  const out = [
    '| deliveries | store | events | times onEvent ran (target = events) | events handled more than once | never handled | answers |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const how = `each event to ${r.processes} instances, ${r.together ? 'all at once' : 'one after the other'}`;
    const pass = r.withStore ? ` ${verdict(r.handled === r.events && r.neverHandled === 0)}` : '';
    out.push(
      `| ${how} | ${r.withStore ? 'Redis' : 'none'} | ${r.events} | ${r.handled}${pass} | ${r.handledTwiceOrMore} | ${r.neverHandled} | ${tally(r.answers)} |`,
    );
  }
  return out.join('\n');
}

/** Replaces the text between the README's redis-store markers with `text`. */
function writeReadme(text) {
  const begin = '<!-- redis-store:begin -->';
  const end = '<!-- redis-store:end -->';
  const readme = readFileSync(README, 'utf8');
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from === -1 || to < from) {
    console.log(`bench/README.md has no ${begin} … ${end} markers: not written`);
    return;
  }
  writeFileSync(README, `${readme.slice(0, from + begin.length)}\n${text}\n${readme.slice(to)}`);
  console.log('\nWritten to bench/README.md.');
}

async function main(argv) {
  const quick = argv.includes('--quick');
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : '';
  const replies = quick ? 75 : 300;
  const threads = quick ? 40 : 100;
  if (argv.includes('--store-timeout')) storeTimeoutMs = Number(argv[argv.indexOf('--store-timeout') + 1]);
  const started = performance.now();

  try {
    const { tsImport } = await import('tsx/esm/api');
    const { startRedisServer } = await tsImport('../test/redis-server.ts', import.meta.url);
    redisServer = await startRedisServer();
  } catch (error) {
    redisUnavailable = error.message;
  }
  try {
    if (!redisUnavailable) await import('plain-client/redis');
  } catch (error) {
    redisUnavailable = `plain-client/redis is not built or not there yet (${error.message.split('\n')[0]})`;
  }
  const machine = `Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown'}), load average ${os
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')}`;
  const header = `Redis store across processes: ${new Date().toISOString()}, ${machine}${redisServer ? `, redis-server on 127.0.0.1:${redisServer.port}` : ''}${quick ? ', --quick' : ''}${storeTimeoutMs ? `, storeTimeoutMs ${storeTimeoutMs}` : ''}`;
  console.log(`# ${header}`);
  console.log(
    `limiter: ${LIMIT} requests per ${WINDOW_MS / 1000} s window; ${CONCURRENCY} replies at a time per process`,
  );
  if (redisUnavailable) console.log(`\nWITHOUT REDIS: only the runs without a store (${redisUnavailable})\n`);
  const stores = redisUnavailable ? [false] : [true, false];
  const wanted = (name) => name.includes(only);
  const sections = [];
  const samples = [];

  try {
    const pacingRows = [];
    for (const processes of [2, 4, 8]) {
      for (const withStore of stores) {
        const name = `pacing ${processes} ${withStore ? 'redis' : 'none'}`;
        if (!wanted(name)) continue;
        process.stderr.write(`${name} … `);
        const row = await pacing({ processes, replies, withStore });
        process.stderr.write(
          `${seconds(row.ms)}, ${row.limited} × 429; accepted per window: ${row.perWindow.join(' ')}\n`,
        );
        samples.push(...row.samples.map((s) => `- ${name}: ${s}`));
        pacingRows.push(row);
      }
    }
    if (pacingRows.length) sections.push(`### Pacing: one budget for K processes\n\n${pacingTable(pacingRows)}`);

    const lookupRows = [];
    for (const [sameOrder, withStore] of [
      [false, true],
      [true, true],
      [false, false],
    ]) {
      if (withStore && redisUnavailable) continue;
      const name = `lookups ${sameOrder ? 'same-order' : 'own-order'} ${withStore ? 'redis' : 'none'}`;
      if (!wanted(name)) continue;
      process.stderr.write(`${name} … `);
      const row = await lookups({ processes: 4, threads, sameOrder, withStore });
      process.stderr.write(`${row.lookups} lookups\n`);
      samples.push(...row.samples.map((s) => `- ${name}: ${s}`));
      lookupRows.push(row);
    }
    if (lookupRows.length) sections.push(`### Lookups: one channel memory\n\n${lookupsTable(lookupRows)}`);

    const webhookRows = [];
    for (const withStore of stores) {
      for (const together of [true, false]) {
        const name = `webhooks ${together ? 'together' : 'in-turn'} ${withStore ? 'redis' : 'none'}`;
        if (!wanted(name)) continue;
        process.stderr.write(`${name} … `);
        const row = await webhooks({ processes: 4, events: quick ? 20 : 50, together, withStore });
        process.stderr.write(`${row.handled} handled\n`);
        webhookRows.push(row);
      }
    }
    if (webhookRows.length) sections.push(`### Webhooks: one seen memory\n\n${webhooksTable(webhookRows)}`);
  } finally {
    await redisServer?.stop();
  }

  const text = [
    `${header}; ${seconds(performance.now() - started)}`,
    ...sections,
    ...(samples.length ? [`Some replies that failed:\n${samples.slice(0, 12).join('\n')}`] : []),
  ].join('\n\n');
  console.log(`\n${sections.join('\n\n')}`);
  if (samples.length) console.log(`\nSome replies that failed:\n${samples.slice(0, 12).join('\n')}`);
  if (argv.includes('--readme')) writeReadme(text);
}

if (process.argv[2] === 'child') {
  const config = JSON.parse(process.env.BENCH_CHILD ?? '{}');
  if (config.role === 'webhook') await webhookChild(config);
  else await replyingChild(config);
} else {
  await main(process.argv.slice(2));
}
