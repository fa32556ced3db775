// A real redis-server for the tests (and the bench) that need one: started on a free 127.0.0.1 port with persistence
// off and its own temporary directory, ready once it answers PING, stoppable and restartable on the same port, and
// never left running: it is stopped in afterAll, killed when the process exits, and a small watchdog kills it if the
// process dies without running its exit handlers (a worker killed with SIGKILL).
//
// When redis-server cannot be found or started, tests get a reason: locally they skip with it (printed), and in CI
// (CI=true) they fail with it, so that a missing server never passes a round silently.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, type TestContext } from 'vitest';

const HOST = '127.0.0.1';
const READY_WITHIN_MS = 10_000;
const STOPPED_WITHIN_MS = 3_000;

/** The redis-server to run: `REDIS_SERVER` if set, else the first `redis-server` on PATH (or in /usr/bin, /usr/sbin). */
export function findRedisServer(): { path: string } | { reason: string } {
  const candidates = process.env.REDIS_SERVER
    ? [process.env.REDIS_SERVER]
    : [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin']
        .filter(Boolean)
        .map((dir) => path.join(dir, 'redis-server'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return { path: candidate };
    } catch {}
  }
  return {
    reason: process.env.REDIS_SERVER
      ? `REDIS_SERVER=${process.env.REDIS_SERVER} is not an executable file`
      : 'redis-server was not found on PATH (Debian: apt-get install -y redis-server; or set REDIS_SERVER=/path/to/redis-server)',
  };
}

/** A port that was free on 127.0.0.1 a moment ago (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

// ------------------------------------------------------------------------------------------ a minimal RESP client

/** A value of Redis's protocol (RESP2): simple strings and bulk strings as strings, integers, arrays, nil as null. */
export type RedisReply = string | number | null | RedisReply[] | Error;

/** Parses one RESP2 value of `buffer` from `at`; undefined when more bytes are needed. */
function parseReply(buffer: Buffer, at: number): { value: RedisReply; next: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', at);
  if (lineEnd === -1) return undefined;
  const type = String.fromCharCode(buffer[at]!);
  const line = buffer.toString('utf8', at + 1, lineEnd);
  const next = lineEnd + 2;
  if (type === '+') return { value: line, next };
  if (type === '-') return { value: new Error(line), next };
  if (type === ':') return { value: Number(line), next };
  if (type === '$') {
    const length = Number(line);
    if (length < 0) return { value: null, next };
    if (buffer.length < next + length + 2) return undefined;
    return { value: buffer.toString('utf8', next, next + length), next: next + length + 2 };
  }
  if (type === '*') {
    const count = Number(line);
    if (count < 0) return { value: null, next };
    const items: RedisReply[] = [];
    let cursor = next;
    for (let i = 0; i < count; i++) {
      const item = parseReply(buffer, cursor);
      if (!item) return undefined;
      items.push(item.value);
      cursor = item.next;
    }
    return { value: items, next: cursor };
  }
  throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
}

/**
 * Sends one command to the server on `port` over a new connection and resolves with its reply (a Redis error reply
 * resolves as an Error value). Rejects when the server cannot be reached or does not answer within `timeoutMs`.
 */
export function redisCommand(port: number, args: readonly (string | number)[], timeoutMs = 2_000) {
  return new Promise<RedisReply>((resolve, reject) => {
    const socket = connect(port, HOST);
    let received = Buffer.alloc(0);
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      socket.destroy();
      outcome();
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`redis on port ${port}: no answer within ${timeoutMs} ms`))),
      timeoutMs,
    );
    socket.on('error', (error) => finish(() => reject(error)));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      const parsed = parseReply(received, 0);
      if (parsed) finish(() => resolve(parsed.value));
    });
    const parts = args.map(String);
    socket.write(`*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`);
  });
}

// ------------------------------------------------------------------------------------------ the server

export interface RedisServer {
  readonly host: string;
  readonly port: number;
  /** `redis://127.0.0.1:<port>`, for node-redis's `createClient({ url })` or ioredis's `new Redis(url)`. */
  readonly url: string;
  /** Whether a redis-server process is running now (false after `stop()`, until `start()`). */
  readonly running: boolean;
  /** Sends one command over a new connection (see redisCommand); e.g. `command(['FLUSHALL'])`. */
  command(args: readonly (string | number)[]): Promise<RedisReply>;
  /** Stops the server (SIGTERM, SIGKILL after a few seconds); open connections are dropped. Safe to call twice. */
  stop(): Promise<void>;
  /** Starts it again on the same port, with an empty data set; resolves once it answers PING. */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open but nothing is answered, like a server that hangs. */
  pause(): void;
  /** Thaws a paused server (SIGCONT). */
  resume(): void;
}

