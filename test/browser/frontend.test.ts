// The frontend pattern end to end, in headless Chromium (`npm run test:browser`):
//   page on 127.0.0.1 (the built browser bundle, PlainClient without a key)
//     -> the page's own backend on the same origin (createPlainProxy behind toNodeHandler, cookie session)
//       -> the fake Plain (plain-client/testing) over HTTP on 127.0.0.1.
// Every request the page makes and every answer it gets is recorded from Chromium's network events, to show that the
// API key never reaches the browser.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlainProxy, toNodeHandler } from '../../src/proxy/index.js';
import { createFakePlain, type FakePlain } from '../../src/testing/index.js';
import { bundlePage, launchChromium, type PageBackend, requireChromiumAndBuild, startPageBackend } from './chromium.js';

/** What the page's network events showed. */
interface Seen {
  url: string;
  method: string;
  requestHeaders: Record<string, string>;
  postData: string | null;
  status?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
}

let fake: FakePlain;
let plainServer: { url: string; close: () => Promise<void> };
let backend: PageBackend;
let browser: Browser;
let page: Page;
const seen: Seen[] = [];
const pending: Promise<unknown>[] = [];
/** Every body the backend's proxy route sent the browser, recorded as it was written. */
const proxyAnswers: string[] = [];
let customer: { id: string; externalId?: string };
let mine: { id: string };
let theirs: { id: string };
let bundle: string;

beforeAll(async () => {
  requireChromiumAndBuild();
  bundle = await bundlePage('browser-test');

  fake = createFakePlain();
  customer = fake.addCustomer({ externalId: 'user-42', email: 'ada@customer.example' });
  const stranger = fake.addCustomer({ externalId: 'user-7', email: 'grace@customer.example' });
  mine = fake.addThread({ channel: 'CHAT', customer: customer.id });
  theirs = fake.addThread({ channel: 'CHAT', customer: stranger.id });
  plainServer = await fake.listen();

  // The product's backend: its own session cookie decides who the browser is; the proxy adds the key.
  const sessions = new Map([['sess-ada', { userId: 'user-42', threadIds: [mine.id] }]]);
  const proxy = toNodeHandler(
    createPlainProxy({
      apiKey: fake.apiKey,
      apiUrl: plainServer.url,
      authorize: (request) => {
        const session = sessions.get(/(?:^|;\s*)session=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1] ?? '');
        if (!session) return Response.json({ errors: [{ message: 'Log in first.' }] }, { status: 401 });
        return { threads: session.threadIds, impersonate: { externalId: session.userId } };
      },
    }),
  );
  backend = await startPageBackend(bundle, (req, res) => {
    // Recorded on the server side too: Playwright cannot always read a body back once the page has moved on.
    const end = res.end.bind(res) as (chunk?: unknown) => typeof res;
    res.end = ((chunk?: unknown) => {
      proxyAnswers.push(chunk === undefined ? '' : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return end(chunk);
    }) as typeof res.end;
    proxy(req, res);
  });

  browser = await launchChromium();
  page = await browser.newPage();
  page.on('request', (request) => {
    const entry: Seen = {
      url: request.url(),
      method: request.method(),
      requestHeaders: {},
      postData: request.postData(),
    };
    seen.push(entry);
    pending.push(
      request.allHeaders().then((h) => {
        entry.requestHeaders = h;
      }),
    );
  });
  page.on('response', (response) => {
    const entry = [...seen].reverse().find((s) => s.url === response.url() && s.status === undefined);
    if (!entry) return;
    entry.status = response.status();
    pending.push(
      Promise.all([response.allHeaders(), response.text().catch(() => '')]).then(([headers, body]) => {
        entry.responseHeaders = headers;
        entry.responseBody = body;
      }),
    );
  });
  await page.goto(`${backend.origin}/`);
  await page.waitForFunction(() => typeof (window as { PlainClient?: unknown }).PlainClient === 'function');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await backend?.close();
  await plainServer?.close();
});

/** Runs code in the page with a key-less client pointed at the backend; returns what it returns. */
function inPage<T>(script: string): Promise<T> {
  return page.evaluate(`(async () => {
    const plain = new window.PlainClient({ apiUrl: new URL('/api/plain', location.origin).href, maxRetries: 0 });
    ${script}
  })()`) as Promise<T>;
}

