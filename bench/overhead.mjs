// The JavaScript cost of a reply with no network: plain-client (or a reference) is given a fetch that answers at
// once, so what is timed is validation, serialising, the timer, parsing and mapping (graphql-request, in its row).
//
//   node bench/overhead.mjs <row> [--json]     rows: fetch, gql, warm, cold
//
// One row per fresh process: the garbage collector's work is shared by everything in a process, so rows (or two
// builds) measured side by side in one process would each pay for the other's garbage. To compare two builds of
// plain-client, build each and run `node bench/overhead.mjs warm` with each, alternately, a few times.
// bench/run.mjs runs every row this way and prints the table.
import { GraphQLClient } from 'graphql-request';
import { PlainClient, VERSION } from 'plain-client';
import { API_KEY, REPLY_QUERY, TEXT } from './hand-written.mjs';

const ROUNDS = 15;
const CALLS = 2_000;

const row = process.argv[2];
const API_URL = 'http://127.0.0.1:9/graphql/v1'; // never dialled: every fetch below answers in process
const WARM_ID = 'th_01HWARMTHREAD0000000000000';

const HEADERS = { 'content-type': 'application/json' };
const REPLY_OK = JSON.stringify({ data: { replyToThread: { error: null } } });
const threadAnswer = (id) =>
  JSON.stringify({ data: { thread: { id, ref: 'T-1', title: 'Benchmark thread', channel: 'EMAIL', status: 'TODO', customer: { id: 'c_bench' } } } });
/** Answers GetThread with an EMAIL thread and ReplyToThread with success, like bench/server.mjs, without I/O. */
async function instantFetch(_url, init) {
  const body = JSON.parse(String(init?.body));
  return new Response(body.operationName === 'GetThread' ? threadAnswer(body.variables.threadId) : REPLY_OK, { status: 200, headers: HEADERS });
}

async function expectOk(promise) {
  const r = await promise;
  if (!r.ok) throw new Error(`plain-client failed: ${r.error.kind}: ${r.error.message}`);
}

let seq = 0;
const rows = {
  // The floor: the body a hand-written integration would build, the answer read as JSON.
  fetch: async () => {
    const body = JSON.stringify({ query: REPLY_QUERY, variables: { input: { threadId: WARM_ID, textContent: TEXT } }, operationName: 'ReplyToThread' });
    const json = await (await instantFetch(API_URL, { method: 'POST', body })).json();
    if (json.data.replyToThread.error !== null) throw new Error('unexpected answer');
  },
  // graphql-request as plain-client's transport configured it before it posted with fetch itself, with a signal per call.
  gql: (() => {
    const client = new GraphQLClient(API_URL, {
      headers: { 'user-agent': `plain-client/${VERSION}`, authorization: `Bearer ${API_KEY}` },
      excludeOperationName: true,
      jsonSerializer: {
        parse: JSON.parse,
        stringify: (b) => JSON.stringify({ query: b.query, variables: b.variables, operationName: 'ReplyToThread' }),
      },
      fetch: instantFetch,
    });
    return async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 30_000);
      try {
        const res = await client.rawRequest({ query: REPLY_QUERY, variables: { input: { threadId: WARM_ID, textContent: TEXT } }, signal: controller.signal });
        if (res.data.replyToThread.error !== null) throw new Error('unexpected answer');
      } finally {
        clearTimeout(timer);
      }
    };
  })(),
  warm: (() => {
    const client = new PlainClient({ apiKey: API_KEY, apiUrl: API_URL, fetch: instantFetch });
    return () => expectOk(client.replyToThread({ threadId: WARM_ID, textContent: TEXT }));
  })(),
  cold: (() => {
    const client = new PlainClient({ apiKey: API_KEY, apiUrl: API_URL, fetch: instantFetch });
    return () => expectOk(client.replyToThread({ threadId: `th_C${String(seq++).padStart(25, '0')}`, textContent: TEXT }));
  })(),
};

const call = rows[row];
if (!call) {
  console.error(`usage: node bench/overhead.mjs <${Object.keys(rows).join('|')}> [--json]`);
  process.exit(2);
}

/** Calls this short are timed as a batch: reading the clock around each would be a good part of what is measured. */
async function microsPerCall(n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await call();
  return ((performance.now() - t0) * 1000) / n;
}

await microsPerCall(CALLS * 2); // warm-up: JIT, and the warm row's one lookup
const rounds = [];
for (let r = 0; r < ROUNDS; r++) rounds.push(await microsPerCall(CALLS));
const us = rounds.sort((a, b) => a - b)[ROUNDS >> 1];
console.log(process.argv.includes('--json') ? JSON.stringify({ row, us }) : `${row}: ${us.toFixed(2)} us per call (median of ${ROUNDS} x ${CALLS})`);
