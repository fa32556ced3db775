import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlainErrorKind } from '../src/index.js';
import { runSoak } from './soak-run.js';

// Bounded soak: 2,000 replies, 64 at a time, through one client, against the fake with faults on every request.
// What it checks is what a caller relies on: every call resolves; no reply is received twice; `ok` means received
// exactly once; a failure after which the reply may have been received says so and is not retryable.

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

const settle = () => new Promise((resolve) => setImmediate(resolve));
/** Failures that can only come from an attempt that reached Plain. */
const UNCERTAIN: ReadonlySet<PlainErrorKind> = new Set(['server_error', 'timeout']);

describe('soak', () => {
  it('2,000 replies at concurrency 64 with injected faults', async () => {
    const { fake, texts, results, injected, statuses } = await runSoak({
      replies: 2_000,
      concurrency: 64,
      seed: 20_26,
      timeoutMs: 25,
    });
    await settle();

    // Every call resolved, to a result.
    expect(results.filter(Boolean)).toHaveLength(2_000);

    const received = new Map<string, number>();
    for (const m of fake.allMessages()) received.set(m.text, (received.get(m.text) ?? 0) + 1);
    const mutationSent = new Set(
      fake.requests
        .filter((r) => r.operationName === 'ReplyToThread')
        .map((r) => (r.variables?.input as { textContent?: string } | undefined)?.textContent),
    );

    // No reply was received twice.
    expect([...received].filter(([, count]) => count > 1)).toEqual([]);

    const kinds: Record<string, number> = {};
    results.forEach((result, n) => {
      const text = texts[n]!;
      const landed = received.get(text) ?? 0;
      if (result.ok) {
        expect(landed, text).toBe(1);
        kinds.ok = (kinds.ok ?? 0) + 1;
        return;
      }
      const { error } = result;
      kinds[error.kind] = (kinds[error.kind] ?? 0) + 1;
      expect(typeof error.message, text).toBe('string');
      expect(Number.isInteger(error.attempts), text).toBe(true);
      expect(error.message, text).not.toContain(text);
      // Received although it failed: the caller must be told, and must not send it again.
      if (landed === 1) {
        expect(error.retryable, text).toBe(false);
        expect(error.mayHaveBeenSent, text).toBe(true);
        expect(error.message, text).toContain('may have been sent');
      }
      if (error.retryable) expect(landed, text).toBe(0);
      // A 5xx or timeout on the reply itself: it may have been received, whatever the fake did with it.
      if (mutationSent.has(text) && UNCERTAIN.has(error.kind)) {
        expect(error.retryable, text).toBe(false);
        expect(error.mayHaveBeenSent, text).toBe(true);
        expect(error.message, text).toContain('may have been sent');
      }
    });

    // The run met every fault, and the client got most replies through.
    expect(Object.keys(injected)).toEqual(
      expect.arrayContaining(['429', '500 after recording', 'drop after recording', 'drop before', 'slow', 'refused']),
    );
    expect(statuses['429']).toBeGreaterThan(0);
    expect(Object.keys(kinds)).toEqual(expect.arrayContaining(['ok', 'server_error', 'network', 'timeout']));
    expect(kinds.ok).toBeGreaterThan(1_000);

    expect(unhandled).toEqual([]);
    // A bound, not a measure: the soak is CPU-bound on the fake, and other test files (the exactly-once soak among them)
    // run beside it.
  }, 60_000);

  // Timers are checked in a child process: inside vitest other timers come and go, and the soak's 25 ms timeouts would
  // often have fired before a count. There the client keeps its default 30 s timeout.
  it('a process running a soak has no timer left and exits by itself', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./soak-child.ts', import.meta.url))],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    // The client's default timeout is 30 s: a timer left behind would keep the child alive well past this.
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('exit', (c, s) => resolve([c, s])),
    );
    clearTimeout(killer);
    expect({ code, signal, err }).toEqual({ code: 0, signal: null, err: '' });
    expect(JSON.parse(out)).toMatchObject({ resolved: 300, timers: 0 });
  });
});
