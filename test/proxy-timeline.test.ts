// The proxy serving a thread's timeline to a customer's browser: authorized per thread like GetThread, sent to Plain
// with the proxy's own document (its filter fixed to customer-visible messages), and answered with the customer view
// only, whatever the browser sends and whatever comes back.
import { Kind, parse, print, type SelectionSetNode, visit } from 'graphql';
import { beforeEach, describe, expect, it } from 'vitest';
import { GetCustomerTimelineDocument } from '../src/generated/customer-timeline.js';
import { GetTimelineDocument } from '../src/generated/timeline.js';
import { PlainClient } from '../src/index.js';
import { createPlainProxy, type PlainProxyOptions, type ProxyOperation } from '../src/proxy/index.js';
import { createFakePlain, type FakePlain } from '../src/testing/index.js';
import { CUSTOMER_ENTRY_TYPES } from '../src/timeline-entries.js';

const folded = (document: unknown) => String(document).replace(/\s+/g, ' ').trim();
const NOTE = 'Internal: refund approved, do not tell the customer yet';
const BCC = 'security-team@support-internal.example';

let fake: FakePlain;
let ada: { id: string };
let mine: string;
let theirs: string;
let seen: ProxyOperation[];
let proxy: (request: Request) => Promise<Response>;
/** Every body the proxy answered the browser with. */
let answers: string[];

/** The portal's rule: the signed-in customer (cookie `session=ada`) reads and answers their own thread only. */
const authorize: PlainProxyOptions['authorize'] = (request, operation) => {
  seen.push(operation);
  if (request.headers.get('cookie') !== 'session=ada')
    return Response.json({ errors: [{ message: 'Sign in.' }] }, { status: 401 });
  return { threads: [mine], impersonate: { externalId: 'ada' } };
};

/** What the browser sends: its fetch goes to the proxy, with the session cookie. */
async function fromBrowser(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  request.headers.set('cookie', 'session=ada');
  const response = await proxy(request);
  const text = await response.text();
  answers.push(text);
  return new Response(text, { status: response.status, headers: response.headers });
}

const browser = () =>
  new PlainClient({ apiUrl: 'https://portal.example.test/api/plain', fetch: fromBrowser, maxRetries: 0 });

