import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { GetTimelineDocument } from '../src/generated/timeline.js';
import { PlainClient, type TimelineEntry } from '../src/index.js';
import { toCustomerView } from '../src/proxy/index.js';
import { createFakePlain } from '../src/testing/index.js';
import { customerTimelineAnswer, timelinePageOf } from '../src/timeline-entries.js';
import { scriptedPlain } from './scripted-plain.js';

const KEY = 'plainApiKey_test_0123456789';
const client = (fetch: typeof globalThis.fetch) => new PlainClient({ apiKey: KEY, fetch, maxRetries: 0 });

const attachment = { id: 'att_1', fileName: 'log.txt', fileSize: { bytes: 120 }, fileMimeType: 'text/plain' };
const typedAttachment = { id: 'att_1', fileName: 'log.txt', fileSizeBytes: 120, mimeType: 'text/plain' };
const node = (id: string, actor: Record<string, unknown>, entry: Record<string, unknown>) => ({
  id,
  timestamp: { iso8601: `2026-11-30T10:00:0${id.slice(-1)}.000Z` },
  actor,
  entry,
});
const ada = { name: 'Ada', email: 'ada@example.com' };
const support = { name: null, email: 'support@example.com' };

/** One node of every kind the typed entries know, as Plain answers GetTimeline (aliases included), newest first. */
const NODES = [
  node(
    'te_9',
    { __typename: 'MachineUserActor', machineUserId: 'machineUser_1' },
    {
      __typename: 'EmailEntry',
      from: support,
      to: ada,
      additionalRecipients: [{ name: null, email: 'grace@example.com' }],
      hiddenRecipients: [{ name: 'Billing', email: 'billing@example.com' }],
      subject: 'Re: Cannot log in',
      textContent: 'Fixed.',
      hasMoreTextContent: false,
      markdownContent: '**Fixed.**',
      attachments: [attachment],
    },
  ),
  node(
    'te_8',
    { __typename: 'CustomerActor', customerId: 'c_1' },
    { __typename: 'ChatEntry', chatText: null, attachments: [] },
  ),
  node(
    'te_7',
    { __typename: 'UserActor', userId: 'u_1' },
    { __typename: 'SlackMessageEntry', slackText: 'On it', attachments: [] },
  ),
  node(
    'te_6',
    { __typename: 'DeletedCustomerActor', customerId: 'c_gone' },
    { __typename: 'SlackReplyEntry', slackText: 'thanks', attachments: [] },
  ),
  node(
    'te_5',
    { __typename: 'CustomerActor', customerId: 'c_1' },
    { __typename: 'MSTeamsMessageEntry', msTeamsText: 'Hello', markdownContent: '*Hello*', attachments: [] },
  ),
  node(
    'te_4',
    { __typename: 'CustomerActor', customerId: 'c_1' },
    { __typename: 'DiscordMessageEntry', markdownContent: 'hey **there**', attachments: [attachment] },
  ),
  node(
    'te_3',
    { __typename: 'UserActor', userId: 'u_1' },
    { __typename: 'NoteEntry', noteText: 'VIP customer', markdown: null, attachments: [] },
  ),
  node('te_2', { __typename: 'SystemActor', systemId: 'system_1' }, { __typename: 'ThreadStatusTransitionedEntry' }),
];
const connection = (nodes: unknown[], pageInfo: Record<string, unknown> = {}) => ({
  edges: nodes.map((n, i) => ({ cursor: `cur_${i}`, node: n })),
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: 'cur_0', endCursor: 'cur_last', ...pageInfo },
});
const answer = (nodes: unknown[], pageInfo?: Record<string, unknown>) => ({
  body: { data: { thread: { id: 'th_1', timelineEntries: connection(nodes, pageInfo) } } },
});

