import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PlainClient, type PlainClientOptions, type ReplyOptions } from '../src/index.js';
import {
  type Answer,
  type HostileServer,
  headersOnly,
  healthyPlain,
  type Received,
  sendJson,
  settledWithin,
  startHostileServer,
  streamForever,
  within,
} from './hostile-server.js';

// A timeout ends the request, not only the wait for it: once a call resolves `timeout`, the server sees its
// connection close, nothing more is read from it, and nothing keeps the process alive. Checked from the server's
// side of a real local HTTP connection, with and without a caller's signal.

const KEY = 'plainApiKey_timeoutsCancelTestKey0000000000000000000000';
const THREAD = { id: 'th_1', channel: 'EMAIL' as const };
const TIMEOUT_MS = 300;
/** How long after a call resolved its connection may take to close. */
const CLOSE_WITHIN_MS = 1_000;
const MiB = 1 << 20;

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
});
afterEach(() => {
  server.requests.length = 0;
  server.answerWith(healthyPlain);
});
afterAll(() => server.close());

const clientFor = (options: Partial<PlainClientOptions> = {}) =>
  new PlainClient({ apiKey: KEY, apiUrl: server.url, maxRetries: 0, timeoutMs: TIMEOUT_MS, ...options });

const reply = (plain: PlainClient, options: ReplyOptions = {}) =>
  plain.replyToThread({ threadId: THREAD.id, textContent: 'Hello' }, { thread: THREAD, ...options });

const never: Answer = () => {};

/** Waits until the server has received `n` requests (they arrive asynchronously). */
async function received(n: number): Promise<Received[]> {
  for (let i = 0; i < 200 && server.requests.length < n; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  return server.requests;
}

/** Resolves within the timeout plus a margin: never rejects, never hangs. */
async function resolvesOnTime<T>(call: Promise<T>): Promise<T> {
  const settled = await settledWithin(call, TIMEOUT_MS + 2_000);
  if (settled.state === 'rejected') throw new Error(`the call rejected: ${String(settled.reason)}`);
  if (settled.state === 'pending') throw new Error('the call did not resolve');
  return settled.value;
}

describe('a reply that times out without a caller signal is cancelled', () => {
  it('a server that never answers: timeout, flagged, and the server sees the connection closed', async () => {
    server.answerWith(never);

    const result = await resolvesOnTime(reply(clientFor()));

    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'timeout', timeoutMs: TIMEOUT_MS, mayHaveBeenSent: true, attempts: 1 },
    });
    const [request] = await received(1);
    expect(await within(request!.whenClosed, CLOSE_WITHIN_MS)).toBe(true);
    expect(request!.cutOff).toBe(true);
    expect(server.count('ReplyToThread')).toBe(1);
  });

  it('headers then silence: timeout, and the connection is closed', async () => {
    server.answerWith((_, res) => headersOnly(res));

    const result = await resolvesOnTime(reply(clientFor()));

    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', mayHaveBeenSent: true } });
    const [request] = await received(1);
    expect(await within(request!.whenClosed, CLOSE_WITHIN_MS)).toBe(true);
  });

  it('a body that never ends: timeout, the connection is closed, and the server can push no more into the client', async () => {
    // Up to about 3 MB/s for as long as the client keeps reading: slow enough to stay under the 4 MiB answer cap
    // until the timeout, so that the timeout is what ends the call.
    server.answerWith((_, res) => streamForever(res, { chunk: 'a'.repeat(16 * 1024), everyMs: 5 }));

    const result = await resolvesOnTime(reply(clientFor()));
    const [request] = await received(1);
    const sentByThen = request!.bytesSent;
    const closed = await within(request!.whenClosed, CLOSE_WITHIN_MS);
    // A stream that was not cancelled would bring megabytes more into the client in the next two seconds.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const sentAfter = request!.bytesSent - sentByThen;

    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', mayHaveBeenSent: true } });
    expect({ closed, megabytesSentAfterTheTimeout: Math.floor(sentAfter / MiB) }).toEqual({
      closed: true,
      megabytesSentAfterTheTimeout: 0,
    });
  });

  it('a body that drips one byte at a time: timeout, and the connection is closed', async () => {
    server.answerWith((_, res) => streamForever(res, { chunk: 'a', everyMs: 20 }));

    const result = await resolvesOnTime(reply(clientFor()));

    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', mayHaveBeenSent: true } });
    const [request] = await received(1);
    expect(await within(request!.whenClosed, CLOSE_WITHIN_MS)).toBe(true);
  });

  it('the per-call timeoutMs ends the request the same way', async () => {
    server.answerWith(never);
    const plain = clientFor({ timeoutMs: 30_000 });

    const result = await resolvesOnTime(reply(plain, { timeoutMs: TIMEOUT_MS }));

    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', timeoutMs: TIMEOUT_MS } });
    const [request] = await received(1);
    expect(await within(request!.whenClosed, CLOSE_WITHIN_MS)).toBe(true);
  });
});

