import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReplyToThreadDocument } from '../src/generated/graphql.js';
import { PlainClient } from '../src/index.js';
import { createPlainProxy, type PlainProxyOptions, type ProxyGrant } from '../src/proxy/index.js';
import { CREATE_ATTACHMENT_UPLOAD_URL } from '../src/proxy/uploads.js';
import { createFakePlain } from '../src/testing/index.js';

const KEY = 'plainApiKey_proxy_uploads_0123456789';
const PLAIN = 'https://plain.example.test/graphql/v1';
const folded = (document: unknown) => String(document).replace(/\s+/g, ' ').trim();
const HOUR = 60 * 60 * 1000;

interface Forwarded {
  operationName: string;
  variables: Record<string, unknown>;
}

/** Customers Plain knows, by external id and by email. */
const CUSTOMERS = [
  { id: 'c_42', externalId: 'u_42', email: 'ada@customer.example' },
  { id: 'c_7', externalId: 'u_7', email: 'grace@customer.example' },
];

/** Stands in for Plain: answers the customer lookups and mints attachment ids att_1, att_2…; records every request. */
function upstream() {
  const forwarded: Forwarded[] = [];
  let minted = 0;
  const fetch = async (_url: URL | RequestInfo, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as Forwarded & { query: string };
    forwarded.push({ operationName: body.operationName, variables: body.variables });
    const { variables } = body;
    const summary = (c: (typeof CUSTOMERS)[number] | undefined) =>
      c ? { id: c.id, externalId: c.externalId, fullName: 'A', shortName: null, email: { email: c.email } } : null;
    if (body.operationName === 'GetCustomerByExternalId')
      return Response.json({
        data: { customerByExternalId: summary(CUSTOMERS.find((c) => c.externalId === variables.externalId)) },
      });
    if (body.operationName === 'GetCustomerByEmail')
      return Response.json({ data: { customerByEmail: summary(CUSTOMERS.find((c) => c.email === variables.email)) } });
    if (body.operationName === 'CreateAttachmentUploadUrl') {
      const input = variables.input as { fileName: string; fileSizeBytes: number };
      minted += 1;
      return Response.json({
        data: {
          createAttachmentUploadUrl: {
            attachmentUploadUrl: {
              attachment: { id: `att_${minted}`, fileName: input.fileName, fileSize: { bytes: input.fileSizeBytes } },
              uploadFormUrl: 'https://storage.example.test/upload',
              uploadFormData: [{ key: 'key', value: `uploads/att_${minted}` }],
              expiresAt: { iso8601: new Date(Date.now() + 2 * HOUR).toISOString() },
            },
            error: null,
          },
        },
      });
    }
    return Response.json({ data: { replyToThread: { error: null } } });
  };
  return { forwarded, fetch: fetch as typeof globalThis.fetch };
}

/** Sessions by cookie: who is logged in, and the grant authorize returns for them. */
const GRANTS: Record<string, ProxyGrant> = {
  'session=ada': { threads: ['th_ada'], impersonate: { externalId: 'u_42' } },
  'session=grace': { threads: ['th_grace', 'th_ada'], impersonate: { externalId: 'u_7' } },
  'session=staff': { threads: 'any', impersonate: false },
  'session=none': { threads: 'any' },
};

function proxyWith(options: Partial<PlainProxyOptions> = {}) {
  const up = upstream();
  const proxy = createPlainProxy({
    apiKey: KEY,
    apiUrl: PLAIN,
    fetch: up.fetch,
    authorize: (request) => GRANTS[request.headers.get('cookie') ?? ''] ?? false,
    ...options,
  });
  return { ...up, proxy };
}

const post = (cookie: string, body: unknown) =>
  new Request('https://app.example.test/api/plain', {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(body),
  });