const at = (n: number) => `2026-11-30T10:00:0${n}.000Z`;
const EXPECTED: TimelineEntry[] = [
  {
    id: 'te_9',
    timestamp: at(9),
    author: { kind: 'machineUser', id: 'machineUser_1' },
    entry: {
      kind: 'email',
      from: support,
      to: ada,
      cc: [{ name: null, email: 'grace@example.com' }],
      bcc: [{ name: 'Billing', email: 'billing@example.com' }],
      subject: 'Re: Cannot log in',
      text: 'Fixed.',
      truncated: false,
      markdown: '**Fixed.**',
      attachments: [typedAttachment],
    },
  },
  {
    id: 'te_8',
    timestamp: at(8),
    author: { kind: 'customer', id: 'c_1' },
    entry: { kind: 'chat', text: null, attachments: [] },
  },
  {
    id: 'te_7',
    timestamp: at(7),
    author: { kind: 'user', id: 'u_1' },
    entry: { kind: 'slack', text: 'On it', attachments: [] },
  },
  {
    id: 'te_6',
    timestamp: at(6),
    author: { kind: 'customer', id: 'c_gone' },
    entry: { kind: 'slack', text: 'thanks', attachments: [] },
  },
  {
    id: 'te_5',
    timestamp: at(5),
    author: { kind: 'customer', id: 'c_1' },
    entry: { kind: 'msTeams', text: 'Hello', markdown: '*Hello*', attachments: [] },
  },
  {
    id: 'te_4',
    timestamp: at(4),
    author: { kind: 'customer', id: 'c_1' },
    entry: { kind: 'discord', markdown: 'hey **there**', attachments: [typedAttachment] },
  },
  {
    id: 'te_3',
    timestamp: at(3),
    author: { kind: 'user', id: 'u_1' },
    entry: { kind: 'note', text: 'VIP customer', markdown: null, attachments: [] },
  },
  {
    id: 'te_2',
    timestamp: at(2),
    author: { kind: 'system', id: 'system_1' },
    entry: { kind: 'other', typename: 'ThreadStatusTransitionedEntry' },
  },
];

describe('getTimeline maps each kind of entry', () => {
  it('email, chat, Slack message and reply, Teams, Discord, note and any other entry, with each kind of author', async () => {
    const plain = scriptedPlain({ GetTimeline: answer(NODES, { hasNextPage: true }) });
    const result = await client(plain.fetch).getTimeline({ threadId: 'th_1', first: 8 });
    expect(result).toEqual({
      ok: true,
      data: {
        entries: EXPECTED,
        pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: 'cur_0', endCursor: 'cur_last' },
      },
      requestId: 'req-1',
      rateLimit: undefined,
    });
    expect(plain.requests).toMatchObject([
      { operationName: 'GetTimeline', variables: { threadId: 'th_1', filters: null, first: 8 } },
    ]);
    expect(plain.requests[0]?.variables).not.toHaveProperty('last');
    expect(plain.schemaProblems).toEqual([]);
  });

  it('selects no llmText, and aliases the text fields whose types differ across entry members', () => {
    const schema = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
    const document = String(GetTimelineDocument);
    expect(document).not.toContain('llmText');
    expect(validate(schema, parse(document))).toEqual([]);
    // Without the aliases, ChatEntry.text (String) and NoteEntry.text (String!) collide: Plain would refuse the query.
    const unaliased = document.replace(/\b(chatText|slackText|msTeamsText|noteText): ?text\b/g, 'text');
    expect(
      validate(schema, parse(unaliased))
        .map((e) => e.message)
        .join('\n'),
    ).toMatch(/"text" conflict/);
  });

  it('an answer with a node it cannot read is unexpected_response, not a page with holes', async () => {
    const broken = { ...NODES[1], actor: { __typename: 'CustomerActor' } };
    const plain = scriptedPlain({ GetTimeline: answer([NODES[0], broken]) });
    const result = await client(plain.fetch).getTimeline({ threadId: 'th_1' });
    expect(result.error).toMatchObject({ kind: 'unexpected_response', attempts: 1, requestId: 'req-1' });
  });

  it("Plain's null thread is thread_not_found", async () => {
    const plain = scriptedPlain({ GetTimeline: { body: { data: { thread: null } } } });
    const result = await client(plain.fetch).getTimeline({ threadId: 'th_missing' });
    expect(result.error).toMatchObject({ kind: 'thread_not_found', threadId: 'th_missing', retryable: false });
  });

  it('a failure on the way is the same typed error as every lookup', async () => {
    const plain = scriptedPlain({ GetTimeline: { status: 503, body: { errors: [{ message: 'unavailable' }] } } });
    const result = await client(plain.fetch).getTimeline({ threadId: 'th_1' });
    expect(result.error).toMatchObject({ kind: 'server_error', status: 503 });
  });
});

