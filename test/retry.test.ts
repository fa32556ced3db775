import { describe, expect, it } from 'vitest';
import type { PlainError, PlainErrorKind } from '../src/errors.js';
import { backoffMs, isSafeToRetry } from '../src/retry.js';

const error = (kind: PlainErrorKind) => ({ kind, message: '', attempts: 1, retryable: false }) as PlainError;
const TRANSIENT: PlainErrorKind[] = ['network', 'timeout', 'rate_limited', 'server_error'];
const FINAL: PlainErrorKind[] = [
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'graphql_error',
  'validation',
  'mutation_error',
  'aborted',
  'unexpected_response',
  'thread_not_found',
  'cannot_reply_to_thread',
];

describe('what is retried', () => {
  it.each(TRANSIENT)('a query after %s', (kind) => {
    expect(isSafeToRetry(error(kind), { mutation: false, notSent: false })).toBe(true);
  });

  it.each(TRANSIENT)('a mutation after %s only when the request certainly did not reach the server', (kind) => {
    expect(isSafeToRetry(error(kind), { mutation: true, notSent: false })).toBe(false);
    expect(isSafeToRetry(error(kind), { mutation: true, notSent: true })).toBe(true);
  });

  it.each(FINAL)('nothing after %s', (kind) => {
    expect(isSafeToRetry(error(kind), { mutation: false, notSent: true })).toBe(false);
  });
});

describe('backoff', () => {
  it('doubles from 250 ms and stops growing at 8 s, with full jitter below it', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((retry) => backoffMs(retry, () => 1))).toEqual([
      250, 500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    expect(backoffMs(3, () => 0)).toBe(0);
    expect(backoffMs(3, () => 0.5)).toBe(500);
  });
});