const uploadUrl = (input: Record<string, unknown>) => ({
  query: CREATE_ATTACHMENT_UPLOAD_URL.query,
  operationName: 'CreateAttachmentUploadUrl',
  variables: { input: { customerId: 'c_whoever_the_browser_says', attachmentType: 'CHAT', ...input } },
});

const reply = (threadId: string, attachmentIds: string[]) => ({
  query: folded(ReplyToThreadDocument),
  operationName: 'ReplyToThread',
  variables: { input: { threadId, textContent: 'See attached', attachmentIds } },
});

/** Asks the proxy for an upload URL; the minted attachment id. */
async function mint(
  proxy: (r: Request) => Promise<Response>,
  cookie: string,
  fileName = 'screenshot.png',
  fileSizeBytes = 1234,
) {
  const response = await proxy(post(cookie, uploadUrl({ fileName, fileSizeBytes })));
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    data: { createAttachmentUploadUrl: { attachmentUploadUrl: { attachment: { id: string } } } };
  };
  return body.data.createAttachmentUploadUrl.attachmentUploadUrl.attachment.id;
}

async function errorOf(response: Response) {
  const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
  return { status: response.status, code: body.errors[0]?.extensions.code, message: body.errors[0]?.message ?? '' };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createPlainProxy: upload URLs are for the customer authorize names', () => {
  it('pins the customer whatever the browser sent, looking an externalId up once', async () => {
    const { proxy, forwarded } = proxyWith();
    await mint(proxy, 'session=ada', 'one.png');
    await mint(proxy, 'session=ada', 'two.png');
    expect(forwarded).toEqual([
      { operationName: 'GetCustomerByExternalId', variables: { externalId: 'u_42' } },
      {
        operationName: 'CreateAttachmentUploadUrl',
        variables: { input: { customerId: 'c_42', fileName: 'one.png', fileSizeBytes: 1234, attachmentType: 'CHAT' } },
      },
      {
        operationName: 'CreateAttachmentUploadUrl',
        variables: { input: { customerId: 'c_42', fileName: 'two.png', fileSizeBytes: 1234, attachmentType: 'CHAT' } },
      },
    ]);
  });

  it('sends its own copy of the document and key, not the browser’s', async () => {
    const seen: { query: string; authorization: string | null }[] = [];
    const up = upstream();
    const proxy = createPlainProxy({
      apiKey: KEY,
      apiUrl: PLAIN,
      authorize: () => ({ threads: [], impersonate: { customerId: 'c_9' } }),
      fetch: async (url, init) => {
        seen.push({
          query: JSON.parse(String(init?.body)).query,
          authorization: new Headers(init?.headers).get('authorization'),
        });
        return up.fetch(url, init);
      },
    });
    const spaced = {
      ...uploadUrl({ fileName: 'a.pdf', fileSizeBytes: 10 }),
      query: CREATE_ATTACHMENT_UPLOAD_URL.query.replace(/ /g, '\n  '),
    };
    const response = await proxy(post('', spaced));
    expect(response.status).toBe(200);
    expect(seen).toEqual([{ query: CREATE_ATTACHMENT_UPLOAD_URL.query, authorization: `Bearer ${KEY}` }]);
  });

  it('uses a customerId as it is, and looks an email up', async () => {
    for (const [impersonate, lookups] of [
      [{ customerId: 'c_9' }, []],
      [
        { emailAddress: 'grace@customer.example' },
        [{ operationName: 'GetCustomerByEmail', variables: { email: 'grace@customer.example' } }],
      ],
    ] as const) {
      const { proxy, forwarded } = proxyWith({ authorize: () => ({ threads: [], impersonate }) });
      await mint(proxy, '');
      expect(forwarded.slice(0, -1)).toEqual(lookups);
      expect(forwarded.at(-1)?.variables).toMatchObject({
        input: { customerId: 'customerId' in impersonate ? 'c_9' : 'c_7' },
      });
    }
  });

  it('gives authorize the upload without the customer the browser named', async () => {
    const operations: unknown[] = [];
    const { proxy } = proxyWith({
      authorize: (_request, operation) => {
        operations.push(operation);
        return { threads: [], impersonate: { customerId: 'c_9' } };
      },
    });
    await mint(proxy, '', 'invoice.pdf');
    expect(operations).toEqual([
      {
        name: 'CreateAttachmentUploadUrl',
        variables: { input: { fileName: 'invoice.pdf', fileSizeBytes: 1234, attachmentType: 'CHAT' } },
      },
    ]);
  });

  it('refuses a customer Plain does not know, and mints nothing', async () => {
    const { proxy, forwarded } = proxyWith({
      authorize: () => ({ threads: [], impersonate: { externalId: 'u_new' } }),
    });
    const error = await errorOf(await proxy(post('', uploadUrl({ fileName: 'a.png', fileSizeBytes: 5 }))));
    expect(error).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(error.message).toMatch(/not in Plain/);
    expect(forwarded.map((f) => f.operationName)).toEqual(['GetCustomerByExternalId']);
  });
});