/** Posts a raw GraphQL body as a browser could, outside PlainClient. */
async function post(body: unknown) {
  const response = await fromBrowser('https://portal.example.test/api/plain', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

beforeEach(async () => {
  fake = createFakePlain();
  seen = [];
  answers = [];
  ada = fake.addCustomer({ externalId: 'ada', email: 'ada@customer.example' });
  const grace = fake.addCustomer({ externalId: 'grace', email: 'grace@customer.example' });
  const staff = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
  mine = (await fake.customerWrites({ customer: ada.id, channel: 'EMAIL', text: 'I cannot log in.' })).thread.id;
  const replied = await staff.replyToThread({
    threadId: mine,
    textContent: 'We reset your session.',
    channelSpecificOptions: { email: { hiddenRecipients: [{ email: BCC }] } },
  });
  const noted = await staff.createNote({ customerId: ada.id, threadId: mine, text: NOTE });
  expect(replied.ok && noted.ok).toBe(true);
  await fake.customerWrites({ threadId: mine, text: 'It works, thanks!' });
  theirs = (await fake.customerWrites({ customer: grace.id, channel: 'EMAIL', text: 'Order 7781 is late.' })).thread.id;
  proxy = createPlainProxy({ apiKey: fake.apiKey, fetch: fake.fetch, authorize });
});

describe("a customer's browser reads their thread's timeline through the proxy", () => {
  it('gets typed entries: their messages and the staff reply, newest first, without the note or the Bcc', async () => {
    const page = await browser().getTimeline({ threadId: mine, first: 10 });
    expect(page.ok).toBe(true);
    if (!page.ok) return;
    const { entries } = page.data;
    expect(entries.map((e) => [e.author.kind, e.entry.kind])).toEqual([
      ['customer', 'email'],
      ['machineUser', 'email'],
      ['customer', 'email'],
    ]);
    expect(entries.map((e) => (e.entry.kind === 'email' ? e.entry.text : null))).toEqual([
      'It works, thanks!',
      'We reset your session.',
      'I cannot log in.',
    ]);
    // The customer keeps their own id; support is named by kind only.
    expect(entries.map((e) => e.author.id)).toEqual([ada.id, '', ada.id]);
    for (const entry of entries) expect(entry.entry).not.toHaveProperty('bcc');
    expect(page.data.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });

    // Plain was asked with the proxy's own document and the page variables only.
    const sent = fake.requests.at(-1);
    expect(sent?.operationName).toBe('GetCustomerTimeline');
    expect(sent?.variables).toEqual({ threadId: mine, first: 10 });
    expect(seen.at(-1)).toEqual({ name: 'GetTimeline', variables: { threadId: mine, first: 10 } });

    const text = answers.join('\n');
    for (const secret of [NOTE, BCC, 'hiddenRecipients', 'llmText', 'NoteEntry']) expect(text).not.toContain(secret);
  });

  it('pages the same way a backend does: last/before from the oldest end', async () => {
    const client = browser();
    const oldest = await client.getTimeline({ threadId: mine, last: 2 });
    expect(oldest.ok && oldest.data.entries.map((e) => (e.entry.kind === 'email' ? e.entry.text : ''))).toEqual([
      'We reset your session.',
      'I cannot log in.',
    ]);
    if (!oldest.ok || oldest.data.pageInfo.startCursor === null) throw new Error('no cursor');
    const newer = await client.getTimeline({ threadId: mine, last: 2, before: oldest.data.pageInfo.startCursor });
    expect(newer.ok && newer.data.entries.map((e) => (e.entry.kind === 'email' ? e.entry.text : ''))).toEqual([
      'It works, thanks!',
    ]);
    expect(fake.requests.at(-1)?.variables).toEqual({
      threadId: mine,
      last: 2,
      before: oldest.data.pageInfo.startCursor,
    });
  });

  it("refuses another customer's thread with 403, and nothing reaches Plain", async () => {
    const before = fake.requests.length;
    const page = await browser().getTimeline({ threadId: theirs, first: 10 });
    expect(page).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(!page.ok && page.error.message).toMatch(/Refused by the proxy/);
    expect(fake.requests.length).toBe(before);
    expect(answers.join('\n')).not.toContain('Order 7781');
  });

  it('refuses a browser without a session with the Response authorize returned, and nothing reaches Plain', async () => {
    const before = fake.requests.length;
    const response = await proxy(
      new Request('https://portal.example.test/api/plain', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: folded(GetTimelineDocument), variables: { threadId: mine, first: 5 } }),
      }),
    );
    expect(response.status).toBe(401);
    expect(fake.requests.length).toBe(before);
  });
});