describe('getTimeline refuses bad input with nothing sent', () => {
  const cases: [string, unknown, string][] = [
    ['no threadId', { first: 5 }, 'threadId'],
    ['a blank threadId', { threadId: ' ' }, 'threadId'],
    ['first and last', { threadId: 'th_1', first: 5, last: 5 }, 'last'],
    ['first with before', { threadId: 'th_1', first: 5, before: 'c' }, 'before'],
    ['last with after', { threadId: 'th_1', last: 5, after: 'c' }, 'after'],
    ['after and before', { threadId: 'th_1', after: 'a', before: 'b' }, 'before'],
    ['first: 0', { threadId: 'th_1', first: 0 }, 'first'],
    ['a fractional last', { threadId: 'th_1', last: 2.5 }, 'last'],
    ['messagesOnly as a string', { threadId: 'th_1', messagesOnly: 'yes' }, 'messagesOnly'],
    ['not an object', 'th_1', '(input)'],
  ];
  it.each(cases)('%s', async (_name, input, path) => {
    const plain = scriptedPlain({});
    const result = await client(plain.fetch).getTimeline(input as never);
    expect(result.error).toMatchObject({ kind: 'invalid_input', issues: [expect.objectContaining({ path })] });
    expect(plain.requests).toEqual([]);
  });

  it('timelinePages yields the invalid_input once and stops, nothing sent', async () => {
    const plain = scriptedPlain({});
    const pages = [];
    for await (const page of client(plain.fetch).timelinePages({ threadId: 'th_1', first: 1, last: 1 } as never))
      pages.push(page);
    expect(pages).toMatchObject([{ ok: false, error: { kind: 'invalid_input' } }]);
    expect(plain.requests).toEqual([]);
  });
});

/** A fake workspace with one EMAIL thread holding seven replies, `reply 1` (oldest) to `reply 7` (newest). */
async function sevenReplies() {
  const fake = createFakePlain();
  const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
  const thread = fake.addThread({ channel: 'EMAIL' });
  for (let n = 1; n <= 7; n++) await plain.replyToThread({ threadId: thread.id, textContent: `reply ${n}` });
  const skip = fake.requests.length;
  /** The requests sent after the replies. */
  const sent = () => fake.requests.slice(skip);
  return { fake, plain, thread, sent };
}
const textsOf = (entries: TimelineEntry[]) =>
  entries.map((e) => (e.entry.kind === 'email' ? e.entry.text : e.entry.kind));