describe('PlainClient in Chromium, through createPlainProxy, to the fake Plain', () => {
  it('sends the reply as the customer authorize forced', async () => {
    const result = await inPage<{ ok: boolean; data?: unknown; error?: unknown }>(
      `return await plain.replyToThread({ threadId: ${JSON.stringify(mine.id)}, textContent: 'Hello from the browser' });`,
    );
    expect(result).toMatchObject({ ok: true, data: { threadId: mine.id, channel: 'CHAT' } });
    expect(fake.messages(mine.id)).toMatchObject([
      { text: 'Hello from the browser', author: { kind: 'customer', customerId: customer.id } },
    ]);
    const sent = fake.requests.filter((r) => r.operationName === 'ReplyToThread').at(-1);
    expect(sent?.variables).toEqual({
      input: {
        threadId: mine.id,
        textContent: 'Hello from the browser',
        impersonation: { asCustomer: { customerIdentifier: { externalId: 'user-42' } } },
      },
    });
  });

  it('ignores the impersonation the page asks for', async () => {
    const result = await inPage<{ ok: boolean }>(`return await plain.replyToThread({
      threadId: ${JSON.stringify(mine.id)},
      textContent: 'Pretending to be Grace',
      impersonation: { asCustomer: { customerIdentifier: { emailAddress: 'grace@customer.example' } } },
    });`);
    expect(result.ok).toBe(true);
    expect(fake.messages(mine.id).at(-1)).toMatchObject({
      text: 'Pretending to be Grace',
      author: { kind: 'customer', customerId: customer.id },
    });
  });

  it('refuses a thread the session does not own, and nothing reaches it', async () => {
    const before = fake.requests.length;
    const result = await inPage<{ ok: boolean; error?: { kind: string; message: string } }>(
      `return await plain.replyToThread({ threadId: ${JSON.stringify(theirs.id)}, textContent: 'Not my thread' });`,
    );
    expect(result).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(result.error?.message).toMatch(/Refused by the proxy/);
    expect(fake.messages(theirs.id)).toEqual([]);
    expect(fake.requests.length).toBe(before);
  });

  it('refuses another operation, also when it borrows the name ReplyToThread', async () => {
    const before = fake.requests.length;
    const answers = await inPage<{ status: number; body: { errors: { extensions: { code: string } }[] } }[]>(`
      const post = (body) => fetch('/api/plain', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
        .then(async (r) => ({ status: r.status, body: await r.json() }));
      return [
        await post({ query: 'query { customers(first: 100) { edges { node { email { email } } } } }' }),
        await post({
          operationName: 'ReplyToThread',
          query: 'mutation ReplyToThread($input: ReplyToThreadInput!) { replyToThread(input: $input) { error { message } } }',
          variables: { input: { threadId: ${JSON.stringify(theirs.id)}, textContent: 'sneaky' } },
        }),
      ];`);
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0]?.extensions.code).toBe('OPERATION_NOT_ALLOWED');
    }
    expect(fake.requests.length).toBe(before);
    expect(fake.messages(theirs.id)).toEqual([]);
  });

  it('throws on an apiKey without the opt-in, and says why', async () => {
    const outcome = await page.evaluate(() => {
      const Client = (window as unknown as { PlainClient: new (o: object) => unknown }).PlainClient;
      let refused = '';
      try {
        new Client({ apiKey: 'plainApiKey_not_the_real_one' });
      } catch (error) {
        refused = (error as Error).message;
      }
      new Client({ apiKey: 'plainApiKey_not_the_real_one', dangerouslyAllowBrowser: true });
      return refused;
    });
    expect(outcome).toMatch(/refusing to use an apiKey in a browser/);
    expect(outcome).toMatch(/dangerouslyAllowBrowser/);
  });

  it('never shows the browser the API key: in no request it made and no answer it got', async () => {
    await Promise.all(pending);
    const calls = seen.filter((s) => s.url === `${backend.origin}/api/plain`);
    expect(calls.length).toBeGreaterThanOrEqual(6);
    // Every request went to the page's own origin; none to Plain (the fake) directly.
    expect(seen.every((s) => s.url.startsWith(`${backend.origin}/`))).toBe(true);
    for (const call of calls) {
      expect(call.requestHeaders.authorization).toBeUndefined();
      expect(call.requestHeaders.cookie).toBe('session=sess-ada');
    }
    // Every answer the proxy sent the browser is JSON, and none holds the key.
    expect(proxyAnswers.length).toBeGreaterThanOrEqual(6);
    for (const body of proxyAnswers) expect(() => JSON.parse(body)).not.toThrow();
    expect(proxyAnswers.join('\n')).not.toContain(fake.apiKey);
    // The answers' bodies were read too: the bundle the page loaded is among them.
    expect(seen.find((s) => s.url.endsWith('/app.js'))?.responseBody).toBe(bundle);
    const everything = JSON.stringify(seen);
    expect(everything).toContain('Hello from the browser');
    expect(everything).not.toContain(fake.apiKey);
    // The key did reach Plain, from the backend.
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
  });
});