describe('createPlainProxy: uploads it refuses with nothing sent', () => {
  it('refuses a file over maxUploadBytes as Plain refuses one over its limit', async () => {
    const { proxy, forwarded } = proxyWith({ maxUploadBytes: 1000 });
    const response = await proxy(post('session=ada', uploadUrl({ fileName: 'big.png', fileSizeBytes: 1001 })));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { createAttachmentUploadUrl: { error: Record<string, unknown> } } };
    expect(body.data.createAttachmentUploadUrl).toMatchObject({
      attachmentUploadUrl: null,
      error: { type: 'VALIDATION', code: 'attachment_file_size_too_large', fields: [{ field: 'fileSizeBytes' }] },
    });
    expect(body.data.createAttachmentUploadUrl.error.message).toBe(
      'Refused by the proxy: the file is 1001 bytes; uploads of type CHAT from here may be at most 1000 bytes.',
    );
    expect(forwarded).toEqual([]);
    // At the cap exactly, it goes through.
    await mint(proxy, 'session=ada', 'big.png', 1000);
    expect(forwarded.at(-1)).toMatchObject({
      operationName: 'CreateAttachmentUploadUrl',
      variables: { input: { fileSizeBytes: 1000 } },
    });
  });

  it("without maxUploadBytes, caps each file at its type's limit", async () => {
    const { proxy, forwarded } = proxyWith();
    const over = await proxy(
      post(
        'session=ada',
        uploadUrl({ fileName: 'a.pdf', fileSizeBytes: 6 * 1024 * 1024 + 1, attachmentType: 'EMAIL' }),
      ),
    );
    expect(JSON.stringify(await over.json())).toContain('attachment_file_size_too_large');
    expect(forwarded).toEqual([]);
    const within = await proxy(
      post('session=ada', uploadUrl({ fileName: 'a.pdf', fileSizeBytes: 6 * 1024 * 1024 + 1, attachmentType: 'CHAT' })),
    );
    expect(within.status).toBe(200);
    expect(forwarded.at(-1)?.variables).toMatchObject({ input: { fileSizeBytes: 6 * 1024 * 1024 + 1 } });
    // A larger maxUploadBytes does not raise a type's limit.
    const raised = proxyWith({ maxUploadBytes: 1024 ** 3 });
    const overCustom = await raised.proxy(
      post(
        'session=ada',
        uploadUrl({ fileName: 'a.zip', fileSizeBytes: 50 * 1024 * 1024 + 1, attachmentType: 'CUSTOM_TIMELINE_ENTRY' }),
      ),
    );
    expect(JSON.stringify(await overCustom.json())).toContain('at most 52428800 bytes');
    expect(raised.forwarded).toEqual([]);
  });

  it('refuses a banned extension as Plain refuses it', async () => {
    const { proxy, forwarded } = proxyWith();
    const response = await proxy(post('session=ada', uploadUrl({ fileName: 'setup.EXE', fileSizeBytes: 5 })));
    expect(await response.json()).toMatchObject({
      data: {
        createAttachmentUploadUrl: {
          attachmentUploadUrl: null,
          error: { type: 'VALIDATION', code: 'attachment_file_type_not_allowed', fields: [{ field: 'fileName' }] },
        },
      },
    });
    expect(forwarded).toEqual([]);
  });

  it('refuses attachment types that are not for a reply (notes, thread discussions)', async () => {
    const { proxy, forwarded } = proxyWith();
    for (const attachmentType of ['NOTE', 'THREAD_DISCUSSION', 'SOMETHING']) {
      const error = await errorOf(
        await proxy(post('session=ada', uploadUrl({ fileName: 'a.png', fileSizeBytes: 5, attachmentType }))),
      );
      expect(error).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      expect(error.message).toMatch(/uploads from here are for replies only/);
    }
    expect(forwarded).toEqual([]);
  });

  it('refuses uploads when authorize names no customer to impersonate', async () => {
    const { proxy, forwarded } = proxyWith();
    for (const cookie of ['session=staff', 'session=none']) {
      const error = await errorOf(await proxy(post(cookie, uploadUrl({ fileName: 'a.png', fileSizeBytes: 5 }))));
      expect(error).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      expect(error.message).toMatch(/need a customer to upload for/);
    }
    expect(forwarded).toEqual([]);
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const { proxy, forwarded } = proxyWith();
    for (const [input, field] of [
      [{ fileName: '  ', fileSizeBytes: 5 }, 'input.fileName'],
      [{ fileName: 'a.png', fileSizeBytes: 0 }, 'input.fileSizeBytes'],
      [{ fileName: 'a.png', fileSizeBytes: 1.5 }, 'input.fileSizeBytes'],
      [{ fileName: 'a.png', fileSizeBytes: '5' }, 'input.fileSizeBytes'],
      [{ fileName: 'a.png', fileSizeBytes: 5, attachmentType: null }, 'input.attachmentType'],
      [{ fileName: 'a.png', fileSizeBytes: 5, customerId: 42 }, 'input.customerId'],
    ] as const) {
      const error = await errorOf(await proxy(post('session=ada', uploadUrl(input))));
      expect(error).toMatchObject({ status: 400, code: 'BAD_USER_INPUT' });
      expect(error.message).toContain(field);
    }
    expect(forwarded).toEqual([]);
  });
});

