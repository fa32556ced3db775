// A browser upload end to end, in headless Chromium (`npm run test:browser`):
//   page on 127.0.0.1 (the built browser bundle, PlainClient without a key)
//     -> the page's own backend (createPlainProxy behind toNodeHandler, cookie session): the upload form only
//       -> the fake Plain over HTTP on 127.0.0.1, which hands out a form for its own storage endpoint
//   page -> the fake's storage endpoint, cross-origin: the file itself, never through the backend.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlainClient } from '../../src/index.js';
import { createPlainProxy, toNodeHandler } from '../../src/proxy/index.js';
import { createFakePlain, type FakePlain } from '../../src/testing/index.js';
import { bundlePage, launchChromium, type PageBackend, requireChromiumAndBuild, startPageBackend } from './chromium.js';

/** The file the page uploads: 300 KB of a pattern that appears nowhere else, so its bytes can be looked for. */
const FILE_BYTES = 300_000;
const MARKER = 'PLAIN-CLIENT-UPLOAD-MARKER-';

let fake: FakePlain;
let plainServer: { url: string; close: () => Promise<void> };
let backend: PageBackend;
let browser: Browser;
let page: Page;
let customer: { id: string };
let stranger: { id: string };
let thread: { id: string };
let bundle: string;
/** Every body the backend's proxy route received, as it arrived. */
const proxyBodies: Buffer[] = [];
/** The page's requests, from Chromium's network events: where each went and how many bytes it sent. */
const pageRequests: { url: string; method: string; bytes: number }[] = [];
const pending: Promise<unknown>[] = [];

