import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type Customer,
  type MachineUser,
  PlainClient,
  type Result,
  type Thread,
  type ThreadPage,
} from '../src/index.js';
import { createFakePlain } from '../src/testing/index.js';
import { type SentRequest, scriptedPlain, serverError, threadSummary } from './scripted-plain.js';

const client = (fetch: typeof globalThis.fetch) => new PlainClient({ apiKey: 'plainApiKey_test_0123456789', fetch });
const customer = {
  id: 'c_1',
  externalId: 'user-42',
  fullName: 'Ada Lovelace',
  shortName: 'Ada',
  email: { email: 'ada@example.com', isVerified: true },
};

describe('getThreadByExternalId', () => {
  it('sends GetThreadByExternalId with both ids and resolves with the thread', async () => {
    const thread = threadSummary('th_1');
    const plain = scriptedPlain({ GetThreadByExternalId: { body: { data: { threadByExternalId: thread } } } });
    const result = await client(plain.fetch).getThreadByExternalId({ customerId: 'c_1', externalId: 'order-7' });
    expect(result).toEqual({ ok: true, data: thread, requestId: 'req-1', rateLimit: undefined });
    expect(plain.requests).toMatchObject([
      { operationName: 'GetThreadByExternalId', variables: { customerId: 'c_1', externalId: 'order-7' } },
    ]);
    expect(plain.schemaProblems).toEqual([]);
  });

  it("Plain's null is thread_not_found", async () => {
    const plain = scriptedPlain({ GetThreadByExternalId: { body: { data: { threadByExternalId: null } } } });
    const result = await client(plain.fetch).getThreadByExternalId({ customerId: 'c_1', externalId: 'order-7' });
    expect(result.error).toMatchObject({ kind: 'thread_not_found', attempts: 1 });
    expect(result.error!.message).toContain('order-7');
  });

  it.each([
    [{ customerId: 'c_1' }, 'externalId'],
    [{ externalId: 'x', customerId: ' ' }, 'customerId'],
    [undefined, '(input)'],
  ])('refuses %j at %s, nothing sent', async (input, path) => {
    const plain = scriptedPlain({});
    const result = await client(plain.fetch).getThreadByExternalId(input as never);
    expect(result.error).toMatchObject({ kind: 'invalid_input', issues: [{ path }] });
    expect(plain.requests).toEqual([]);
  });

  it('is retried after a 500, like every lookup', async () => {
    const plain = scriptedPlain({
      GetThreadByExternalId: [serverError, { body: { data: { threadByExternalId: threadSummary('th_1') } } }],
    });
    const result = await client(plain.fetch).getThreadByExternalId({ customerId: 'c_1', externalId: 'order-7' });
    expect(result.ok).toBe(true);
    expect(plain.requests).toHaveLength(2);
  });
});

describe('getCustomer by exactly one of its ids', () => {
  const answer = (request: SentRequest) => {
    const field = {
      GetCustomer: 'customer',
      GetCustomerByEmail: 'customerByEmail',
      GetCustomerByExternalId: 'customerByExternalId',
    }[request.operationName]!;
    return { body: { data: { [field]: customer } } };
  };
  it.each([
    [{ customerId: 'c_1' }, 'GetCustomer'],
    [{ email: 'ada@example.com' }, 'GetCustomerByEmail'],
    [{ externalId: 'user-42' }, 'GetCustomerByExternalId'],
  ] as const)('%j sends %s', async (input, operationName) => {
    const plain = scriptedPlain({ GetCustomer: answer, GetCustomerByEmail: answer, GetCustomerByExternalId: answer });
    const result = await client(plain.fetch).getCustomer(input);
    expect(result).toEqual({ ok: true, data: customer, requestId: 'req-1', rateLimit: undefined });
    expect(plain.requests).toMatchObject([{ operationName, variables: input }]);
    expect(plain.schemaProblems).toEqual([]);
  });

  it('no such customer is data: null', async () => {
    const plain = scriptedPlain({ GetCustomerByEmail: { body: { data: { customerByEmail: null } } } });
    expect(await client(plain.fetch).getCustomer({ email: 'nobody@example.com' })).toMatchObject({
      ok: true,
      data: null,
    });
  });

  it.each([[{}], [{ customerId: 'c_1', email: 'ada@example.com' }], [{ email: '' }]])(
    'refuses %j, nothing sent',
    async (input) => {
      const plain = scriptedPlain({});
      const result = await client(plain.fetch).getCustomer(input as never);
      expect(result.error).toMatchObject({ kind: 'invalid_input' });
      expect(plain.requests).toEqual([]);
    },
  );
});

