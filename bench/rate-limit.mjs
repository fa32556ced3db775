// Rate limits across processes (issue 12, item 6). Run `npx tsup` first, then `node bench/rate-limit.mjs`.
//
// Several processes of one backend share one workspace budget with no coordination: each runs its own PlainClient
// (default options except maxRetries 2 and maxRetryDelayMs 60 000) and sends replies, a few at a time, to threads
// whose channel it passes (`thread: { id, channel }`), so each reply is one request. The server is a limiter of
// 60 requests per 2-second window (bench/limiter-server.mjs), with Plain's headers and a `Date`.
// Prints a markdown table: replies not ok, requests answered 429, total time against the floor (replies ÷ limit
// windows: the least time the budget allows). Each scenario is bounded in time; children left running are killed.
//
// `PLAIN_CLIENT_DIST=/path/to/dist/index.js node bench/rate-limit.mjs` measures another build (e.g. an older one);
// `node bench/rate-limit.mjs "clock"` runs only the scenarios whose name includes "clock".
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startLimiterServer } from './limiter-server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = process.env.PLAIN_CLIENT_DIST ?? path.join(here, '..', 'dist', 'index.js');
const LIMIT = 60;
const WINDOW_MS = 2000;
const CONCURRENCY = 8;

const SCENARIOS = [
  { name: '4 processes, clocks agree', processes: 4, replies: 300, clockShiftMs: 0 },
  { name: '4 processes, 50 ms each way', processes: 4, replies: 300, clockShiftMs: 0, latencyMs: 50 },
  { name: '4 processes, 429s spend the budget too', processes: 4, replies: 300, clockShiftMs: 0, refusalsSpend: true },
  { name: '1 process, server clock 1 s behind', processes: 1, replies: 300, clockShiftMs: -1000 },
  { name: '1 process, server clock 90 s ahead', processes: 1, replies: 300, clockShiftMs: 90_000 },
];

/** One process of the backend: `count` replies, `concurrency` at a time; prints what happened as one JSON line. */
async function child(url, count, concurrency) {
  const { PlainClient } = await import(pathToFileURL(DIST).href);
  const apiKey = 'plainApiKey_bench_rate_limit_0123456789';
  const plain = new PlainClient({ apiKey, apiUrl: url, maxRetries: 2, maxRetryDelayMs: 60_000 });
  const kinds = {};
  const samples = [];
  let ok = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const id = `th_bench_${process.pid}_${next++}`;
      const thread = { id, channel: 'EMAIL' };
      const result = await plain.replyToThread({ threadId: id, textContent: 'Thanks, it is fixed.' }, { thread });
      if (result.ok) ok++;
      else {
        kinds[result.error.kind] = (kinds[result.error.kind] ?? 0) + 1;
        const { kind, attempts, message } = result.error;
        if (samples.length < 3) samples.push(`${kind} after ${attempts} attempt(s): ${message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  process.stdout.write(
    `${JSON.stringify({ ok, notOk: count - ok, kinds, samples, ms: performance.now() - started })}\n`,
  );
}

function runChild(url, count, timeoutMs) {
  return new Promise((resolve) => {
    const proc = spawn(
      process.execPath,
      [fileURLToPath(import.meta.url), 'child', url, String(count), String(CONCURRENCY)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, PLAIN_CLIENT_DIST: DIST },
      },
    );
    let out = '';
    proc.stdout.on('data', (chunk) => {
      out += chunk;
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch {
        resolve({ ok: 0, notOk: count, kinds: { 'killed or crashed': count }, ms: timeoutMs });
      }
    });
  });
}

async function scenario({ name, processes, replies, clockShiftMs, latencyMs = 0, refusalsSpend = false }) {
  const server = await startLimiterServer({
    limit: LIMIT,
    windowMs: WINDOW_MS,
    clockShiftMs,
    latencyMs,
    refusalsSpend,
  });
  const floorMs = ((processes * replies) / LIMIT) * WINDOW_MS;
  try {
    const timeoutMs = 4 * floorMs + 60_000;
    const results = await Promise.all(
      Array.from({ length: processes }, () => runChild(server.url, replies, timeoutMs)),
    );
    // From the first request the server saw to the last: process start-up is not the budget's doing.
    const ms = server.stats.lastAt - server.stats.firstAt;
    const total = processes * replies;
    const notOk = results.reduce((sum, r) => sum + r.notOk, 0);
    const kinds = {};
    for (const r of results) for (const [kind, n] of Object.entries(r.kinds)) kinds[kind] = (kinds[kind] ?? 0) + n;
    const { requests, limited } = server.stats;
    const samples = results.flatMap((r) => r.samples ?? []);
    return { name, processes, replies, total, notOk, kinds, samples, requests, limited, ms, floorMs };
  } finally {
    await server.close();
  }
}

const pct = (part, whole) => `${((100 * part) / whole).toFixed(1)} %`;

/** Runs the scenarios whose name includes `only` (all by default). */
async function main(only = '') {
  const machine = `Node ${process.version}, ${os.cpus().length} cores`;
  console.log(`# Rate limits across processes: ${new Date().toISOString()}, ${machine}, ${DIST}`);
  console.log(
    `limiter: ${LIMIT} requests per ${WINDOW_MS / 1000} s window; ${CONCURRENCY} replies at a time per process\n`,
  );
  console.log('| scenario | replies | not ok | requests | answered 429 | time | floor | time ÷ floor |');
  console.log('|---|---|---|---|---|---|---|---|');
  const failures = [];
  for (const s of SCENARIOS.filter((s) => s.name.includes(only))) {
    const r = await scenario(s);
    failures.push(...r.samples.map((sample) => `- ${r.name}: ${sample}`));
    const why = Object.keys(r.kinds).length
      ? ` (${Object.entries(r.kinds)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')})`
      : '';
    const cells = [
      r.name,
      `${r.processes} × ${r.replies}`,
      `${r.notOk} = ${pct(r.notOk, r.total)}${why}`,
      r.requests,
      `${r.limited} = ${pct(r.limited, r.requests)}`,
      `${(r.ms / 1000).toFixed(1)} s`,
      `${(r.floorMs / 1000).toFixed(0)} s`,
      (r.ms / r.floorMs).toFixed(2),
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
  if (failures.length) console.log(`\nSome replies that failed:\n${failures.join('\n')}`);
}

if (process.argv[2] === 'child') await child(process.argv[3], Number(process.argv[4]), Number(process.argv[5]));
else await main(process.argv[2]);
