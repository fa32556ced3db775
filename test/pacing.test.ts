import { describe, expect, it } from 'vitest';
import type { AttemptResult, PlainError } from '../src/errors.js';
import { pacingBy } from '../src/pacing.js';
import type { Acquired, Gate, GateAnswer } from '../src/rate-limit.js';
import type { RateLimitInfo } from '../src/result.js';
import type { Exchange } from '../src/transport.js';

// A pacing client's turn at the budget (src/pacing.ts), against a gate that answers as told and records what it hears.

const LAST: RateLimitInfo = { limit: 450, remaining: 0, resetAt: new Date('2030-01-01T00:00:30Z') };

/** A gate that refuses with `refusal`, or grants every request when there is none. */
function gateAnswering(refusal?: Exclude<Acquired, { ok: true }>) {
  const heard: (GateAnswer | undefined)[] = [];
  const gate: Gate = {
    last: LAST,
    acquire: async () => refusal ?? { ok: true, permit: { release: (answer) => heard.push(answer) } },
  };
  return { pacing: pacingBy(gate), heard };
}

const exchange = (status: number): Exchange => ({
  ending: 'answered',
  status,
  headers: new Headers({ 'x-ratelimit-remaining': '3' }),
  text: '{}',
  receivedAt: 1_000,
  durationMs: 5,
});
const failed = (kind: 'rate_limited' | 'server_error'): AttemptResult<unknown> => ({
  ok: false,
  error: { kind, attempts: 1, retryable: true, message: kind } as PlainError,
  notSent: false,
});

describe('a granted turn tells the gate how the attempt went, once', () => {
  it("an answer's status, headers and time", async () => {
    const { pacing, heard } = gateAnswering();
    const turn = await pacing.turn({ sent: 0, maxWaitMs: 1_000 });
    if (!turn.ok) throw new Error('refused');

    const answer = exchange(500);
    turn.ended(answer, failed('server_error'));

    expect(heard).toEqual([{ status: 500, headers: answer.headers, receivedAt: 1_000 }]);
  });

  it('a RATE_LIMITED answer as a 429, whatever its status', async () => {
    const { pacing, heard } = gateAnswering();
    const turn = await pacing.turn({ sent: 0, maxWaitMs: 1_000 });
    if (!turn.ok) throw new Error('refused');

    turn.ended(exchange(200), failed('rate_limited'));

    expect(heard).toMatchObject([{ status: 429, receivedAt: 1_000 }]);
  });

  it('no answer at all (the attempt threw) as no answer', async () => {
    const { pacing, heard } = gateAnswering();
    const turn = await pacing.turn({ sent: 0, maxWaitMs: 1_000 });
    if (!turn.ok) throw new Error('refused');

    turn.ended(undefined, undefined);

    expect(heard).toEqual([undefined]);
  });
});

describe('a refused turn sends nothing', () => {
  it('the budget back later than the call may wait: rate_limited with the wait and the budget last reported', async () => {
    const { pacing } = gateAnswering({ ok: false, reason: 'too_long', waitMs: 12_345 });

    const turn = await pacing.turn({ sent: 2, maxWaitMs: 1_000 });

    expect(turn).toMatchObject({
      ok: false,
      error: { kind: 'rate_limited', attempts: 2, retryable: true, retryAfterMs: 12_345 },
      rateLimit: LAST,
    });
    expect(!turn.ok && turn.error?.message).toMatch(/another 13 s.*maxRetryDelayMs.*nothing was sent/);
  });

  it('the caller aborted: refused without an error of its own (the send path says aborted)', async () => {
    const { pacing } = gateAnswering({ ok: false, reason: 'aborted' });

    const turn = await pacing.turn({ sent: 0, signal: AbortSignal.abort(), maxWaitMs: 1_000 });

    expect(turn).toEqual({ ok: false });
  });
});
