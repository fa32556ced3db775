import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ThreadChannel } from '../src/index.js';
import type { Sender } from '../src/send.js';
import { ThreadCache } from '../src/thread-cache.js';

// The thread cache on its own: what it keeps, in which order it drops. No request is made here (the sender is never
// used by set, get and delete).

type Op =
  | { op: 'remember'; id: string; channel: ThreadChannel }
  | { op: 'read'; id: string }
  | { op: 'forget'; id: string };

/** The obvious LRU: an array, most recently used last. */
class ModelLru {
  entries: [string, ThreadChannel][] = [];
  constructor(private readonly capacity: number) {}
  read(id: string): ThreadChannel | undefined {
    const at = this.entries.findIndex(([k]) => k === id);
    if (at < 0) return undefined;
    const [entry] = this.entries.splice(at, 1);
    this.entries.push(entry!);
    return entry![1];
  }
  remember(id: string, channel: ThreadChannel): void {
    if (this.capacity <= 0) return;
    this.entries = this.entries.filter(([k]) => k !== id);
    this.entries.push([id, channel]);
    if (this.entries.length > this.capacity) this.entries.shift();
  }
  forget(id: string): void {
    this.entries = this.entries.filter(([k]) => k !== id);
  }
}

const CHANNELS: ThreadChannel[] = ['EMAIL', 'API', 'SLACK', 'CHAT'];

describe('the thread cache keeps the most recently used channels', () => {
  it('agrees with an array LRU over long runs of remember, read and forget (many evictions, table rehashes)', () => {
    // Few distinct ids, so that reads hit, ids come back after being evicted, and the Map reuses and compacts its table.
    const id = fc.integer({ min: 0, max: 20 }).map((n) => `th_${n}`);
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({ op: fc.constant('remember' as const), id, channel: fc.constantFrom(...CHANNELS) }),
      },
      { weight: 4, arbitrary: fc.record({ op: fc.constant('read' as const), id }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('forget' as const), id }) },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }),
        fc.array(op, { minLength: 100, maxLength: 600, size: 'max' }),
        (capacity, ops) => {
          const directory = new ThreadCache({} as Sender, capacity);
          const model = new ModelLru(capacity);
          for (const step of ops) {
            if (step.op === 'remember') {
              directory.set(step.id, step.channel);
              model.remember(step.id, step.channel);
            } else if (step.op === 'read') {
              expect(directory.get(step.id)).toBe(model.read(step.id));
            } else {
              directory.delete(step.id);
              model.forget(step.id);
            }
          }
          // Everything the model still holds is remembered, and nothing else (read in the model's order, which keeps
          // the two in step).
          for (const [k, channel] of [...model.entries]) expect(directory.get(k)).toBe(channel);
          for (let n = 0; n <= 20; n++)
            if (!model.entries.some(([k]) => k === `th_${n}`)) expect(directory.get(`th_${n}`)).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('turns over 100,000 distinct threads holding exactly its capacity, oldest out first', () => {
    const directory = new ThreadCache({} as Sender, 1_000);
    for (let n = 0; n < 100_000; n++) directory.set(`th_${n}`, 'EMAIL');
    expect(directory.get('th_98999')).toBeUndefined();
    expect(directory.get('th_99000')).toBe('EMAIL');
    expect(directory.get('th_99999')).toBe('EMAIL');
    // th_99000 was just read, so it is now the most recent: the next new thread evicts th_99001 instead.
    directory.set('th_new', 'API');
    expect(directory.get('th_99001')).toBeUndefined();
    expect(directory.get('th_99000')).toBe('EMAIL');
  });
});