describe('createPlainProxy: a reply may carry exactly the attachment ids minted for its session', () => {
  it('forwards a reply with ids the same session minted', async () => {
    const { proxy, forwarded } = proxyWith();
    const ids = [await mint(proxy, 'session=ada'), await mint(proxy, 'session=ada')];
    const response = await proxy(post('session=ada', reply('th_ada', ids)));
    expect(response.status).toBe(200);
    expect(forwarded.at(-1)).toEqual({
      operationName: 'ReplyToThread',
      variables: {
        input: {
          threadId: 'th_ada',
          textContent: 'See attached',
          attachmentIds: ['att_1', 'att_2'],
          impersonation: { asCustomer: { customerIdentifier: { externalId: 'u_42' } } },
        },
      },
    });
  });

  it('refuses an id it never minted, or any reply that carries one, with nothing sent', async () => {
    const { proxy, forwarded } = proxyWith();
    const mine = await mint(proxy, 'session=ada');
    const sent = forwarded.length;
    for (const ids of [['att_someone_elses'], [mine, 'att_someone_elses']]) {
      const error = await errorOf(await proxy(post('session=ada', reply('th_ada', ids))));
      expect(error).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      expect(error.message).toMatch(/may not carry attachments/);
      expect(error.message).toContain('"att_someone_elses"');
      expect(error.message).not.toContain(`"${mine}"`);
    }
    expect(forwarded.length).toBe(sent);
  });

  it('refuses an id minted for another session, also on a thread both may reply to', async () => {
    const { proxy, forwarded } = proxyWith();
    const adas = await mint(proxy, 'session=ada');
    const sent = forwarded.length;
    const error = await errorOf(await proxy(post('session=grace', reply('th_ada', [adas]))));
    expect(error).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(forwarded.length).toBe(sent);
  });

  it('keys the memory by the grant’s session when it names one', async () => {
    const grant = (cookie: string | null): ProxyGrant => ({
      threads: ['th_ada'],
      impersonate: { customerId: 'c_42' },
      session: cookie ?? 'anonymous',
    });
    const { proxy, forwarded } = proxyWith({ authorize: (request) => grant(request.headers.get('cookie')) });
    const fromTab1 = await mint(proxy, 'sid=tab-1');
    const sent = forwarded.length;
    // The same customer in another session may not use it…
    expect((await errorOf(await proxy(post('sid=tab-2', reply('th_ada', [fromTab1]))))).status).toBe(403);
    expect(forwarded.length).toBe(sent);
    // …the session that minted it may.
    expect((await proxy(post('sid=tab-1', reply('th_ada', [fromTab1])))).status).toBe(200);
    expect(forwarded.at(-1)?.variables).toMatchObject({ input: { attachmentIds: [fromTab1] } });
  });

  it('refuses a session that is not a non-empty string as a misconfiguration', async () => {
    const { proxy, forwarded } = proxyWith({
      authorize: () => ({ threads: 'any', impersonate: { customerId: 'c_42' }, session: ' ' }),
    });
    const error = await errorOf(await proxy(post('', uploadUrl({ fileName: 'a.png', fileSizeBytes: 5 }))));
    expect(error).toMatchObject({ status: 500, code: 'INTERNAL_SERVER_ERROR' });
    expect(error.message).toMatch(/misconfigured: authorize\(\) returned a session/);
    expect(forwarded).toEqual([]);
  });

  it('does not remember an id when Plain refused the upload', async () => {
    let minted = 0;
    const up = upstream();
    const proxy = createPlainProxy({
      apiKey: KEY,
      apiUrl: PLAIN,
      authorize: () => ({ threads: 'any', impersonate: { customerId: 'c_42' } }),
      fetch: async (url, init) => {
        const { operationName } = JSON.parse(String(init?.body));
        if (operationName !== 'CreateAttachmentUploadUrl') return up.fetch(url, init);
        minted += 1;
        return Response.json({
          data: {
            createAttachmentUploadUrl: {
              attachmentUploadUrl: null,
              error: { message: 'No', type: 'VALIDATION', code: 'attachment_file_type_not_allowed', fields: [] },
            },
          },
        });
      },
    });
    const response = await proxy(post('', uploadUrl({ fileName: 'a.png', fileSizeBytes: 5 })));
    expect(JSON.stringify(await response.json())).toContain('attachment_file_type_not_allowed');
    expect(minted).toBe(1);
    expect((await proxy(post('', reply('th_ada', ['att_1'])))).status).toBe(403);
  });

  it('with allowAttachments, forwards any ids as before', async () => {
    const { proxy, forwarded } = proxyWith({
      authorize: () => ({ threads: 'any', impersonate: false, allowAttachments: true }),
    });
    expect((await proxy(post('', reply('th_x', ['att_anything'])))).status).toBe(200);
    expect(forwarded.at(-1)?.variables).toMatchObject({ input: { attachmentIds: ['att_anything'] } });
  });
});