describe('whatever the browser sends, it gets messages only', () => {
  it('asking for notes (messagesOnly false, filters naming NOTE) still gets messages only; the filter is not forwarded', async () => {
    const asked = await post({
      query: folded(GetTimelineDocument),
      operationName: 'GetTimeline',
      variables: { threadId: mine, first: 10, filters: { entryTypes: ['NOTE'], isMessage: false } },
    });
    expect(asked.status).toBe(200);
    const edges = asked.body.data.thread.timelineEntries.edges as { node: { entry: { __typename: string } } }[];
    expect(edges.map((e) => e.node.entry.__typename)).toEqual(['EmailEntry', 'EmailEntry', 'EmailEntry']);
    expect(fake.requests.at(-1)?.variables).toEqual({ threadId: mine, first: 10 });
    expect(JSON.stringify(asked.body)).not.toContain(NOTE);

    const viaClient = await browser().getTimeline({ threadId: mine, first: 10, messagesOnly: false });
    expect(viaClient.ok && viaClient.data.entries.every((e) => e.entry.kind === 'email')).toBe(true);
  });

  it('refuses its own query text with extra fields (llmText, hiddenRecipients, notes), even named GetTimeline', async () => {
    const before = fake.requests.length;
    // Our document laid out as a person writes it (`node { … }`), on one line.
    const ours = folded(print(parse(String(GetTimelineDocument))));
    const widened = [
      ours.replace('node {', 'node { llmText customerId threadId'),
      ours.replace('... on ChatEntry {', '... on NoteEntry { text } ... on ChatEntry {'),
      'query GetTimeline($threadId: ID!) { thread(threadId: $threadId) { timelineEntries(first: 50) { edges { node { entry { ... on EmailEntry { hiddenRecipients { email } } } } } } } }',
    ];
    for (const query of widened) {
      expect(query).not.toBe(ours);
      const answer = await post({ query, operationName: 'GetTimeline', variables: { threadId: mine, first: 10 } });
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0].extensions.code).toBe('OPERATION_NOT_ALLOWED');
    }
    expect(fake.requests.length).toBe(before);
  });

  it('refuses page variables out of bounds, and nothing reaches Plain', async () => {
    const before = fake.requests.length;
    const query = folded(GetTimelineDocument);
    for (const variables of [
      { threadId: mine, first: 1000 },
      { threadId: mine, first: 0 },
      { threadId: mine, first: 2, last: 2 },
      { threadId: mine },
      { threadId: mine, first: 2, after: { $gt: '' } },
      { threadId: '', first: 2 },
    ]) {
      const answer = await post({ query, variables });
      expect(answer.status, JSON.stringify(variables)).toBe(400);
      expect(answer.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    expect(fake.requests.length).toBe(before);
  });

  it("sends Plain the proxy's own document: the six message entry types fixed in it, no Bcc, no llmText, no notes", async () => {
    await browser().getTimeline({ threadId: mine, first: 5 });
    const sent = fake.requests.at(-1);
    expect(sent?.operationName).toBe('GetCustomerTimeline');
    // The fake keeps no document text: read the proxy's document from what it posted, through a recording fetch.
    const posted: string[] = [];
    const recording = createPlainProxy({
      apiKey: fake.apiKey,
      authorize,
      fetch: (input, init) => {
        posted.push(String(init?.body));
        return fake.fetch(input, init);
      },
    });
    proxy = recording;
    await browser().getTimeline({ threadId: mine, first: 5 });
    const document = parse(JSON.parse(posted[0] ?? '{}').query);
    const fields: string[] = [];
    const members: string[] = [];
    let filter = '';
    visit(document, {
      Field(node) {
        fields.push(node.name.value);
        if (node.name.value === 'timelineEntries') {
          const argument = node.arguments?.find((a) => a.name.value === 'filters');
          if (argument?.value.kind === Kind.OBJECT) {
            filter = JSON.stringify(
              argument.value.fields.map((f) => [
                f.name.value,
                f.value.kind === Kind.LIST
                  ? f.value.values.map((v) => (v.kind === Kind.ENUM ? v.value : '?'))
                  : f.value.kind === Kind.BOOLEAN
                    ? f.value.value
                    : '?',
              ]),
            );
          }
        }
      },
      InlineFragment(node) {
        if (node.typeCondition) members.push(node.typeCondition.name.value);
      },
    });
    expect(filter).toBe(
      JSON.stringify([
        ['isMessage', true],
        ['entryTypes', [...CUSTOMER_ENTRY_TYPES]],
      ]),
    );
    expect(fields).not.toContain('hiddenRecipients');
    expect(fields).not.toContain('llmText');
    expect(members.filter((m) => m.endsWith('Entry'))).toEqual([
      'EmailEntry',
      'ChatEntry',
      'SlackMessageEntry',
      'SlackReplyEntry',
      'MSTeamsMessageEntry',
      'DiscordMessageEntry',
    ]);
  });
});

/** Every field a document selects, as a path with aliases and type conditions, its fragments spread in place. */
function selectedPaths(source: unknown): string[] {
  const document = parse(String(source));
  const fragments = new Map<string, SelectionSetNode>();
  let operation: SelectionSetNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition.selectionSet);
    if (definition.kind === Kind.OPERATION_DEFINITION) operation = definition.selectionSet;
  }
  const paths: string[] = [];
  const walk = (set: SelectionSetNode | undefined, prefix: string) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const path = `${prefix}.${selection.alias ? `${selection.alias.value}:` : ''}${selection.name.value}`;
        paths.push(path);
        walk(selection.selectionSet, path);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, `${prefix}<${selection.typeCondition?.name.value}>`);
      } else {
        walk(fragments.get(selection.name.value), prefix);
      }
    }
  };
  walk(operation, '');
  return paths.sort();
}

