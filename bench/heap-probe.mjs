// Run by bench/run.mjs as `node --expose-gc bench/heap-probe.mjs <apiUrl> <scenario>`, against the bench server.
// Prints the heap in use (after forced GCs) once 1,000 and once 10,000 replies of the scenario have completed.
//   warm:      replies cycle over 500 threads whose channel is already known (one request each).
//   distinct:  every reply goes to a thread never seen before (lookup + reply), so the thread memory fills
//              to its bound (1,000) and then evicts: the heap must stop growing.
//   unbounded: `distinct` with threadCacheSize: Infinity, the control that shows the measurement sees growth.
import { PlainClient } from 'plain-client';

const [apiUrl, scenario] = process.argv.slice(2);
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
const CONCURRENCY = 16;
const CHECKPOINTS = [1_000, 10_000];

const client = new PlainClient({
  apiKey: 'plainApiKey_benchmark',
  apiUrl,
  ...(scenario === 'unbounded' ? { threadCacheSize: Infinity } : {}),
});
// Realistic ids: `th_` and 26 characters, like Plain's ULIDs.
const threadId = (prefix, i) => `th_${prefix}${String(i).padStart(26 - prefix.length, '0')}`;

async function replies(count, idOf) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const r = await client.replyToThread({ threadId: idOf(next++), textContent: 'Thanks, this is fixed now.' });
      if (!r.ok) throw new Error(`reply failed: ${r.error.kind}: ${r.error.message}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function heapUsed() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

// Warm-up, not counted: JIT, sockets and lazily built state settle before the first checkpoint. With 2,000
// the heap still shrank by ~0.3 MB between 1,000 and 10,000 and hid the control's growth; 6,000 is past that.
const warmId = (i) => threadId('W', i % 500);
await replies(6_000, warmId);

const idOf = scenario === 'warm' ? warmId : (i) => threadId('D', i);
const out = {};
let done = 0;
for (const checkpoint of CHECKPOINTS) {
  const from = done;
  await replies(checkpoint - done, (i) => idOf(from + i));
  done = checkpoint;
  out[checkpoint] = await heapUsed();
}
process.stdout.write(JSON.stringify(out));
