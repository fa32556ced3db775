// Stand-in with the interface of the rate-limit work in progress (replaced when that lands).
import type { RateLimitInfo } from './result.js';
import { waitUnlessAborted } from './wait.js';

export function readRateLimit(headers: Headers | undefined, _receivedAt: number): RateLimitInfo | undefined {
  if (!headers) return undefined;
  try {
    const limit = headers.get('x-ratelimit-limit');
    const remaining = headers.get('x-ratelimit-remaining');
    const reset = headers.get('x-ratelimit-reset');
    if (limit === null && remaining === null && reset === null) return undefined;
    const info: RateLimitInfo = {};
    if (limit !== null && Number.isFinite(+limit)) info.limit = +limit;
    if (remaining !== null && Number.isFinite(+remaining)) info.remaining = +remaining;
    const resetMs = reset === null ? Number.NaN : Date.parse(reset);
    if (Number.isFinite(resetMs)) info.resetAt = new Date(resetMs);
    return info;
  } catch {
    return undefined;
  }
}

export function retryAfterMs(headers: Headers | undefined, receivedAt: number, random: () => number = Math.random): number {
  const info = readRateLimit(headers, receivedAt);
  const until = info?.resetAt ? info.resetAt.getTime() - receivedAt : 1000;
  return Math.max(250, Math.min(until, 120_000)) + random() * 250;
}

export interface GateAnswer {
  status?: number;
  headers?: Headers;
  receivedAt: number;
}
export interface Permit {
  release(answer: GateAnswer | undefined): void;
}
export type Acquired = { ok: true; permit: Permit } | { ok: false; reason: 'aborted' } | { ok: false; reason: 'too_long'; waitMs: number };

export class RateLimitGate {
  #info: RateLimitInfo | undefined;
  readonly #now: () => number;

  constructor(options: { now?: () => number; random?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  get last(): RateLimitInfo | undefined {
    return this.#info;
  }

  async acquire(options: { signal?: AbortSignal; maxWaitMs: number }): Promise<Acquired> {
    for (;;) {
      if (options.signal?.aborted) return { ok: false, reason: 'aborted' };
      const reset = this.#info?.resetAt?.getTime() ?? 0;
      const wait = this.#info?.remaining === 0 ? reset - this.#now() : 0;
      if (wait <= 0) break;
      if (wait > options.maxWaitMs) return { ok: false, reason: 'too_long', waitMs: wait };
      if (!(await waitUnlessAborted(wait, options.signal))) return { ok: false, reason: 'aborted' };
      if (this.#info) this.#info = { ...this.#info, remaining: undefined };
    }
    let released = false;
    return {
      ok: true,
      permit: {
        release: (answer) => {
          if (released) return;
          released = true;
          const info = readRateLimit(answer?.headers, answer?.receivedAt ?? this.#now());
          if (info) this.#info = answer?.status === 429 ? { ...info, remaining: 0 } : info;
        },
      },
    };
  }
}
