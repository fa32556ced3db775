import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse, print } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { GetThreadByRefDocument, GetThreadDocument, ReplyToThreadDocument } from '../src/generated/graphql.js';
import { PlainClient } from '../src/index.js';
import { createPlainProxy, type PlainProxyOptions, type ProxyDecision, toNodeHandler } from '../src/proxy/index.js';
import { createFakePlain } from '../src/testing/index.js';

const KEY = 'plainApiKey_proxy_test_0123456789';
const PLAIN = 'https://plain.example.test/graphql/v1';
const folded = (document: unknown) => String(document).replace(/\s+/g, ' ').trim();
/** The document laid out as a person writes it (`customer { id }`), on one line. */
const laidOut = (document: unknown) => folded(print(parse(String(document))));
const THREADS: Record<string, { id: string; ref: string; channel: string }> = {
  th_mine: { id: 'th_mine', ref: 'T-1', channel: 'CHAT' },
  th_other: { id: 'th_other', ref: 'T-2', channel: 'EMAIL' },
};

interface Forwarded {
  url: string;
  headers: Headers;
  body: { query: string; variables: Record<string, unknown>; operationName: string };
}

/** Stands in for Plain behind the proxy: records what the proxy forwarded and answers like Plain. */
function upstream(answer?: (request: Forwarded) => Response | Promise<Response>) {
  const forwarded: Forwarded[] = [];
  const fetch = async (url: URL | RequestInfo, init?: RequestInit) => {
    const request: Forwarded = {
      url: String(url),
      headers: new Headers(init?.headers),
      body: JSON.parse(String(init?.body)),
    };
    forwarded.push(request);
    if (answer) return answer(request);
    const { operationName, variables } = request.body;
    if (operationName === 'GetThread')
      return Response.json({ data: { thread: thread(THREADS[String(variables.threadId)]) } });
    if (operationName === 'GetThreadByRef') {
      return Response.json({
        data: { threadByRef: thread(Object.values(THREADS).find((t) => t.ref === variables.ref)) },
      });
    }
    return Response.json({ data: { replyToThread: { error: null } } }, { headers: { 'apigw-requestid': 'req-1' } });
  };
  return { forwarded, fetch: fetch as typeof globalThis.fetch };
}

const thread = (t: { id: string; ref: string; channel: string } | undefined) =>
  t ? { ...t, title: 'Help', status: 'TODO', customer: { id: 'c_1' } } : null;

/** The portal's rule: logged in as user u_42, who owns th_mine only. */
const portal: PlainProxyOptions['authorize'] = (request) =>
  request.headers.get('cookie') === 'session=u_42'
    ? { threads: ['th_mine'], impersonate: { externalId: 'u_42' } }
    : false;