/**
 * Starts a redis-server on a free 127.0.0.1 port, persistence off (`--save '' --appendonly no`), in its own
 * temporary directory, and resolves once it answers PING. Rejects with the reason when it cannot.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const found = findRedisServer();
  if ('reason' in found) throw new Error(found.reason);
  const dir = mkdtempSync(path.join(tmpdir(), 'plain-client-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  let paused = false;

  const isRunning = () => Boolean(child && child.exitCode === null && child.signalCode === null);
  const killNow = () => {
    if (isRunning()) child?.kill('SIGKILL');
  };
  const onExit = () => {
    killNow();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const launch = async () => {
    const proc = spawn(
      found.path,
      [
        '--port',
        String(port),
        '--bind',
        HOST,
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--protected-mode',
        'yes',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    paused = false;
    let output = '';
    const collect = (chunk: Buffer) => {
      if (output.length < 4_000) output += chunk.toString('utf8');
    };
    proc.stdout?.on('data', collect);
    proc.stderr?.on('data', collect);
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.once('error', (error) => {
      output += String(error);
    });
    watch(proc.pid);

    const deadline = Date.now() + READY_WITHIN_MS;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`redis-server exited (${proc.exitCode ?? proc.signalCode}) on port ${port}: ${output.trim()}`);
      }
      const pong = await redisCommand(port, ['PING'], 500).catch(() => undefined);
      if (pong === 'PONG') return;
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        await exited;
        throw new Error(`redis-server did not answer PING on port ${port} within ${READY_WITHIN_MS} ms: ${output}`);
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 25))]);
    }
  };

  const stop = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    if (paused) proc.kill('SIGCONT');
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), STOPPED_WITHIN_MS);
    await exited;
    clearTimeout(timer);
  };

  // The port is free when probed, but another process may take it before redis-server binds: try a few ports.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (error) {
      if (attempt >= 3) {
        process.removeListener('exit', onExit);
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }

  return {
    host: HOST,
    get port() {
      return port;
    },
    get url() {
      return `redis://${HOST}:${port}`;
    },
    get running() {
      return isRunning();
    },
    command: (args) => redisCommand(port, args),
    stop,
    async start() {
      if (!isRunning()) await launch();
    },
    pause() {
      if (child && !paused) {
        child.kill('SIGSTOP');
        paused = true;
      }
    },
    resume() {
      if (child && paused) {
        child.kill('SIGCONT');
        paused = false;
      }
    },
  };

  /** Last-resort cleanup: a detached shell that kills redis-server once this process is gone. */
  function watch(redisPid: number | undefined) {
    if (!redisPid) return;
    const watchdog = spawn(
      '/bin/sh',
      [
        '-c',
        'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; kill -9 "$2" 2>/dev/null',
        'redis-watchdog',
        String(process.pid),
        String(redisPid),
      ],
      { stdio: 'ignore', detached: true },
    );
    watchdog.on('error', () => {});
    watchdog.unref();
  }
}

// ------------------------------------------------------------------------------------------ vitest

const inCi = () => process.env.CI === 'true' || process.env.CI === '1';

/**
 * Starts one redis-server for this test file (beforeAll) and stops it in afterAll. In each test that needs it, call
 * `redis.server(ctx)`: it returns the running server, or, when none could be started, skips the test with the reason
 * (printed) — or fails it with the reason in CI, where a missing redis-server must not pass silently.
 *
 * ```ts
 * const redis = useRedisServer();
 * it('shares the budget', async (ctx) => {
 *   const server = redis.server(ctx);
 *   const client = await createClient({ url: server.url }).connect();
 * });
 * ```
 */
export function useRedisServer() {
  let started: RedisServer | undefined;
  let unavailable: string | undefined;
  let printed = false;

  beforeAll(
    async () => {
      try {
        started = await startRedisServer();
      } catch (error) {
        unavailable = error instanceof Error ? error.message : String(error);
      }
    },
    READY_WITHIN_MS * 3 + 5_000,
  );
  afterAll(async () => {
    await started?.stop();
  });

  return {
    /** The running server; skips (locally) or fails (in CI) the calling test when none could be started. */
    server(ctx: Pick<TestContext, 'skip'>): RedisServer {
      if (started) return started;
      const reason = `needs a local redis-server: ${unavailable ?? 'it was not started (call useRedisServer() at the top of the file)'}`;
      if (inCi()) throw new Error(`${reason} (CI=true: a test that needs Redis fails rather than skips)`);
      if (!printed) {
        console.warn(`[redis] skipping tests: ${reason}`);
        printed = true;
      }
      return ctx.skip(reason);
    },
    /** Why no server is running (undefined when one is), once beforeAll has run. */
    get unavailable() {
      return unavailable;
    },
  };
}
