// Run by bench/run.mjs in a fresh process: `node --expose-gc bench/heap.mjs <scenario>` prints JSON.
//
// Heap in use after garbage collection, before and after 10,000 replies, against the in-process stand-in
// (bench/instant-plain.mjs), 16 replies in flight at a time:
//   warm:     replies cycle over 500 threads whose channel the client knows (one request each);
//   distinct: every reply goes to a thread never seen before (lookup + reply), so the thread memory is full
//             (1,000, the default) before the first measurement and evicts from then on;
//   control:  `distinct` with a thread memory larger than the run (threadCacheSize 1,000,000): it must grow,
//             which shows that the measurement can see growth.
import { PlainClient } from 'plain-client';
import { API_KEY, instantFetch, TEXT, threadId } from './instant-plain.mjs';

const REPLIES = 10_000;
const WARM_UP = 6_000;
const CONCURRENCY = 16;

const scenario = process.argv[2];
if (!['warm', 'distinct', 'control'].includes(scenario)) throw new Error(`unknown scenario ${scenario}`);
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

const client = new PlainClient({
  apiKey: API_KEY,
  fetch: instantFetch(),
  ...(scenario === 'control' ? { threadCacheSize: 1_000_000 } : {}),
});

let next = 0;
const idOf = scenario === 'warm' ? (i) => threadId('W', i % 500) : (i) => threadId('D', i);

async function replies(count) {
  const end = next + count;
  const worker = async () => {
    while (next < end) {
      const result = await client.replyToThread({ threadId: idOf(next++), textContent: TEXT });
      if (!result.ok) throw new Error(`reply failed: ${result.error.kind}: ${result.error.message}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function heapUsedAfterGc() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

// Not counted: the JIT, lazily built state and the full thread memory settle first.
await replies(WARM_UP);
const before = await heapUsedAfterGc();
await replies(REPLIES);
const after = await heapUsedAfterGc();
process.stdout.write(JSON.stringify({ replies: REPLIES, before, after }));
