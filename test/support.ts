import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createFakePlain } from '../src/testing/index.js';
import { mswHandlers } from '../src/testing/msw.js';

/** A fake Plain behind MSW for this test file; any request to another URL fails the test. */
export function useFakePlain(options?: Parameters<typeof createFakePlain>[0]) {
  const fake = createFakePlain(options);
  const server = setupServer(...mswHandlers(fake));
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    fake.reset();
  });
  afterAll(() => server.close());
  return { fake, server };
}

/** The operations the fake received, in order. */
export const operationsSent = (fake: ReturnType<typeof createFakePlain>) => fake.requests.map((r) => r.operationName);

/** A node:http server on 127.0.0.1 with `listener`; `close` drops open connections too. */
export async function serve(listener: RequestListener) {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Writes raw bytes to 127.0.0.1:port and resolves with all the server wrote back, once it closes the connection (or
 * after `waitMs`, a safety net for a server that never answers: the text is then whatever arrived).
 * `hangUp: true` writes and closes the connection at once, as a client that goes away mid-request.
 */
export function rawExchange(
  port: number,
  request: string | Buffer,
  options: { hangUp?: boolean; waitMs?: number } = {},
) {
  return new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, options.waitMs ?? 5_000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', done);
    socket.on('error', done);
    socket.write(request, () => {
      if (options.hangUp) socket.destroy();
    });
  });
}

/** The raw text of an HTTP/1.1 POST of a JSON body, asking the server to close the connection after its answer. */
export const rawPost = (target: string, options: { host: string; body: string; headers?: Record<string, string> }) =>
  `POST ${target} HTTP/1.1\r\nHost: ${options.host}\r\n${Object.entries(options.headers ?? {})
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(options.body)}\r\n` +
  `Connection: close\r\n\r\n${options.body}`;

/** The status code of a raw HTTP answer, or 0 when nothing came back. */
export const statusOf = (raw: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);

/**
 * Records unhandled rejections and uncaught exceptions from the moment it is called: what would kill a Node
 * server running this code.
 */
export function watchCrashes() {
  const crashes: unknown[] = [];
  const record = (error: unknown) => crashes.push(error);
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
  return {
    crashes,
    stop() {
      process.off('unhandledRejection', record);
      process.off('uncaughtException', record);
    },
  };
}