describe('pagination through the fake, newest first', () => {
  it('first/after read back in time from the newest entry', async () => {
    const { plain, thread, sent } = await sevenReplies();
    const page1 = await plain.getTimeline({ threadId: thread.id, first: 3 });
    expect(textsOf(page1.data!.entries)).toEqual(['reply 7', 'reply 6', 'reply 5']);
    expect(page1.data!.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const page2 = await plain.getTimeline({ threadId: thread.id, first: 3, after: page1.data!.pageInfo.endCursor });
    expect(textsOf(page2.data!.entries)).toEqual(['reply 4', 'reply 3', 'reply 2']);
    const page3 = await plain.getTimeline({ threadId: thread.id, first: 3, after: page2.data!.pageInfo.endCursor });
    expect(textsOf(page3.data!.entries)).toEqual(['reply 1']);
    expect(page3.data!.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(sent().map((r) => r.variables)).toEqual([
      { threadId: thread.id, filters: null, first: 3 },
      { threadId: thread.id, filters: null, first: 3, after: page1.data!.pageInfo.endCursor },
      { threadId: thread.id, filters: null, first: 3, after: page2.data!.pageInfo.endCursor },
    ]);
  });

  it('last/before read forward in time from the oldest entry, each page still newest first', async () => {
    const { plain, thread, sent } = await sevenReplies();
    const page1 = await plain.getTimeline({ threadId: thread.id, last: 3 });
    expect(textsOf(page1.data!.entries)).toEqual(['reply 3', 'reply 2', 'reply 1']);
    expect(page1.data!.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const page2 = await plain.getTimeline({ threadId: thread.id, last: 3, before: page1.data!.pageInfo.startCursor });
    expect(textsOf(page2.data!.entries)).toEqual(['reply 6', 'reply 5', 'reply 4']);
    expect(sent().map((r) => r.variables)).toEqual([
      { threadId: thread.id, filters: null, last: 3 },
      { threadId: thread.id, filters: null, last: 3, before: page1.data!.pageInfo.startCursor },
    ]);
  });

  it('neither first nor last reads the newest 25', async () => {
    const { plain, thread, sent } = await sevenReplies();
    const page = await plain.getTimeline({ threadId: thread.id });
    expect(textsOf(page.data!.entries)).toHaveLength(7);
    expect(sent()[0]?.variables).toEqual({ threadId: thread.id, filters: null, first: 25 });
  });

  it('timelinePages walks every page either way, and stops after the last', async () => {
    const { plain, thread, sent } = await sevenReplies();
    const back: string[] = [];
    for await (const page of plain.timelinePages({ threadId: thread.id, first: 3 }))
      back.push(...(textsOf(page.data!.entries) as string[]));
    expect(back).toEqual(['reply 7', 'reply 6', 'reply 5', 'reply 4', 'reply 3', 'reply 2', 'reply 1']);
    expect(sent()).toHaveLength(3);
    const forward: string[][] = [];
    for await (const page of plain.timelinePages({ threadId: thread.id, last: 4 }))
      forward.push(textsOf(page.data!.entries) as string[]);
    expect(forward).toEqual([
      ['reply 4', 'reply 3', 'reply 2', 'reply 1'],
      ['reply 7', 'reply 6', 'reply 5'],
    ]);
    expect(sent()).toHaveLength(5);
  });

  it('timelinePages ends with a failed page', async () => {
    const { fake, plain, thread, sent } = await sevenReplies();
    const pages = [];
    const first = await plain.getTimeline({ threadId: thread.id, first: 3 });
    fake.failNext({ operation: 'GetTimeline', status: 500 });
    const from = { threadId: thread.id, first: 3, after: first.data!.pageInfo.endCursor };
    for await (const page of plain.timelinePages(from, { maxRetries: 0 })) pages.push(page);
    expect(pages).toMatchObject([{ ok: false, error: { kind: 'server_error' } }]);
    expect(sent()).toHaveLength(2);
  });
});

describe('the fake keeps a real timeline', () => {
  it("every message it records, each with its author: the customer's, replies, impersonated replies, notes", async () => {
    const fake = createFakePlain();
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
    const otherKey = fake.addApiKey();
    const other = new PlainClient({ apiKey: otherKey, fetch: fake.fetch });
    const customer = fake.addCustomer();
    const { thread } = await fake.customerWrites({ text: 'My invoice is wrong', channel: 'EMAIL', customer });
    await plain.replyToThread({
      threadId: thread.id,
      textContent: 'Looking into it',
      channelSpecificOptions: {
        email: {
          additionalRecipients: [{ email: 'grace@example.com' }],
          hiddenRecipients: [{ email: 'billing@example.com' }],
        },
      },
    });
    await plain.replyToThread({
      threadId: thread.id,
      textContent: 'Attaching the PDF',
      impersonation: { asCustomer: { customerIdentifier: { customerId: customer.id } } },
    });
    await other.createNote({ customerId: customer.id, threadId: thread.id, text: 'Refund approved' });

    const page = await plain.getTimeline({ threadId: thread.id });
    const bot = { kind: 'machineUser', id: fake.machineUser().id };
    expect(page.data!.entries.map((e) => [e.author, e.entry.kind, 'text' in e.entry ? e.entry.text : null])).toEqual([
      [{ kind: 'machineUser', id: fake.machineUser(otherKey).id }, 'note', 'Refund approved'],
      [{ kind: 'customer', id: customer.id }, 'email', 'Attaching the PDF'],
      [bot, 'email', 'Looking into it'],
      [{ kind: 'customer', id: customer.id }, 'email', 'My invoice is wrong'],
    ]);
    const reply = page.data!.entries[2]!.entry;
    expect(reply).toMatchObject({
      kind: 'email',
      cc: [{ email: 'grace@example.com', name: null }],
      bcc: [{ email: 'billing@example.com', name: null }],
      attachments: [],
    });
    const stamps = page.data!.entries.map((e) => Date.parse(e.timestamp));
    expect([...stamps].sort((a, b) => b - a)).toEqual(stamps);

    const skip = fake.requests.length;
    const messages = await plain.getTimeline({ threadId: thread.id, messagesOnly: true });
    expect(messages.data!.entries.map((e) => e.entry.kind)).toEqual(['email', 'email', 'email']);
    expect(fake.requests.slice(skip).map((r) => r.variables)).toEqual([
      { threadId: thread.id, filters: { isMessage: true }, first: 25 },
    ]);
  });

  it.each([
    ['CHAT', 'chat'],
    ['SLACK', 'slack'],
    ['MS_TEAMS', 'msTeams'],
    ['DISCORD', 'discord'],
  ] as const)('a %s thread shows its messages as %s entries', async (channel, kind) => {
    const fake = createFakePlain();
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
    const { thread } = await fake.customerWrites({ text: 'hello there', channel });
    const page = await plain.getTimeline({ threadId: thread.id });
    expect(page.data!.entries).toEqual([
      expect.objectContaining({
        author: { kind: 'customer', id: thread.customerId },
        entry: expect.objectContaining({ kind }),
      }),
    ]);
  });
});

describe('the customer view', () => {
  it('toCustomerView keeps messages without their Bcc, and drops notes and internal entries', () => {
    const views = EXPECTED.map(toCustomerView);
    expect(views.map((v) => v?.entry.kind ?? null)).toEqual([
      'email',
      'chat',
      'slack',
      'slack',
      'msTeams',
      'discord',
      null,
      null,
    ]);
    expect(views[0]?.entry).not.toHaveProperty('bcc');
    expect(views[0]?.entry).toMatchObject({ cc: [{ email: 'grace@example.com' }], text: 'Fixed.' });
  });

  it("customerTimelineAnswer rebuilds Plain's answer from the customer view: nothing internal survives", () => {
    const leaky = NODES.map((n) => ({
      ...n,
      llmText: 'SECRET-LLM',
      customerId: 'c_1',
      threadId: 'th_1',
      entry: { ...n.entry, emailId: 'SECRET-EMAIL-ID', customerId: 'c_1' },
    }));
    const data = { thread: { id: 'th_1', timelineEntries: connection(leaky, { hasNextPage: true }) } };
    const safe = customerTimelineAnswer(data);
    const text = JSON.stringify(safe);
    for (const secret of [
      'SECRET',
      'billing@example.com',
      'hiddenRecipients',
      'VIP customer',
      'NoteEntry',
      'ThreadStatus',
    ])
      expect(text).not.toContain(secret);
    // A browser reading the answer with the same mapping gets exactly the customer view.
    const page = timelinePageOf((safe.thread as { timelineEntries: unknown }).timelineEntries);
    expect(page?.entries).toEqual(EXPECTED.map(toCustomerView).filter((v) => v !== null));
    expect(page?.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: 'cur_0',
      endCursor: 'cur_last',
    });
  });

  it('customerTimelineAnswer of anything but a timeline is no thread', () => {
    expect(customerTimelineAnswer({ thread: null })).toEqual({ thread: null });
    expect(customerTimelineAnswer({ thread: { id: 'th_1', timelineEntries: { edges: 'x' } } })).toEqual({
      thread: null,
    });
    expect(customerTimelineAnswer('nope')).toEqual({ thread: null });
  });
});
