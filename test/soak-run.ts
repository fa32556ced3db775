import { PlainClient, type ResponseEvent, type ThreadChannel } from '../src/index.js';
import { createFakePlain, type FakeFault } from '../src/testing/index.js';

/** A small seeded generator (xorshift32), so that a failing soak can be replayed with its seed. */
export function seeded(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Calls `call(0)` … `call(count - 1)`, `concurrency` at a time, in order of start; resolves to their results by index. */
export async function runConcurrently<T>(
  count: number,
  concurrency: number,
  call: (n: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        results[n] = await call(n);
      }
    }),
  );
  return results;
}

export interface SoakOptions {
  replies: number;
  concurrency: number;
  seed: number;
  /** The client's per-attempt timeout (undefined: the client default, 30 s). */
  timeoutMs?: number;
  /** "Slow" answers come after up to this many ms. */
  slowMs?: number;
}

/**
 * Sends `replies` replies, each with a unique text, `concurrency` at a time through one client, against the fake with
 * faults injected on every request (lookups included): ~10% 429 with a reset a few ms ahead, 5% 500 after the reply
 * was recorded, 5% connections dropped after recording, 5% dropped before, 5% slow (up to `slowMs`, so past a
 * shorter `timeoutMs`), 2% refused.
 */
export async function runSoak({ replies, concurrency, seed, timeoutMs, slowMs = 50 }: SoakOptions) {
  const random = seeded(seed);
  const fake = createFakePlain();
  const channels: ThreadChannel[] = ['EMAIL', 'API', 'SLACK', 'CHAT', 'MS_TEAMS'];
  const threads = Array.from({ length: 100 }, (_, i) => fake.addThread({ channel: channels[i % channels.length] }));
  const injected: Record<string, number> = {};
  fake.injectFaults(() => {
    const r = random();
    const [name, fault]: [string, FakeFault | undefined] =
      r < 0.1
        ? ['429', { status: 429, retryAfterSeconds: (2 + random() * 4) / 1000 }]
        : r < 0.15
          ? ['500 after recording', { status: 500, afterRecording: true }]
          : r < 0.2
            ? ['drop after recording', { drop: 'after' }]
            : r < 0.25
              ? ['drop before', { drop: 'before' }]
              : r < 0.3
                ? ['slow', { delayMs: 1 + Math.floor(random() * slowMs) }]
                : r < 0.32
                  ? ['refused', { drop: 'refused' }]
                  : ['none', undefined];
    injected[name] = (injected[name] ?? 0) + 1;
    return fault;
  });

  const statuses: Record<string, number> = {};
  const onResponse = (e: ResponseEvent) => {
    const key = String(e.status ?? e.errorKind);
    statuses[key] = (statuses[key] ?? 0) + 1;
  };
  const plain = new PlainClient({
    apiKey: fake.apiKey,
    fetch: fake.fetch,
    onResponse,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  const texts = Array.from({ length: replies }, (_, n) => `soak reply ${n}`);
  const results = await runConcurrently(replies, concurrency, (n) =>
    plain.replyToThread({ threadId: threads[n % threads.length]!.id, textContent: texts[n]! }),
  );
  return { fake, texts, results, injected, statuses };
}
