import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, print } from '../src/browser/graphql-shim.js';
import type * as PlainClientModule from '../src/index.js';

// The browser build replaces `graphql` with a shim whose parse/print throw (src/browser/graphql-shim.ts).
// graphql-request wraps its parse call in a try/catch, so a throw there would pass unnoticed: this test bundles
// the client exactly as the browser build does (graphql-request inlined, `graphql` aliased), but to a shim that
// also counts calls, and runs every operation and failure path through it.

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const calls = ((globalThis as { __graphqlShimCalls?: string[] }).__graphqlShimCalls ??= []);
let Client: typeof PlainClientModule.PlainClient;
let outfile = '';

beforeAll(async () => {
  const outdir = join(root, '.tmp', 'shim-test');
  mkdirSync(outdir, { recursive: true });
  outfile = join(outdir, `client-${process.pid}.mjs`);
  await build({
    entryPoints: [join(root, 'src/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outfile,
    external: ['zod'],
    alias: { graphql: join(root, 'test/fixtures/graphql-spy.ts') },
    logLevel: 'error',
  });
  ({ PlainClient: Client } = (await import(pathToFileURL(outfile).href)) as typeof PlainClientModule);
}, 30_000);

afterAll(() => rmSync(outfile, { force: true }));

type Answer = Response | (() => Response | Promise<Response>);

function clientAnswering(...answers: Answer[]) {
  const bodies: { query: unknown; operationName: unknown }[] = [];
  const fetch = async (_url: URL | RequestInfo, init?: RequestInit) => {
    bodies.push(JSON.parse(String(init?.body)));
    const next = answers.shift();
    if (!next) throw new Error('no answer left');
    return typeof next === 'function' ? next() : next;
  };
  const plain = new Client({ apiUrl: 'https://app.example.test/api/plain', fetch: fetch as typeof globalThis.fetch, maxRetries: 0, paceRequests: false });
  return { plain, bodies };
}

const THREAD = { id: 'th_1', ref: 'T-1', title: 'Help', channel: 'EMAIL', status: 'TODO', customer: { id: 'c_1' } };

describe('browser build: graphql shim', () => {
  it('is never called, on success and on every failure path', async () => {
    calls.length = 0;
    const seen: string[] = [];

    let run = clientAnswering(Response.json({ data: { thread: THREAD } }), Response.json({ data: { replyToThread: { error: null } } }));
    expect((await run.plain.replyToThread({ threadId: 'th_1', textContent: 'Hi' })).ok).toBe(true);
    seen.push(...run.bodies.map((b) => String(b.operationName)));

    run = clientAnswering(Response.json({ data: { threadByRef: THREAD } }));
    expect((await run.plain.getThreadByRef('T-1')).ok).toBe(true);
    seen.push(...run.bodies.map((b) => String(b.operationName)));
    for (const body of run.bodies) expect(typeof body.query).toBe('string');

    const failures: [Answer, string][] = [
      [Response.json({ errors: [{ message: 'Too Many Requests', extensions: { code: 'RATE_LIMITED' } }] }, { status: 429 }), 'rate_limited'],
      [new Response('upstream exploded', { status: 500 }), 'server_error'],
      [Response.json({ errors: [{ message: 'nope', extensions: { code: 'FORBIDDEN' } }] }, { status: 403 }), 'forbidden'],
      [Response.json({ data: null, errors: [{ message: 'bad', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] }), 'graphql_error'],
      [new Response('<html>login</html>', { status: 200, headers: { 'content-type': 'text/html' } }), 'unexpected_response'],
      [() => { throw new TypeError('fetch failed'); }, 'network'],
    ];
    for (const [answer, kind] of failures) {
      run = clientAnswering(answer);
      const result = await run.plain.getThread('th_1');
      expect(result.error?.kind).toBe(kind);
    }

    run = clientAnswering(Response.json({ data: { threadByRef: null } }));
    expect((await run.plain.getThreadByRef('T-404')).error?.kind).toBe('thread_not_found');

    run = clientAnswering(Response.json({ data: { thread: THREAD } }), Response.json({ data: { replyToThread: { error: { message: 'no', type: 'VALIDATION', code: 'input_validation', fields: [] } } } }));
    expect((await run.plain.replyToThread({ threadId: 'th_1', textContent: 'Hi' })).error?.kind).toBe('validation');

    const controller = new AbortController();
    run = clientAnswering(() => new Promise<Response>((_resolve, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason))));
    const pending = run.plain.getThread('th_1', { signal: controller.signal });
    controller.abort();
    expect((await pending).error?.kind).toBe('aborted');

    expect(seen).toEqual(['GetThread', 'ReplyToThread', 'GetThreadByRef']);
    expect(calls).toEqual([]);
  });

  it('throws if graphql-request ever does call it, instead of sending something wrong', () => {
    expect(() => parse('query { a }')).toThrow(/no GraphQL parser/);
    expect(() => print({ kind: 'Document' })).toThrow(/no GraphQL printer/);
  });
});