function proxyWith(
  authorize: PlainProxyOptions['authorize'] = portal,
  answer?: Parameters<typeof upstream>[0],
  extra: Partial<PlainProxyOptions> = {},
) {
  const up = upstream(answer);
  const proxy = createPlainProxy({ apiKey: KEY, apiUrl: PLAIN, authorize, fetch: up.fetch, ...extra });
  return { ...up, proxy };
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  new Request('https://app.example.test/api/plain', {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: 'session=u_42', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const reply = (input: Record<string, unknown>) => ({
  query: folded(ReplyToThreadDocument),
  variables: { input },
  operationName: 'ReplyToThread',
});

async function errorOf(response: Response) {
  const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
  return { status: response.status, code: body.errors[0]?.extensions.code, message: body.errors[0]?.message ?? '' };
}

describe('createPlainProxy: what it forwards', () => {
  it("forwards GetThread with the key added server-side and the browser's Authorization and cookie dropped", async () => {
    const { proxy, forwarded } = proxyWith();
    const response = await proxy(
      post(
        { query: folded(GetThreadDocument), variables: { threadId: 'th_mine' }, operationName: 'GetThread' },
        {
          authorization: 'Bearer browser-made-this-up',
          'plain-sdk': 'plain-client/0.1.0',
          'plain-sdk-version': '0.1.0',
          'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)',
          'x-other': '1',
        },
      ),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { thread: { id: 'th_mine', channel: 'CHAT' } } });
    expect(forwarded).toHaveLength(1);
    const [out] = forwarded;
    expect(out?.url).toBe(PLAIN);
    expect(out?.headers.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(out?.headers.get('cookie')).toBeNull();
    expect(out?.headers.get('x-other')).toBeNull();
    expect(out?.headers.get('plain-sdk')).toBeNull();
    expect(out?.headers.get('plain-sdk-version')).toBeNull();
    expect(out?.headers.get('user-agent')).toBe('plain-client/0.1.0');
    expect(out?.headers.get('accept')).toBeNull();
    expect(out?.body).toEqual({
      query: folded(GetThreadDocument),
      variables: { threadId: 'th_mine' },
      operationName: 'GetThread',
    });
  });

  it('recognises the query texts a page built with plain-client 0.1.0 sends (pretty-printed documents, folded)', async () => {
    // 0.1.0 sent codegen's pretty-printed documents with whitespace folded; this version sends them compact. A backend
    // upgraded before its pages must still forward those pages' lookups and replies.
    const sent010 = {
      GetThread:
        'query GetThread($threadId: ID!) { thread(threadId: $threadId) { ...ThreadSummary } } fragment ThreadSummary on Thread { id ref title channel status customer { id } }',
      GetThreadByRef:
        'query GetThreadByRef($ref: String!) { threadByRef(ref: $ref) { ...ThreadSummary } } fragment ThreadSummary on Thread { id ref title channel status customer { id } }',
      ReplyToThread:
        'mutation ReplyToThread($input: ReplyToThreadInput!) { replyToThread(input: $input) { error { ...MutationErrorParts } } } fragment MutationErrorParts on MutationError { message type code fields { field message type } }',
    };
    const { proxy, forwarded } = proxyWith();
    const variables = {
      GetThread: { threadId: 'th_mine' },
      GetThreadByRef: { ref: 'T-1' },
      ReplyToThread: { input: { threadId: 'th_mine', textContent: 'Hi' } },
    };
    for (const [name, query] of Object.entries(sent010)) {
      const response = await proxy(post({ query, variables: variables[name as keyof typeof variables] }));
      expect(response.status, name).toBe(200);
      expect(forwarded.at(-1)?.body.operationName).toBe(name);
    }
    expect(forwarded.map((f) => f.body.query)).toEqual([
      folded(GetThreadDocument),
      folded(GetThreadByRefDocument),
      folded(ReplyToThreadDocument),
    ]);
  });

  it('recognises our documents however their whitespace is laid out, and forwards its own copy', async () => {
    const { proxy, forwarded } = proxyWith();
    const response = await proxy(post({ query: String(GetThreadByRefDocument), variables: { ref: 'T-1' } }));
    expect(response.status).toBe(200);
    expect(forwarded[0]?.body).toEqual({
      query: folded(GetThreadByRefDocument),
      variables: { ref: 'T-1' },
      operationName: 'GetThreadByRef',
    });
  });

  it('forces the impersonation authorize chose, whatever the browser asked for', async () => {
    const { proxy, forwarded } = proxyWith();
    const response = await proxy(
      post(
        reply({
          threadId: 'th_mine',
          textContent: 'Hi',
          impersonation: { asCustomer: { customerIdentifier: { emailAddress: 'someone.else@example.test' } } },
          notAField: 'dropped',
        }),
      ),
    );
    expect(response.status).toBe(200);
    expect(forwarded[0]?.body.variables).toEqual({
      input: {
        threadId: 'th_mine',
        textContent: 'Hi',
        impersonation: { asCustomer: { customerIdentifier: { externalId: 'u_42' } } },
      },
    });
  });

  it("with impersonate: false, drops the browser's impersonation and replies as the machine user", async () => {
    const { proxy, forwarded } = proxyWith(() => ({ threads: 'any', impersonate: false }));
    await proxy(
      post(
        reply({
          threadId: 'th_other',
          textContent: 'Hi',
          impersonation: { asCustomer: { customerIdentifier: { customerId: 'c_9' } } },
        }),
      ),
    );
    expect(forwarded[0]?.body.variables).toEqual({ input: { threadId: 'th_other', textContent: 'Hi' } });
  });

  it('gives authorize the operation with checked variables', async () => {
    const seen: unknown[] = [];
    const { proxy } = proxyWith((_request, operation) => {
      seen.push(operation);
      return { threads: 'any', impersonate: { customerId: 'c_1' } };
    });
    await proxy(post(reply({ threadId: 'th_mine', textContent: 'Hi', markdownContent: '**Hi**' })));
    expect(seen).toEqual([
      {
        name: 'ReplyToThread',
        variables: { input: { threadId: 'th_mine', textContent: 'Hi', markdownContent: '**Hi**' } },
      },
    ]);
  });
});

describe('createPlainProxy: what it refuses', () => {
  const refusedWithNothingSent = async (request: Request, status: number, code: string, authorize = portal) => {
    const { proxy, forwarded } = proxyWith(authorize);
    const error = await errorOf(await proxy(request));
    expect(error).toMatchObject({ status, code });
    expect(forwarded).toHaveLength(0);
    return error;
  };

  it('refuses a document that is not one of ours, with a clear 400', async () => {
    const error = await refusedWithNothingSent(
      post({ query: 'query { workspace { id name } }' }),
      400,
      'OPERATION_NOT_ALLOWED',
    );
    expect(error.message).toMatch(
      /only plain-client's own operations \(GetThread, GetThreadByRef, ReplyToThread, GetTimeline, CreateAttachmentUploadUrl\)/,
    );
  });

  it('refuses another query sent under operationName "ReplyToThread"', async () => {
    const query =
      'mutation ReplyToThread($input: ReplyToThreadInput!) { replyToThread(input: $input) { error { message } } deleteCustomer(input: { customerId: "c_1" }) { error { message } } }';
    await refusedWithNothingSent(
      post({ query, variables: { input: { threadId: 'th_mine', textContent: 'x' } }, operationName: 'ReplyToThread' }),
      400,
      'OPERATION_NOT_ALLOWED',
    );
  });

  it('refuses our document with a comment or an extra selection added', async () => {
    await refusedWithNothingSent(
      post({ query: `${folded(GetThreadDocument)} # hi`, variables: { threadId: 'th_mine' } }),
      400,
      'OPERATION_NOT_ALLOWED',
    );
    const widened = laidOut(GetThreadDocument).replace('customer { id }', 'customer { id email { email } }');
    await refusedWithNothingSent(
      post({ query: widened, variables: { threadId: 'th_mine' } }),
      400,
      'OPERATION_NOT_ALLOWED',
    );
  });

  it('refuses an operationName that does not match the query', async () => {
    const error = await refusedWithNothingSent(
      post({ query: folded(GetThreadDocument), variables: { threadId: 'th_mine' }, operationName: 'ReplyToThread' }),
      400,
      'OPERATION_NOT_ALLOWED',
    );
    expect(error.message).toBe('operationName "ReplyToThread" does not match the query, which is GetThread.');
  });

  it('refuses bad variables, naming the field', async () => {
    const error = await refusedWithNothingSent(
      post(reply({ threadId: 'th_mine', textContent: '  ' })),
      400,
      'BAD_USER_INPUT',
    );
    expect(error.message).toBe('Invalid ReplyToThread input: input.textContent: must not be empty.');
    await refusedWithNothingSent(post({ query: folded(GetThreadDocument), variables: {} }), 400, 'BAD_USER_INPUT');
  });

  it('answers 403 when authorize says no', async () => {
    const request = post(
      { query: folded(GetThreadDocument), variables: { threadId: 'th_mine' } },
      { cookie: 'session=nobody' },
    );
    await refusedWithNothingSent(request, 403, 'FORBIDDEN');
  });

  it('answers 403 for a thread id authorize did not allow, and no thread for a ref it did not allow', async () => {
    await refusedWithNothingSent(
      post({ query: folded(GetThreadDocument), variables: { threadId: 'th_other' } }),
      403,
      'FORBIDDEN',
    );
    await refusedWithNothingSent(post(reply({ threadId: 'th_other', textContent: 'Hi' })), 403, 'FORBIDDEN');
    const byCheck = () => ({
      threads: (id: string) => Promise.resolve(id.endsWith('_mine')),
      impersonate: false as const,
    });
    await refusedWithNothingSent(post(reply({ threadId: 'th_other', textContent: 'Hi' })), 403, 'FORBIDDEN', byCheck);

    // A ref names its thread only in Plain's answer: that answer is withheld, and the browser hears "no such ref".
    const { proxy, forwarded } = proxyWith();
    const response = await proxy(post({ query: folded(GetThreadByRefDocument), variables: { ref: 'T-2' } }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"data":{"threadByRef":null}}');
    expect(forwarded).toHaveLength(1);
  });

  it('refuses Cc and Bcc unless authorize allows them', async () => {
    const withCc = reply({
      threadId: 'th_mine',
      textContent: 'Hi',
      channelSpecificOptions: { email: { hiddenRecipients: [{ email: 'victim@example.test' }] } },
    });
    const error = await refusedWithNothingSent(post(withCc), 403, 'FORBIDDEN');
    expect(error.message).toMatch(/may not add Cc or Bcc/);

    const { proxy, forwarded } = proxyWith(() => ({ threads: 'any', impersonate: false, allowCcBcc: true }));
    expect((await proxy(post(withCc))).status).toBe(200);
    expect(forwarded[0]?.body.variables).toMatchObject({
      input: { channelSpecificOptions: { email: { hiddenRecipients: [{ email: 'victim@example.test' }] } } },
    });
  });

  it('refuses attachmentIds unless authorize allows them', async () => {
    const withFile = reply({ threadId: 'th_mine', textContent: 'Hi', attachmentIds: ['att_of_someone_else'] });
    const error = await refusedWithNothingSent(post(withFile), 403, 'FORBIDDEN');
    expect(error.message).toMatch(/may not carry attachments/);

    const { proxy, forwarded } = proxyWith(() => ({ threads: 'any', impersonate: false, allowAttachments: true }));
    expect((await proxy(post(withFile))).status).toBe(200);
    expect(forwarded[0]?.body.variables).toMatchObject({ input: { attachmentIds: ['att_of_someone_else'] } });
  });

  it('checks its numeric options, and an unbounded timeout means none', async () => {
    expect(() => createPlainProxy({ apiKey: 'plainApiKey_x', authorize: () => false, timeoutMs: 0 })).toThrow(
      /timeoutMs must be a whole number >= 1/,
    );
    expect(() => createPlainProxy({ apiKey: 'plainApiKey_x', authorize: () => false, timeoutMs: 1.5 })).toThrow(
      /timeoutMs must be a whole number >= 1/,
    );
    expect(() => createPlainProxy({ apiKey: 'plainApiKey_x', authorize: () => false, maxBodyBytes: 100.5 })).toThrow(
      /maxBodyBytes must be a whole number >= 1/,
    );
    const { proxy } = proxyWith(() => ({ threads: 'any', impersonate: false }), undefined, { timeoutMs: Infinity });
    expect((await proxy(post({ query: folded(GetThreadDocument), variables: { threadId: 'th_mine' } }))).status).toBe(
      200,
    );
  });

  it('passes a Response from authorize through as it is', async () => {
    const { proxy, forwarded } = proxyWith(() => new Response('log in first', { status: 401 }));
    const response = await proxy(post({ query: folded(GetThreadDocument), variables: { threadId: 'th_mine' } }));
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('log in first');
    expect(forwarded).toHaveLength(0);
  });

  it('answers 500 without details when authorize throws', async () => {
    const { proxy, forwarded } = proxyWith(() => {
      throw new Error('session store down for user u_42');
    });
    const response = await proxy(post({ query: folded(GetThreadDocument), variables: { threadId: 'th_mine' } }));
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(text).not.toContain('u_42');
    expect(forwarded).toHaveLength(0);
  });

  it('fails closed when authorize forgets to say which threads, or who a reply is sent as', async () => {
    const noThreads = (() => ({ impersonate: false })) as unknown as PlainProxyOptions['authorize'];
    let error = await refusedWithNothingSent(
      post({ query: folded(GetThreadDocument), variables: { threadId: 'th_mine' } }),
      500,
      'INTERNAL_SERVER_ERROR',
      noThreads,
    );
    expect(error.message).toMatch(/must say which threads are allowed/);
    error = await refusedWithNothingSent(
      post(reply({ threadId: 'th_mine', textContent: 'Hi' })),
      500,
      'INTERNAL_SERVER_ERROR',
      () => ({ threads: 'any' }),
    );
    expect(error.message).toMatch(/must set impersonate/);
    const undefinedUser = (() => ({
      threads: 'any',
      impersonate: { externalId: undefined },
    })) as unknown as PlainProxyOptions['authorize'];
    error = await refusedWithNothingSent(
      post(reply({ threadId: 'th_mine', textContent: 'Hi' })),
      500,
      'INTERNAL_SERVER_ERROR',
      undefinedUser,
    );
    expect(error.message).toMatch(/impersonate that is not exactly one of/);
  });

  it('accepts only POST, JSON, one request, within the size limit', async () => {
    const { proxy, forwarded } = proxyWith(portal, undefined, { maxBodyBytes: 100 });
    const url = 'https://app.example.test/api/plain';
    const get = await proxy(new Request(url));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    // A cross-site <form> can send text/plain without a preflight: refused.
    const form = await proxy(
      new Request(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }),
    );
    expect(form.status).toBe(415);
    expect((await errorOf(await proxy(post('{not json')))).status).toBe(400);
    expect((await errorOf(await proxy(post([{ query: 'q' }])))).code).toBe('BAD_REQUEST');
    expect((await errorOf(await proxy(post({ query: 'x'.repeat(200) })))).code).toBe('PAYLOAD_TOO_LARGE');
    expect(forwarded).toHaveLength(0);
  });
});

describe('createPlainProxy: the key never goes back', () => {
  it('redacts the key from a body and headers that echo it, and drops other headers', async () => {
    const { proxy } = proxyWith(portal, () =>
      Response.json(
        { errors: [{ message: `Unknown key "Bearer ${KEY}"`, extensions: { code: 'UNAUTHENTICATED' } }] },
        {
          status: 401,
          headers: { 'apigw-requestid': `id-${KEY}`, 'set-cookie': 'plain=1', 'x-ratelimit-remaining': '9' },
        },
      ),
    );
    const response = await proxy(post({ query: folded(GetThreadDocument), variables: { threadId: 'th_mine' } }));
    const text = await response.text();
    expect(response.status).toBe(401);
    expect(text).not.toContain(KEY);
    expect(text).toContain('[redacted]');
    expect(response.headers.get('apigw-requestid')).toBe('id-[redacted]');
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.headers.get('x-ratelimit-remaining')).toBe('9');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 502 with a fixed message when Plain cannot be reached', async () => {
    const { proxy } = proxyWith(portal, () => {
      throw new TypeError(`fetch failed for Bearer ${KEY}`);
    });
    const response = await proxy(post({ query: folded(GetThreadDocument), variables: { threadId: 'th_mine' } }));
    const text = await response.text();
    expect(response.status).toBe(502);
    expect(text).not.toContain(KEY);
    expect(JSON.parse(text)).toEqual({
      errors: [{ message: 'The proxy could not reach Plain.', extensions: { code: 'BAD_GATEWAY' } }],
    });
  });

  it('answers 504 when Plain does not answer in time', async () => {
    const never = (request: Forwarded) => new Promise<Response>(() => void request);
    const up = upstream(never);
    const proxy = createPlainProxy({
      apiKey: KEY,
      apiUrl: PLAIN,
      authorize: portal,
      timeoutMs: 1,
      fetch: (url, init) =>
        new Promise((_resolve, reject) => {
          void up.fetch(url, init);
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    });
    const response = await proxy(post({ query: folded(GetThreadDocument), variables: { threadId: 'th_mine' } }));
    expect(await errorOf(response)).toMatchObject({ status: 504, code: 'GATEWAY_TIMEOUT' });
  });

  it('does not put the key in its own construction errors', () => {
    expect(() => createPlainProxy({ apiKey: `${KEY} x`, authorize: portal })).toThrow(
      /apiKey must be a non-empty string/,
    );
    try {
      createPlainProxy({ apiKey: `${KEY} x`, authorize: portal });
    } catch (error) {
      expect(String(error)).not.toContain(KEY);
    }
  });
});

describe('PlainClient in a browser, through the proxy', () => {
  const client = (proxy: (request: Request) => Promise<Response>, cookie = 'session=u_42') =>
    new PlainClient({
      apiUrl: 'https://app.example.test/api/plain',
      headers: { cookie },
      maxRetries: 0,
      fetch: (url, init) => proxy(new Request(url, init)),
    });

  it('replies as the customer authorize forced, with the key added only by the proxy', async () => {
    const { proxy, forwarded } = proxyWith();
    const result = await client(proxy).replyToThread({ threadId: 'th_mine', textContent: 'Hello' });
    expect(result).toMatchObject({ ok: true, data: { threadId: 'th_mine', channel: 'CHAT' }, requestId: 'req-1' });
    expect(forwarded.map((f) => f.body.operationName)).toEqual(['GetThread', 'ReplyToThread']);
    expect(forwarded[1]?.body.variables).toEqual({
      input: {
        threadId: 'th_mine',
        textContent: 'Hello',
        impersonation: { asCustomer: { customerIdentifier: { externalId: 'u_42' } } },
      },
    });
  });

  it("reports a refused thread as forbidden, with the proxy's message", async () => {
    const { proxy } = proxyWith();
    const result = await client(proxy).replyToThread({ threadId: 'th_other', textContent: 'Hello' });
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ kind: 'forbidden', status: 403 });
    expect(result.error?.message).toMatch(/Refused by the proxy: this thread is not one you may use/);
  });

  it('finds a thread by ref through the proxy', async () => {
    const { proxy } = proxyWith();
    const result = await client(proxy).getThreadByRef('T-1');
    expect(result).toMatchObject({ ok: true, data: { id: 'th_mine' } });
  });
});

describe('toNodeHandler', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('serves the proxy from a Node http server on 127.0.0.1', async () => {
    const { proxy, forwarded } = proxyWith();
    const server = createServer(toNodeHandler(proxy));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => new Promise((resolve) => server.close(() => resolve()));
    const { port } = server.address() as AddressInfo;

    const plain = new PlainClient({
      apiUrl: `http://127.0.0.1:${port}/api/plain`,
      headers: { cookie: 'session=u_42' },
      maxRetries: 0,
    });
    const result = await plain.replyToThread({ threadId: 'th_mine', textContent: 'Over real HTTP' });
    expect(result).toMatchObject({ ok: true, requestId: 'req-1' });
    expect(forwarded[1]?.body.variables).toMatchObject({
      input: {
        textContent: 'Over real HTTP',
        impersonation: { asCustomer: { customerIdentifier: { externalId: 'u_42' } } },
      },
    });

    const refused = await fetch(`http://127.0.0.1:${port}/api/plain`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'session=u_42' },
      body: JSON.stringify({ query: 'query { viewer { id } }' }),
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
      'OPERATION_NOT_ALLOWED',
    );
  });

  it('stops reading a body over the limit', async () => {
    const { proxy } = proxyWith(portal, undefined, { maxBodyBytes: 1000 });
    const server = createServer(toNodeHandler(proxy));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => new Promise((resolve) => server.close(() => resolve()));
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'x'.repeat(100_000) }),
    });
    expect(response.status).toBe(413);
  });
});

