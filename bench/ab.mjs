// Compares builds of plain-client with each other and with a hand-written fetch, call by call: not part of
// `npm run bench`, a tool for deciding whether a change is worth keeping.
//
//   npx esbuild src/index.ts --bundle --format=esm --platform=neutral --main-fields=module,main --outfile=/tmp/a.mjs
//   (make the change, then the same with --outfile=/tmp/b.mjs)
//   node bench/ab.mjs /tmp/a.mjs /tmp/b.mjs /tmp/a.mjs!warm /tmp/b.mjs!warm
//
// Each argument is a bundle (cold replies: a new thread each call) or a bundle followed by `!warm` (replies to one
// thread). Every iteration calls each row once, in a random order, so that a burst of load from elsewhere hits every
// row alike; the table gives each row's median as a ratio to the hand-written lookup + mutation (and the floor, one
// hand-written mutation, for the warm rows). Four fresh processes by default (`RUNS=n`), 3,000 iterations each
// (`ITERATIONS=n`): the spread between processes is the noise to compare a difference against, about 0.3 % here.
// Keep the comparison to the same set of rows: which code shares the CPU caches moves every row by a percent or two.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.RUNS ?? 4);
const ITERATIONS = Number(process.env.ITERATIONS ?? 3_000);
const WARM_UP = 1_500;
const rowsAsked = process.argv.slice(2);
if (rowsAsked.length === 0) {
  console.error('usage: node bench/ab.mjs <bundle.mjs>[!warm] ...   (see the comment at the top)');
  process.exit(2);
}

if (process.env.AB_CHILD) {
  const server = fork(fileURLToPath(new URL('./server.mjs', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((resolve) => server.on('message', (m) => m.port && resolve(m.port)));
  const API_URL = `http://127.0.0.1:${port}/graphql/v1`;
  const { API_KEY, TEXT, handWritten, idMaker } = await import('./hand-written.mjs');
  const { rawReply, rawLookupAndReply } = handWritten(API_URL);
  const freshId = idMaker();
  const rows = [
    { name: 'raw fetch: lookup + mutation', call: () => rawLookupAndReply(freshId()) },
    { name: 'raw fetch: mutation (floor)', call: () => rawReply('th_W') },
  ];
  for (const asked of rowsAsked) {
    const warm = asked.endsWith('!warm');
    const file = warm ? asked.slice(0, -'!warm'.length) : asked;
    const { PlainClient } = await import(new URL(file, `file://${process.cwd()}/`).href);
    const client = new PlainClient({ apiKey: API_KEY, apiUrl: API_URL });
    rows.push({
      name: asked,
      call: async () => {
        const r = await client.replyToThread({ threadId: warm ? 'th_W' : freshId(), textContent: TEXT });
        if (!r.ok) throw new Error(`${asked}: ${r.error.kind}`);
      },
    });
  }
  for (const row of rows) for (let i = 0; i < WARM_UP; i++) await row.call();
  const samples = rows.map(() => []);
  const order = rows.map((_, i) => i);
  for (let it = 0; it < ITERATIONS; it++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const i of order) {
      const t0 = performance.now();
      await rows[i].call();
      samples[i].push(performance.now() - t0);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  process.send(rows.map((row, i) => ({ name: row.name, us: median(samples[i]) * 1000 })));
  server.kill();
  process.exit(0);
}

const runs = [];
for (let r = 0; r < RUNS; r++) {
  const child = fork(fileURLToPath(import.meta.url), rowsAsked, { env: { ...process.env, AB_CHILD: '1' } });
  runs.push(await new Promise((resolve, reject) => {
    child.on('message', resolve);
    child.on('exit', (code) => code && reject(new Error(`run ${r + 1} failed (${code})`)));
  }));
  process.stderr.write(`run ${r + 1} of ${RUNS} done\n`);
}
const names = runs[0].map((row) => row.name);
const ratio = (run, name, base) => run.find((x) => x.name === name).us / run.find((x) => x.name === base).us;
console.log(`${'row'.padEnd(44)} ${'median us'.padStart(10)}  ratio per run (mean)`);
for (const name of names) {
  const base = name.endsWith('!warm') || name.includes('floor') ? 'raw fetch: mutation (floor)' : 'raw fetch: lookup + mutation';
  const ratios = runs.map((run) => ratio(run, name, base));
  const us = runs.map((run) => run.find((x) => x.name === name).us);
  const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
  console.log(`${name.padEnd(44)} ${(us.reduce((a, b) => a + b, 0) / us.length).toFixed(1).padStart(10)}  ${ratios.map((x) => x.toFixed(3)).join(' ')}  (${mean.toFixed(3)} x ${base.startsWith('raw fetch: mutation') ? 'floor' : 'raw lookup + mutation'})`);
}