describe('createPlainProxy: what it remembers of uploads is bounded', () => {
  it('forgets a minted id once rememberForMs has passed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { proxy, forwarded } = proxyWith();
    const id = await mint(proxy, 'session=ada');
    vi.setSystemTime(Date.now() + 3 * HOUR - 1);
    expect((await proxy(post('session=ada', reply('th_ada', [id])))).status).toBe(200);
    vi.setSystemTime(Date.now() + 1);
    const sent = forwarded.length;
    const error = await errorOf(await proxy(post('session=ada', reply('th_ada', [id]))));
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/within the last 180 minutes/);
    expect(forwarded.length).toBe(sent);
  });

  it('keeps at most idsPerSession ids per session, forgetting the oldest', async () => {
    const { proxy } = proxyWith({ uploadMemory: { idsPerSession: 2 } });
    const [first, second, third] = [
      await mint(proxy, 'session=ada'),
      await mint(proxy, 'session=ada'),
      await mint(proxy, 'session=ada'),
    ];
    expect((await proxy(post('session=ada', reply('th_ada', [first as string])))).status).toBe(403);
    expect((await proxy(post('session=ada', reply('th_ada', [second as string, third as string])))).status).toBe(200);
  });

  it('keeps at most `sessions` sessions, forgetting the least recently used', async () => {
    const grant = (cookie: string | null): ProxyGrant => ({
      threads: 'any',
      impersonate: { customerId: 'c_42' },
      session: cookie ?? '',
    });
    const { proxy } = proxyWith({
      uploadMemory: { sessions: 2 },
      authorize: (request) => grant(request.headers.get('cookie')),
    });
    const a = await mint(proxy, 's=a');
    const b = await mint(proxy, 's=b');
    // A is used again (a reply), so B is now the least recently used.
    expect((await proxy(post('s=a', reply('th_1', [a])))).status).toBe(200);
    const c = await mint(proxy, 's=c');
    expect((await proxy(post('s=b', reply('th_1', [b])))).status).toBe(403);
    expect((await proxy(post('s=a', reply('th_1', [a])))).status).toBe(200);
    expect((await proxy(post('s=c', reply('th_1', [c])))).status).toBe(200);
  });

  it('caps the customer lookups it remembers by the same bound, and looks a forgotten one up again', async () => {
    const { proxy, forwarded } = proxyWith({ uploadMemory: { sessions: 1 } });
    await mint(proxy, 'session=ada');
    await mint(proxy, 'session=grace');
    await mint(proxy, 'session=ada');
    expect(forwarded.map((f) => f.operationName)).toEqual([
      'GetCustomerByExternalId',
      'CreateAttachmentUploadUrl',
      'GetCustomerByExternalId',
      'CreateAttachmentUploadUrl',
      'GetCustomerByExternalId',
      'CreateAttachmentUploadUrl',
    ]);
  });

  it('refuses memory bounds and a size cap that are not whole numbers >= 1', () => {
    for (const extra of [
      { maxUploadBytes: 0 },
      { maxUploadBytes: 1.5 },
      { uploadMemory: { sessions: 0 } },
      { uploadMemory: { idsPerSession: Number.NaN } },
      { uploadMemory: { rememberForMs: -1 } },
    ]) {
      expect(() => proxyWith(extra)).toThrow(/must be a whole number >= 1/);
    }
    for (const uploadMemory of [{ sessions: Number.POSITIVE_INFINITY }, { idsPerSession: Number.POSITIVE_INFINITY }]) {
      expect(() => proxyWith({ uploadMemory })).toThrow(/must be finite/);
    }
  });
});