describe('a thread lookup that times out is cancelled', () => {
  it('getThread: timeout, not flagged, and its connection is closed', async () => {
    server.answerWith(never);

    const result = await resolvesOnTime(clientFor().getThread('th_1'));

    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', timeoutMs: TIMEOUT_MS } });
    expect(result.error?.mayHaveBeenSent).toBeUndefined();
    const [request] = await received(1);
    expect(await within(request!.whenClosed, CLOSE_WITHIN_MS)).toBe(true);
  });

  it('a retried lookup: every attempt that timed out is closed, and no reply is sent', async () => {
    server.answerWith(never);
    const plain = clientFor({ maxRetries: 1, maxRetryDelayMs: 1_000 });

    const settled = await settledWithin(
      plain.replyToThread({ threadId: 'th_2', textContent: 'Hello' }),
      2 * TIMEOUT_MS + 3_000,
    );

    expect(settled).toMatchObject({ state: 'resolved', value: { ok: false, error: { kind: 'timeout' } } });
    const requests = await received(2);
    expect(requests.map((r) => r.operationName)).toEqual(['GetThread', 'GetThread']);
    const closed = await Promise.all(requests.map((r) => within(r.whenClosed, CLOSE_WITHIN_MS)));
    expect(closed).toEqual([true, true]);
  });

  it('50 replies sharing one lookup that never answers: all resolve timeout, its connection is closed', async () => {
    server.answerWith(never);
    const plain = clientFor();

    const calls = Array.from({ length: 50 }, () => plain.replyToThread({ threadId: 'th_3', textContent: 'Hello' }));
    const settled = await Promise.all(calls.map((call) => settledWithin(call, TIMEOUT_MS + 3_000)));

    for (const s of settled)
      expect(s).toMatchObject({ state: 'resolved', value: { ok: false, error: { kind: 'timeout' } } });
    expect(server.count('ReplyToThread')).toBe(0);
    const closed = await Promise.all(server.requests.map((r) => within(r.whenClosed, CLOSE_WITHIN_MS)));
    expect(closed.every(Boolean)).toBe(true);
  });
});

describe('after a timeout the client keeps working', () => {
  it('the next reply, to a server that answers, is sent once and resolves ok', async () => {
    server.answerWith(never);
    const plain = clientFor();
    await resolvesOnTime(reply(plain));

    server.answerWith(healthyPlain);
    const next = await resolvesOnTime(reply(plain, { timeoutMs: 2_000 }));

    expect(next).toMatchObject({ ok: true, data: { threadId: 'th_1', channel: 'EMAIL' } });
    expect(server.count('ReplyToThread')).toBe(2);
  });

  it('a late answer to a timed-out reply changes nothing', async () => {
    let answerLate: (() => void) | undefined;
    server.answerWith((_, res) => {
      answerLate = () => sendJson(res, { data: { replyToThread: { error: null } } });
    });
    const plain = clientFor();

    const result = await resolvesOnTime(reply(plain));
    answerLate?.();
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', mayHaveBeenSent: true } });
    expect(server.count('ReplyToThread')).toBe(1);
  });
});

describe('a caller signal cancels the request', () => {
  it('aborted while the body streams: aborted, flagged, and the connection is closed', async () => {
    server.answerWith((_, res) => streamForever(res, { chunk: 'a'.repeat(1024), everyMs: 5 }));
    const controller = new AbortController();
    const plain = clientFor({ timeoutMs: 30_000 });

    const call = reply(plain, { signal: controller.signal });
    const [request] = await received(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    const result = await resolvesOnTime(call);

    expect(result).toMatchObject({ ok: false, error: { kind: 'aborted', mayHaveBeenSent: true } });
    expect(await within(request!.whenClosed, CLOSE_WITHIN_MS)).toBe(true);
  });

  it('with both a signal and a timeout, the timeout closes the connection', async () => {
    server.answerWith(never);

    const result = await resolvesOnTime(reply(clientFor(), { signal: new AbortController().signal }));

    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', mayHaveBeenSent: true } });
    const [request] = await received(1);
    expect(await within(request!.whenClosed, CLOSE_WITHIN_MS)).toBe(true);
  });
});

describe('a timed-out call leaves nothing that keeps the process alive', () => {
  // The client bundled into one file, so that a plain `node` child can load it quickly.
  let dir: string;
  let entry: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plain-client-timeouts-'));
    entry = join(dir, 'client.mjs');
    const source = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    await build({
      entryPoints: [source],
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile: entry,
      logLevel: 'silent',
    });
  }, 20_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Runs a script that makes one reply with `timeoutMs` and then has nothing left to do. */
  async function scriptRun(timeoutMs: number): Promise<{ exited: boolean; printed: string }> {
    const script = [
      `const { PlainClient } = await import(${JSON.stringify(entry)});`,
      `const plain = new PlainClient({ apiKey: ${JSON.stringify(KEY)}, apiUrl: ${JSON.stringify(server.url)}, timeoutMs: ${timeoutMs}, maxRetries: 0 });`,
      "const result = await plain.replyToThread({ threadId: 'th_1', textContent: 'Hello' }, { thread: { id: 'th_1', channel: 'EMAIL' } });",
      "console.log(result.ok ? 'ok' : result.error.kind);",
    ].join('\n');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let printed = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      printed += text;
    });
    const exited = await within(once(child, 'exit'), 5_000);
    if (!exited) child.kill();
    return { exited, printed: printed.trim() };
  }

  it('a script whose only reply timed out exits by itself', async () => {
    server.answerWith(never);
    expect(await scriptRun(TIMEOUT_MS)).toEqual({ exited: true, printed: 'timeout' });
  });

  it('a script whose only reply succeeded exits by itself (the control)', async () => {
    // A fresh process's first request can take longer than 300 ms on a busy machine: a timeout that cannot fire.
    expect(await scriptRun(4_000)).toEqual({ exited: true, printed: 'ok' });
  });
});
