// Run by test/thread-cache.test.ts in a child process with --expose-gc: prints the heap growth, in MB, over 1.2 million
// reads of remembered threads after the memory overflowed once (so that the eviction iterator exists).
import type { Sender } from '../src/request.js';
import { ThreadDirectory } from '../src/thread-cache.js';

const gc = (globalThis as { gc?: () => void }).gc!;
const directory = new ThreadDirectory({} as Sender, 1_000);
const id = (n: number) => `th_01HXYZ${String(n).padStart(20, '0')}`;
for (let n = 0; n <= 1_000; n++) directory.remember(id(n), 'EMAIL'); // one eviction
const remembered = Array.from({ length: 1_000 }, (_, n) => id(n + 1));
gc();
const before = process.memoryUsage().heapUsed;
for (let round = 0; round < 2; round++) {
  for (let r = 0; r < 600_000; r++) directory.channelOf(remembered[r % 1_000]!);
}
gc();
const grown = (process.memoryUsage().heapUsed - before) / 1e6;
// Read once more, so that the directory is still in use when the heap is measured (else it is collected first).
if (directory.channelOf(remembered[0]!) !== 'EMAIL') throw new Error('the directory forgot a remembered thread');
console.log(grown.toFixed(1));