// Keeps the ProxyDecision type honest for the README's examples.
const _examples: ProxyDecision[] = [
  false,
  { threads: 'any', impersonate: false },
  { threads: ['th_1'], impersonate: { externalId: 'u_1' } },
];
void _examples;

describe('with the fake Plain (docs/frontend.md, "Testing your route")', () => {
  it('replies as the pinned customer, and reports a 401 from authorize as unauthenticated', async () => {
    const fake = createFakePlain();
    const customer = fake.addCustomer({ externalId: 'user-42' });
    const thread = fake.addThread({ channel: 'CHAT', customer: customer.id });
    let loggedIn = true;
    const proxy = createPlainProxy({
      apiKey: fake.apiKey,
      fetch: fake.fetch,
      authorize: () =>
        loggedIn
          ? { threads: [thread.id], impersonate: { externalId: 'user-42' } }
          : Response.json({ errors: [{ message: 'Log in first.' }] }, { status: 401 }),
    });
    const browserClient = new PlainClient({
      apiUrl: 'https://app.test/api/plain',
      fetch: (url, init) => proxy(new Request(url, init)),
    });

    const result = await browserClient.replyToThread({ threadId: thread.id, textContent: 'Hi' });
    expect(result.ok).toBe(true);
    expect(fake.messages(thread.id)).toMatchObject([
      { text: 'Hi', author: { kind: 'customer', customerId: customer.id } },
    ]);
    expect(fake.requests.every((r) => r.headers.authorization === `Bearer ${fake.apiKey}`)).toBe(true);

    loggedIn = false;
    const refused = await browserClient.getThread(thread.id);
    expect(refused.error).toMatchObject({ kind: 'unauthenticated', status: 401 });
    expect(refused.error?.message).toMatch(/Log in first/);
  });
});