describe("the proxy's document", () => {
  it('selects exactly what GetTimeline selects, less the Bcc and the notes, so the browser reads it with the same mapping', () => {
    const staffOnly = (path: string) => path.includes('.hiddenRecipients') || path.includes('<NoteEntry>');
    const timeline = selectedPaths(GetTimelineDocument);
    expect(timeline.some(staffOnly)).toBe(true);
    expect(selectedPaths(GetCustomerTimelineDocument)).toEqual(timeline.filter((path) => !staffOnly(path)));
  });
});

describe('whatever Plain (or anything in its place) answers, the browser gets the customer view only', () => {
  const participant = (email: string) => ({ name: null, email, emailActor: { customerId: 'c_secret_actor' } });
  const hostileEdges = [
    {
      cursor: 'cur-1',
      node: {
        id: 'te_1',
        customerId: 'c_leak_node',
        threadId: 'th_leak_node',
        llmText: 'LLM summary: customer is angry, refund approved',
        timestamp: { iso8601: '2026-01-01T10:00:00.000Z', unixTimestamp: '1767261600000' },
        actor: { __typename: 'MachineUserActor', machineUserId: 'mu_secret_bot', machineUser: { fullName: 'Bot' } },
        entry: {
          __typename: 'EmailEntry',
          emailId: 'em_secret',
          from: participant('support@acme.example'),
          to: participant('ada@customer.example'),
          additionalRecipients: [],
          hiddenRecipients: [participant(BCC)],
          subject: 'Re: login',
          textContent: 'We reset your session.',
          hasMoreTextContent: true,
          markdownContent: null,
          noteText: NOTE,
          attachments: [
            {
              id: 'att_1',
              fileName: 'steps.pdf',
              fileSize: { bytes: 10 },
              fileMimeType: 'application/pdf',
              createdBy: { userId: 'u_secret' },
            },
          ],
        },
      },
    },
    {
      cursor: 'cur-2',
      node: {
        id: 'te_2',
        timestamp: { iso8601: '2026-01-01T09:00:00.000Z' },
        actor: { __typename: 'UserActor', userId: 'u_secret_agent' },
        entry: { __typename: 'NoteEntry', noteText: NOTE, markdown: null, attachments: [] },
      },
    },
    {
      cursor: 'cur-3',
      node: {
        id: 'te_3',
        timestamp: { iso8601: '2026-01-01T08:30:00.000Z' },
        actor: { __typename: 'UserActor', userId: 'u_secret_agent' },
        entry: { __typename: 'ThreadDiscussionMessageEntry', text: 'Slack discussion: this customer is a pain' },
      },
    },
    {
      cursor: 'cur-4',
      node: {
        id: 'te_4',
        timestamp: { iso8601: '2026-01-01T08:00:00.000Z' },
        actor: { __typename: 'CustomerActor', customerId: 'c_ada', customer: { email: 'ada@customer.example' } },
        entry: {
          __typename: 'ChatEntry',
          chatText: 'Hello?',
          chatId: 'chat_secret',
          customerReadAt: null,
          attachments: [],
        },
      },
    },
  ];
  const hostile = (extra: Record<string, unknown> = {}) =>
    Response.json({
      data: {
        thread: {
          id: 'th_mine',
          title: 'secret title',
          llmText: 'thread summary',
          timelineEntries: {
            edges: hostileEdges,
            pageInfo: {
              hasNextPage: true,
              hasPreviousPage: false,
              startCursor: 'cur-1',
              endCursor: 'cur-4',
              total: 99,
            },
          },
        },
      },
      ...extra,
    });

  function hostileProxy(answer: () => Response) {
    const forwarded: string[] = [];
    const handler = createPlainProxy({
      apiKey: 'plainApiKey_hostile_test',
      apiUrl: 'https://plain.example.test/graphql/v1',
      authorize: () => ({ threads: ['th_mine'], impersonate: { externalId: 'ada' } }),
      fetch: async (_input, init) => {
        forwarded.push(String(init?.body));
        return answer();
      },
    });
    const ask = (threadId = 'th_mine') =>
      handler(
        new Request('https://portal.example.test/api/plain', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: folded(GetTimelineDocument),
            operationName: 'GetTimeline',
            variables: { threadId, first: 10 },
          }),
        }),
      );
    return { ask, forwarded };
  }

  it('drops notes and internal entries, and every field the customer view does not carry', async () => {
    const { ask } = hostileProxy(() => hostile());
    const response = await ask();
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({
      data: {
        thread: {
          id: 'th_mine',
          timelineEntries: {
            edges: [
              {
                cursor: 'cur-1',
                node: {
                  id: 'te_1',
                  timestamp: { iso8601: '2026-01-01T10:00:00.000Z' },
                  actor: { __typename: 'MachineUserActor', machineUserId: '' },
                  entry: {
                    __typename: 'EmailEntry',
                    from: { name: null, email: 'support@acme.example' },
                    to: { name: null, email: 'ada@customer.example' },
                    additionalRecipients: [],
                    subject: 'Re: login',
                    textContent: 'We reset your session.',
                    hasMoreTextContent: true,
                    markdownContent: null,
                    attachments: [
                      { id: 'att_1', fileName: 'steps.pdf', fileSize: { bytes: 10 }, fileMimeType: 'application/pdf' },
                    ],
                  },
                },
              },
              {
                cursor: 'cur-4',
                node: {
                  id: 'te_4',
                  timestamp: { iso8601: '2026-01-01T08:00:00.000Z' },
                  actor: { __typename: 'CustomerActor', customerId: 'c_ada' },
                  entry: { __typename: 'ChatEntry', chatText: 'Hello?', attachments: [] },
                },
              },
            ],
            pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: 'cur-1', endCursor: 'cur-4' },
          },
        },
      },
    });
    const text = JSON.stringify(body);
    for (const secret of [
      NOTE,
      BCC,
      'LLM summary',
      'u_secret',
      'mu_secret',
      'c_leak',
      'th_leak',
      'em_secret',
      'chat_secret',
      'pain',
    ])
      expect(text).not.toContain(secret);
  });

  it("reads the same way in the browser's PlainClient: the email and the chat, typed", async () => {
    const { ask } = hostileProxy(() => hostile());
    const client = new PlainClient({
      apiUrl: 'https://portal.example.test/api/plain',
      fetch: (_input, init) => ask(JSON.parse(String(init?.body)).variables.threadId),
    });
    const page = await client.getTimeline({ threadId: 'th_mine', first: 10 });
    expect(page.ok && page.data.entries.map((e) => [e.id, e.author, e.entry.kind])).toEqual([
      ['te_1', { kind: 'machineUser', id: '' }, 'email'],
      ['te_4', { kind: 'customer', id: 'c_ada' }, 'chat'],
    ]);
  });

  it('answers 502 when the answer is about another thread than the one authorize allowed', async () => {
    const { ask } = hostileProxy(() =>
      Response.json({
        data: { thread: { id: 'th_someone_else', timelineEntries: { edges: hostileEdges, pageInfo: {} } } },
      }),
    );
    const response = await ask();
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(text).toContain('another thread');
    expect(text).not.toContain('We reset your session');
  });

  it("passes Plain's errors on as message, path and code only", async () => {
    const { ask } = hostileProxy(() =>
      Response.json({
        data: null,
        errors: [
          {
            message: 'Thread not found',
            path: ['thread'],
            extensions: { code: 'NOT_FOUND', debug: { note: NOTE, llmText: 'x' } },
            locations: [{ line: 1, column: 2 }],
          },
        ],
      }),
    );
    const body = await (await ask()).json();
    expect(body).toEqual({
      data: null,
      errors: [{ message: 'Thread not found', path: ['thread'], extensions: { code: 'NOT_FOUND' } }],
    });
  });

  it('refuses a thread authorize does not allow before anything is sent to Plain', async () => {
    const { ask, forwarded } = hostileProxy(() => hostile());
    const response = await ask('th_not_mine');
    expect(response.status).toBe(403);
    expect(forwarded).toEqual([]);
  });
});