beforeAll(async () => {
  requireChromiumAndBuild();
  bundle = await bundlePage('browser-uploads');

  fake = createFakePlain();
  customer = fake.addCustomer({ externalId: 'user-42', email: 'ada@customer.example' });
  stranger = fake.addCustomer({ externalId: 'user-7', email: 'grace@customer.example' });
  thread = fake.addThread({ channel: 'CHAT', customer: customer.id });
  plainServer = await fake.listen();

  const handler = createPlainProxy({
    apiKey: fake.apiKey,
    apiUrl: plainServer.url,
    authorize: (request) =>
      /(?:^|;\s*)session=sess-ada(?:;|$)/.test(request.headers.get('cookie') ?? '')
        ? { threads: [thread.id], impersonate: { externalId: 'user-42' } }
        : false,
  });
  // Every body the proxy receives is recorded (from a copy of the request) before it handles the request.
  const proxy = toNodeHandler(async (request) => {
    proxyBodies.push(Buffer.from(await request.clone().arrayBuffer()));
    return handler(request);
  });
  backend = await startPageBackend(bundle, proxy);

  browser = await launchChromium();
  page = await browser.newPage();
  // Chromium does not show a file's bytes as post data: the body's size is read from the headers it sent.
  page.on('request', (request) => {
    const entry = { url: request.url(), method: request.method(), bytes: 0 };
    pageRequests.push(entry);
    pending.push(
      request.allHeaders().then((headers) => {
        entry.bytes = Number(headers['content-length'] ?? 0);
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

interface PageOutcome {
  uploaded: { ok: boolean; data?: { attachmentId: string; fileName: string; sizeBytes: number }; error?: unknown };
  replied: { ok: boolean; error?: unknown };
}

describe('uploadAttachment in Chromium, through createPlainProxy, to the fake storage', () => {
  it('uploads the file straight to the storage, then replies with it as the session’s customer', async () => {
    const outcome: PageOutcome = await page.evaluate(
      async ({ threadId, size, marker }) => {
        type PageClient = {
          uploadAttachment(input: object): Promise<PageOutcome['uploaded']>;
          replyToThread(input: object): Promise<PageOutcome['replied']>;
        };
        const Client = (window as unknown as { PlainClient: new (o: object) => PageClient }).PlainClient;
        const plain = new Client({ apiUrl: new URL('/api/plain', location.origin).href, maxRetries: 0 });
        const text = marker.repeat(Math.ceil(size / marker.length)).slice(0, size);
        const file = new File([text], 'screenshot.png', { type: 'image/png' });
        const uploaded = await plain.uploadAttachment({ threadId, file, fileName: file.name });
        const replied = uploaded.ok
          ? await plain.replyToThread({
              threadId,
              textContent: 'Here is the screenshot',
              attachmentIds: [uploaded.data?.attachmentId],
            })
          : { ok: false };
        return { uploaded, replied };
      },
      { threadId: thread.id, size: FILE_BYTES, marker: MARKER },
    );
    expect(outcome.uploaded).toMatchObject({ ok: true, data: { fileName: 'screenshot.png', sizeBytes: FILE_BYTES } });
    expect(outcome.replied).toMatchObject({ ok: true });
    const attachmentId = outcome.uploaded.data?.attachmentId as string;

    // The upload form was asked for the session's customer, and the reply sent as that customer with the file.
    const asked = fake.requests.filter((r) => r.operationName === 'CreateAttachmentUploadUrl');
    expect(asked.map((r) => r.variables)).toEqual([
      {
        input: {
          customerId: customer.id,
          fileName: 'screenshot.png',
          fileSizeBytes: FILE_BYTES,
          attachmentType: 'CHAT',
        },
      },
    ]);
    const sent = fake.requests.filter((r) => r.operationName === 'ReplyToThread').at(-1);
    expect(sent?.variables).toEqual({
      input: {
        threadId: thread.id,
        textContent: 'Here is the screenshot',
        attachmentIds: [attachmentId],
        impersonation: { asCustomer: { customerIdentifier: { externalId: 'user-42' } } },
      },
    });

    // The file went from the page to the storage endpoint, on the fake's origin, not the backend's.
    await Promise.all(pending);
    const storageOrigin = new URL(plainServer.url).origin;
    const toStorage = pageRequests.filter((r) => r.method === 'POST' && r.url.startsWith(storageOrigin));
    expect(toStorage).toHaveLength(1);
    expect(toStorage[0]?.bytes).toBeGreaterThan(FILE_BYTES);
    expect(fake.uploads).toMatchObject([{ status: 204, attachmentId }]);
    expect(fake.uploads[0]?.fields.at(-1)).toMatchObject({ fileName: 'screenshot.png', sizeBytes: FILE_BYTES });
    expect(fake.uploads[0]?.headers.origin).toBe(backend.origin);

    // No file bytes went through the backend: every body it received is small, and none holds the file's pattern.
    // The backend got GetThread (the thread's customer and channel), CreateAttachmentUploadUrl and ReplyToThread.
    const operations = proxyBodies.map((body) => JSON.parse(body.toString('utf8')).operationName);
    expect(operations).toEqual(['GetThread', 'CreateAttachmentUploadUrl', 'ReplyToThread']);
    const received = Buffer.concat(proxyBodies);
    expect(received.length).toBeLessThan(10_000);
    expect(received.toString('utf8')).not.toContain(MARKER);

    // The reply's timeline entry carries the attachment, as Plain shows it.
    const timeline = await fetch(plainServer.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${fake.apiKey}` },
      body: JSON.stringify({
        query: `query ($threadId: ID!) { thread(threadId: $threadId) { timelineEntries(first: 10) { edges { node {
          entry { ... on ChatEntry { text attachments { id fileName fileSize { bytes } } } } } } } } }`,
        variables: { threadId: thread.id },
      }),
    }).then(
      (r) => r.json() as Promise<{ data: { thread: { timelineEntries: { edges: { node: { entry: unknown } }[] } } } }>,
    );
    expect(timeline.data.thread.timelineEntries.edges.map((e) => e.node.entry)).toEqual([
      {
        text: 'Here is the screenshot',
        attachments: [{ id: attachmentId, fileName: 'screenshot.png', fileSize: { bytes: FILE_BYTES } }],
      },
    ]);
  });

  it('uploads for the session’s customer whatever customer the page names', async () => {
    const before = fake.requests.length;
    const uploaded = await page.evaluate(async (customerId) => {
      type PageClient = { uploadAttachment(input: object): Promise<PageOutcome['uploaded']> };
      const Client = (window as unknown as { PlainClient: new (o: object) => PageClient }).PlainClient;
      const plain = new Client({ apiUrl: new URL('/api/plain', location.origin).href, maxRetries: 0 });
      const file = new File(['a,b\n1,2\n'], 'export.csv', { type: 'text/csv' });
      return plain.uploadAttachment({ customerId, attachmentType: 'CHAT', file, fileName: file.name });
    }, stranger.id);
    expect(uploaded).toMatchObject({ ok: true, data: { fileName: 'export.csv', sizeBytes: 8 } });
    expect(fake.requests.slice(before).map((r) => [r.operationName, r.variables])).toEqual([
      [
        'CreateAttachmentUploadUrl',
        { input: { customerId: customer.id, fileName: 'export.csv', fileSizeBytes: 8, attachmentType: 'CHAT' } },
      ],
    ]);
  });

  it('refuses a reply carrying a file the page did not upload through the backend, and the reply never reaches Plain', async () => {
    // A real attachment of another customer's, uploaded by a server with the key.
    const server = new PlainClient({ apiKey: fake.apiKey, apiUrl: plainServer.url, maxRetries: 0 });
    const theirs = await server.uploadAttachment({
      customerId: stranger.id,
      attachmentType: 'CHAT',
      file: new TextEncoder().encode('private'),
      fileName: 'contract.pdf',
    });
    if (!theirs.ok) throw new Error(theirs.error.message);
    const before = fake.requests.length;
    const messages = fake.messages(thread.id).length;
    const replied = await page.evaluate(
      async ({ threadId, attachmentId }) => {
        type PageClient = {
          replyToThread(input: object): Promise<{ ok: boolean; error?: { kind: string; message: string } }>;
        };
        const Client = (window as unknown as { PlainClient: new (o: object) => PageClient }).PlainClient;
        const plain = new Client({ apiUrl: new URL('/api/plain', location.origin).href, maxRetries: 0 });
        return plain.replyToThread({ threadId, textContent: 'Look at this', attachmentIds: [attachmentId] });
      },
      { threadId: thread.id, attachmentId: theirs.data.attachmentId },
    );
    expect(replied).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(replied.error?.message).toMatch(/Refused by the proxy: replies from here may not carry attachments/);
    // The page's client looked the thread's channel up first; the reply itself never reached Plain.
    expect(fake.requests.slice(before).map((r) => r.operationName)).toEqual(['GetThread']);
    expect(fake.messages(thread.id)).toHaveLength(messages);
  });
});