describe("the browser's PlainClient uploads through createPlainProxy (the fake Plain behind it)", () => {
  /** A key-less client whose requests to /api/plain reach the proxy; the upload form's POST goes to the fake's storage. */
  function browserSide(options: Partial<PlainProxyOptions> = {}) {
    const fake = createFakePlain();
    const ada = fake.addCustomer({ externalId: 'u_42' });
    const thread = fake.addThread({ channel: 'EMAIL', customer: ada.id });
    const proxy = createPlainProxy({
      apiKey: fake.apiKey,
      fetch: fake.fetch,
      authorize: () => ({ threads: [thread.id], impersonate: { externalId: 'u_42' } }),
      ...options,
    });
    const toBackend: string[] = [];
    const plain = new PlainClient({
      apiUrl: 'https://app.example.test/api/plain',
      maxRetries: 0,
      fetch: async (url, init) => {
        if (String(url) !== 'https://app.example.test/api/plain') return fake.fetch(url, init);
        const request = new Request(url, init);
        toBackend.push(await request.clone().text());
        return proxy(request);
      },
    });
    return { fake, ada, thread, plain, toBackend };
  }

  it('uploads with a threadId: the thread looked up, the type from its channel, the file to storage only', async () => {
    const { fake, ada, thread, plain, toBackend } = browserSide();
    const file = new TextEncoder().encode('%PDF-1.7 invoice');
    const uploaded = await plain.uploadAttachment({ threadId: thread.id, file, fileName: 'invoice.pdf' });
    expect(uploaded).toMatchObject({ ok: true, data: { fileName: 'invoice.pdf', sizeBytes: file.length } });
    if (!uploaded.ok) return;
    expect(toBackend.map((body) => JSON.parse(body).operationName)).toEqual(['GetThread', 'CreateAttachmentUploadUrl']);
    expect(toBackend.join('')).not.toContain('%PDF');
    expect(fake.uploads).toMatchObject([{ status: 204, attachmentId: uploaded.data.attachmentId }]);
    expect(fake.requests.find((r) => r.operationName === 'CreateAttachmentUploadUrl')?.variables).toEqual({
      input: { customerId: ada.id, fileName: 'invoice.pdf', fileSizeBytes: file.length, attachmentType: 'EMAIL' },
    });
    const replied = await plain.replyToThread({
      threadId: thread.id,
      textContent: 'The invoice',
      attachmentIds: [uploaded.data.attachmentId],
    });
    expect(replied.ok).toBe(true);
    expect(fake.messages(thread.id).at(-1)).toMatchObject({ attachmentIds: [uploaded.data.attachmentId] });
  });

  it('replies with files in one call (replyToThread with attachments): uploaded for the customer, then accepted', async () => {
    const { fake, ada, thread, plain, toBackend } = browserSide();
    const replied = await plain.replyToThread({
      threadId: thread.id,
      textContent: 'Two files',
      attachments: [
        { file: new TextEncoder().encode('first'), fileName: 'a.txt' },
        { file: new TextEncoder().encode('second'), fileName: 'b.txt' },
      ],
    });
    expect(replied.ok).toBe(true);
    const ids = fake.uploads.map((u) => u.attachmentId);
    expect(ids).toHaveLength(2);
    expect(fake.messages(thread.id).at(-1)).toMatchObject({
      text: 'Two files',
      author: { kind: 'customer', customerId: ada.id },
      attachmentIds: expect.arrayContaining(ids),
    });
    const names = toBackend.map((body) => JSON.parse(body).operationName);
    expect(names.filter((n) => n === 'CreateAttachmentUploadUrl')).toHaveLength(2);
    expect(names.at(-1)).toBe('ReplyToThread');
  });

  it("reports the proxy's size cap as attachment_rejected, too_large, with nothing sent to Plain", async () => {
    const { fake, thread, plain } = browserSide({ maxUploadBytes: 10 });
    const uploaded = await plain.uploadAttachment({
      threadId: thread.id,
      file: new Uint8Array(11),
      fileName: 'big.png',
    });
    expect(uploaded).toMatchObject({
      ok: false,
      error: { kind: 'attachment_rejected', reason: 'too_large', code: 'attachment_file_size_too_large' },
    });
    if (uploaded.ok) return;
    expect(uploaded.error.message).toMatch(/Refused by the proxy: the file is 11 bytes; .* at most 10 bytes/);
    expect(fake.requests.map((r) => r.operationName)).toEqual(['GetThread']);
    expect(fake.uploads).toEqual([]);
  });
});
