import { PlainClient, type ThreadChannel } from '../src/index.js';
import { createFakePlain, type FakeFault } from '../src/testing/index.js';
import { runConcurrently, seeded } from './soak-run.js';

export interface ConfirmedSoakOptions {
  replies: number;
  concurrency: number;
  seed: number;
  /** Also fail the confirmation's own lookups (timeline, machine user) now and then. */
  lookupFaults: boolean;
}

/** An answer that never comes in time: far past the client's timeout (the fake stops waiting when the client gives up). */
const NEVER_MS = 10_000;
/**
 * Long enough that only injected faults time out, even on a loaded machine: a reply the client gave up on by accident
 * could be recorded after the lookups, the lag this soak does not simulate.
 */
const TIMEOUT_MS = 1_000;

/**
 * Sends `replies` replies with `confirm`, each with its own text, `concurrency` at a time through one client, against
 * the fake. Faults on the reply: after Plain recorded it (500, dropped connection, no answer in time) and before (500,
 * dropped connection, no answer in time, refused connection, 429). With `lookupFaults`, the confirmation's lookups
 * fail too (500, dropped connection, no answer in time). Counts requests per operation from what the client sent.
 */
export async function runConfirmedSoak({ replies, concurrency, seed, lookupFaults }: ConfirmedSoakOptions) {
  const random = seeded(seed);
  const fake = createFakePlain();
  const channels: ThreadChannel[] = ['EMAIL', 'API', 'SLACK', 'CHAT', 'MS_TEAMS'];
  // Many threads, so that each timeline stays short (the fake executes every lookup against Plain's schema).
  const threads = Array.from({ length: 400 }, (_, i) => fake.addThread({ channel: channels[i % channels.length] }));

  const injected: Record<string, number> = {};
  const pick = (table: [number, string, FakeFault | undefined][]): FakeFault | undefined => {
    let r = random();
    for (const [share, name, fault] of table) {
      r -= share;
      if (r < 0) {
        injected[name] = (injected[name] ?? 0) + 1;
        return fault;
      }
    }
    return undefined;
  };
  fake.injectFaults(({ operationName }) => {
    if (operationName === 'ReplyToThread') {
      return pick([
        [0.06, 'reply: 500 after recording', { status: 500, afterRecording: true }],
        [0.06, 'reply: dropped after recording', { drop: 'after' }],
        [0.06, 'reply: timeout after recording', { afterRecording: true, delayMs: NEVER_MS }],
        [0.05, 'reply: 500 before recording', { status: 500 }],
        [0.05, 'reply: dropped before recording', { drop: 'before' }],
        [0.05, 'reply: timeout before recording', { delayMs: NEVER_MS }],
        [0.02, 'reply: refused', { drop: 'refused' }],
        [0.03, 'reply: 429', { status: 429, retryAfterSeconds: 0.002 }],
      ]);
    }
    if (!lookupFaults) return undefined;
    return pick([
      [0.25, 'lookup: 500', { status: 500 }],
      [0.1, 'lookup: dropped', { drop: 'after' }],
      [0.03, 'lookup: timeout', { delayMs: NEVER_MS }],
    ]);
  });

  // Every request the client sends, by operation; the reply's first attempts (one per send, a resend is a new send).
  const sent: Record<string, number> = {};
  let replySends = 0;
  const plain = new PlainClient({
    apiKey: fake.apiKey,
    fetch: fake.fetch,
    timeoutMs: TIMEOUT_MS,
    maxRetries: 3,
    maxRetryDelayMs: 300,
    paceRequests: false,
    onRequest: ({ operationName, attempt }) => {
      sent[operationName] = (sent[operationName] ?? 0) + 1;
      if (operationName === 'ReplyToThread' && attempt === 1) replySends++;
    },
    // Short waits: the fake's timeline is consistent at once. They only let a reply whose answer the client gave up
    // on by accident (a loaded machine) finish being recorded before the lookups.
    confirmReplies: { settleMs: 50, secondLookMs: 100 },
  });

  const texts = Array.from({ length: replies }, (_, n) => `exactly-once soak reply ${n}`);
  const results = await runConcurrently(replies, concurrency, (n) => {
    const { id, channel } = threads[n % threads.length]!;
    // The thread is given, so that every call makes exactly one first send: the rest are the confirmation's resends.
    return plain.replyToThread({ threadId: id, textContent: texts[n]! }, { thread: { id, channel } });
  });
  return { fake, texts, results, injected, sent, resends: replySends - replies };
}