describe('listThreads and threadPages', () => {
  const page = (ids: string[], endCursor: string | null, hasNextPage: boolean) => ({
    body: {
      data: {
        threads: {
          edges: ids.map((id) => ({ cursor: `cur-${id}`, node: threadSummary(id) })),
          pageInfo: { hasNextPage, endCursor },
        },
      },
    },
  });

  it("sends Plain's ThreadsFilter, first and after, and resolves with a page and its cursor", async () => {
    const plain = scriptedPlain({ ListThreads: page(['th_1', 'th_2'], 'cur-th_2', true) });
    const filters = { customerIds: ['c_1'], statuses: ['TODO' as const] };
    const result = await client(plain.fetch).listThreads({ filters, first: 2, after: 'cur-0' });
    expect(result).toEqual({
      ok: true,
      data: {
        threads: [threadSummary('th_1'), threadSummary('th_2')],
        pageInfo: { hasNextPage: true, endCursor: 'cur-th_2' },
      },
      requestId: 'req-1',
      rateLimit: undefined,
    });
    expect(plain.requests).toMatchObject([
      { operationName: 'ListThreads', variables: { filters, first: 2, after: 'cur-0' } },
    ]);
    expect(plain.schemaProblems).toEqual([]);
  });

  it.each([
    [{ first: 0 }, 'first'],
    [{ first: 2.5 }, 'first'],
    [{ filters: 'TODO' }, 'filters'],
    [{ after: '' }, 'after'],
    [undefined, '(input)'],
  ])('refuses %j at %s, nothing sent', async (input, path) => {
    const plain = scriptedPlain({});
    const result = await client(plain.fetch).listThreads(input as never);
    expect(result.error).toMatchObject({ kind: 'invalid_input', issues: [{ path }] });
    expect(plain.requests).toEqual([]);
  });

  it('threadPages walks every page with the cursor of the one before, then stops', async () => {
    const plain = scriptedPlain({
      ListThreads: [page(['th_1'], 'a', true), page(['th_2'], 'b', true), page(['th_3'], 'c', false)],
    });
    const ids: string[] = [];
    for await (const result of client(plain.fetch).threadPages({ first: 1 })) {
      expect(result.ok).toBe(true);
      if (result.ok) ids.push(...result.data.threads.map((t) => t.id));
    }
    expect(ids).toEqual(['th_1', 'th_2', 'th_3']);
    expect(plain.requests.map((r) => r.variables.after)).toEqual([null, 'a', 'b']);
  });

  it('threadPages yields a failed page and ends there', async () => {
    const unauthenticated = {
      status: 401,
      body: { errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED' } }] },
    };
    const plain = scriptedPlain({ ListThreads: [page(['th_1'], 'a', true), unauthenticated] });
    const kinds: string[] = [];
    for await (const result of client(plain.fetch).threadPages()) kinds.push(result.ok ? 'page' : result.error.kind);
    expect(kinds).toEqual(['page', 'unauthenticated']);
  });

  it('a reply after listThreads needs no lookup: every listed thread feeds the thread cache', async () => {
    const fake = createFakePlain();
    const listed = [fake.addThread({ channel: 'CHAT' }), fake.addThread({ channel: 'SLACK' })];
    // The fake answers replies; the listing comes from a script holding the fake's threads.
    const listing = scriptedPlain({
      ListThreads: {
        body: {
          data: {
            threads: {
              edges: listed.map((t) => ({ cursor: t.id, node: { ...t, customer: { id: t.customerId } } })),
              pageInfo: { hasNextPage: false, endCursor: null },
            },
          },
        },
      },
    });
    const fetch = (url: RequestInfo | URL, init?: RequestInit) =>
      String(init?.body).includes('"operationName":"ListThreads"') ? listing.fetch(url, init) : fake.fetch(url, init);
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch });

    expect((await plain.listThreads({ filters: { statuses: ['TODO'] } })).ok).toBe(true);
    const replies = await Promise.all(listed.map((t) => plain.replyToThread({ threadId: t.id, textContent: 'On it' })));

    expect(replies.map((r) => r.ok && r.data.channel)).toEqual(['CHAT', 'SLACK']);
    expect(fake.requests.map((r) => r.operationName)).toEqual(['ReplyToThread', 'ReplyToThread']);
    expect(listing.requests).toHaveLength(1);
  });
});

describe('getMyMachineUser', () => {
  it('sends GetMyMachineUser and resolves with the machine user', async () => {
    const me = { id: 'mu_1', fullName: 'Support bot', publicName: 'Bot' };
    const plain = scriptedPlain({ GetMyMachineUser: { body: { data: { myMachineUser: me } } } });
    expect(await client(plain.fetch).getMyMachineUser()).toEqual({
      ok: true,
      data: me,
      requestId: 'req-1',
      rateLimit: undefined,
    });
    expect(plain.requests).toMatchObject([{ operationName: 'GetMyMachineUser', variables: {} }]);
    expect(plain.schemaProblems).toEqual([]);
  });

  it('a key that is not a machine user gets data: null', async () => {
    const plain = scriptedPlain({ GetMyMachineUser: { body: { data: { myMachineUser: null } } } });
    expect(await client(plain.fetch).getMyMachineUser()).toMatchObject({ ok: true, data: null });
  });
});

describe('types', () => {
  it('each lookup resolves to its Result', () => {
    const plain = client(scriptedPlain({}).fetch);
    expectTypeOf(plain.getThreadByExternalId).returns.resolves.toMatchTypeOf<Result<Thread>>();
    expectTypeOf(plain.getCustomer).returns.resolves.toEqualTypeOf<Result<Customer | null>>();
    expectTypeOf(plain.listThreads).returns.resolves.toEqualTypeOf<Result<ThreadPage>>();
    expectTypeOf(plain.getMyMachineUser).returns.resolves.toEqualTypeOf<Result<MachineUser | null>>();
    // @ts-expect-error: one id, not two
    void plain.getCustomer({ customerId: 'c_1', email: 'ada@example.com' });
  });
});
