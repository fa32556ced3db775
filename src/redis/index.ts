// plain-client/redis: a PlainStore kept in Redis, shared by every process of a backend. No `node:` import: it talks
// through the Redis client it is given.
import type { BudgetDecision, BudgetReport, PlainStore } from '../store.js';
import { IN_FLIGHT_FORGET_MS, PROBE_PATIENCE_MS, UNPACED_MS } from '../store-budget.js';
import { BUDGET_SCRIPT } from './budget-script.js';

/** A connected node-redis client (`createClient()` from `redis`, v4 or later): commands go through `sendCommand`. */
export interface NodeRedisClientLike {
  sendCommand(args: string[]): Promise<unknown>;
}
/** A connected ioredis client (`new Redis()`): commands go through `call`. */
export interface IoRedisClientLike {
  call(command: string, ...args: string[]): Promise<unknown>;
}
export type RedisClientLike = NodeRedisClientLike | IoRedisClientLike;

export interface RedisStoreOptions {
  /** A connected client of node-redis or ioredis (both tested). The store never connects, closes or configures it. */
  client: RedisClientLike;
  /** Put before every key, e.g. `plain:<workspace>`: one workspace (one API key's budget) per prefix. */
  prefix: string;
}

/** An idle budget (no request asked for one) is forgotten after this long; the next request finds out afresh. */
const IDLE_BUDGET_MS = 10 * 60 * 1000;

/**
 * A PlainStore in Redis, for `new PlainClient({ apiKey, store })` in every process of a backend, and for
 * `webhookHandler({ seen: sharedSeenStore(store) })` from plain-client/webhooks. Keys (all under `prefix`):
 * `:budget` and `:budget:in-flight` (numbers, changed only by one Lua script), `:thread:<thread id>` (the channel's name, with an
 * expiry) and `:seen:<event id>` (`1`, with an expiry). Nothing else: no key, no message text.
 * @example
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const store = createRedisStore({ client: redis, prefix: 'plain:acme' });
 * const plain = new PlainClient({ apiKey: process.env.PLAIN_API_KEY!, store });
 */
export function createRedisStore(options: RedisStoreOptions): PlainStore {
  const { client, prefix } = options ?? {};
  const command = commandOf(client);
  if (typeof prefix !== 'string' || prefix === '') {
    throw new TypeError('createRedisStore: prefix must be a non-empty string (one per Plain workspace).');
  }
  const budgetKey = `${prefix}:budget`;
  const inFlightKey = `${prefix}:budget:in-flight`;
  const threadKey = (threadId: string) => `${prefix}:thread:${threadId}`;
  const seenKey = (eventId: string) => `${prefix}:seen:${eventId}`;

  let sha: Promise<unknown> | undefined;
  /** Runs a step of the budget script by its hash, loading it first, and again after Redis restarted and forgot it. */
  async function budget(step: 'take' | 'report', plainNow: number, fields: string[] = []): Promise<unknown> {
    const constants = [PROBE_PATIENCE_MS, UNPACED_MS, IDLE_BUDGET_MS, IN_FLIGHT_FORGET_MS].map(whole);
    const args = ['2', budgetKey, inFlightKey, step, whole(plainNow), ...constants, ...fields];
    try {
      sha ??= command(['SCRIPT', 'LOAD', BUDGET_SCRIPT]);
      return await command(['EVALSHA', String(await sha), ...args]);
    } catch (error) {
      sha = undefined;
      if (!/^NOSCRIPT/.test(String((error as { message?: unknown })?.message))) throw error;
      return command(['EVAL', BUDGET_SCRIPT, ...args]);
    }
  }

  return {
    async takeBudget({ plainNow }) {
      return decisionOf(await budget('take', plainNow));
    },
    async reportAnswer(report: BudgetReport) {
      const { ticket, plainNow, status, limit, remaining, reset, holdUntil } = report;
      const fields = [ticket, status, limit, remaining, reset, holdUntil].map((n) => (n === undefined ? '' : whole(n)));
      await budget('report', plainNow, fields);
    },
    async getThreadChannel(threadId) {
      const channel = await command(['GET', threadKey(threadId)]);
      return typeof channel === 'string' ? channel : undefined;
    },
    async setThreadChannel(threadId, channel, ttlMs) {
      await command(['SET', threadKey(threadId), channel, 'PX', whole(Math.max(1, ttlMs))]);
    },
    async deleteThreadChannel(threadId) {
      await command(['DEL', threadKey(threadId)]);
    },
    async hasSeen(eventId) {
      return Number(await command(['EXISTS', seenKey(eventId)])) === 1;
    },
    async forgetSeen(eventId) {
      await command(['DEL', seenKey(eventId)]);
    },
    async markSeen(eventId, ttlMs) {
      const set = await command(['SET', seenKey(eventId), '1', 'NX', 'PX', whole(Math.max(1, ttlMs))]);
      return set !== null && set !== undefined;
    },
  };
}

const whole = (n: number) => String(Math.floor(n));

/** One way to send a command, whichever library the client comes from. */
function commandOf(client: unknown): (args: string[]) => Promise<unknown> {
  const c = client as Partial<NodeRedisClientLike & IoRedisClientLike> | undefined;
  // ioredis also has a `sendCommand`, taking its own Command objects: `call` is the one to use there.
  if (typeof c?.call === 'function') return ([name, ...args]) => (c as IoRedisClientLike).call(name as string, ...args);
  if (typeof c?.sendCommand === 'function') return (args) => (c as NodeRedisClientLike).sendCommand(args);
  throw new TypeError('createRedisStore: client must be a connected node-redis or ioredis client.');
}

/** The script's answer as a decision; anything else is the store failing. */
function decisionOf(answer: unknown): BudgetDecision {
  if (Array.isArray(answer)) {
    const [granted, n, reason] = answer as unknown[];
    if (Number(granted) === 1) return { granted: true, ticket: Number(n) };
    if (reason === 'reset' || reason === 'hold' || reason === 'news') {
      return { granted: false, waitMs: Number(n), waitingFor: reason };
    }
  }
  throw new TypeError('The budget script answered something unexpected.');
}
