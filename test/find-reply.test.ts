import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  findReplyIn,
  isReply,
  normaliseText,
  PlainClient,
  type ReplyCriteria,
  type TimelineEntry,
} from '../src/index.js';
import { createFakePlain } from '../src/testing/index.js';
import { scriptedPlain } from './scripted-plain.js';

const SINCE = Date.parse('2026-11-30T10:00:00.000Z');
const BOT = { kind: 'machineUser', id: 'machineUser_1' } as const;
const email = (text: string, markdown: string | null = null, truncated = false): TimelineEntry['entry'] => ({
  kind: 'email',
  from: { email: 'support@example.com', name: null },
  to: { email: 'ada@example.com', name: null },
  cc: [],
  subject: null,
  text,
  truncated,
  markdown,
  attachments: [],
});
const entry = (init: Partial<TimelineEntry> & { offsetMs?: number }): TimelineEntry => ({
  id: init.id ?? 'te_1',
  timestamp: new Date(SINCE + (init.offsetMs ?? 1_000)).toISOString(),
  author: init.author ?? BOT,
  entry: init.entry ?? email('Your order ships today.'),
});
const criteria: ReplyCriteria = { textContent: 'Your order ships today.', since: new Date(SINCE), author: BOT };

describe('the matching rules (isReply, a pure function)', () => {
  it('the same author, a message, at or after since, the same text: a match', () => {
    expect(isReply(entry({}), criteria)).toBe(true);
    expect(isReply(entry({ offsetMs: 0 }), criteria)).toBe(true);
    expect(isReply(entry({}), { ...criteria, since: new Date(SINCE).toISOString() })).toBe(true);
    expect(isReply(entry({}), { ...criteria, since: SINCE })).toBe(true);
  });

  it('the same text before since (beyond the clock skew allowed) never counts', () => {
    expect(isReply(entry({ offsetMs: -60_000 }), criteria)).toBe(false);
    expect(isReply(entry({ offsetMs: -5_001 }), criteria)).toBe(false);
    // Within the 5 s the clocks may disagree by, it counts; the tolerance is the caller's to narrow.
    expect(isReply(entry({ offsetMs: -4_000 }), criteria)).toBe(true);
    expect(isReply(entry({ offsetMs: -4_000 }), { ...criteria, clockSkewMs: 0 })).toBe(false);
  });

  it('another author never counts: another machine user, a user, the customer', () => {
    for (const author of [
      { kind: 'machineUser', id: 'machineUser_2' },
      { kind: 'user', id: 'machineUser_1' },
      { kind: 'customer', id: 'c_1' },
    ] as const)
      expect(isReply(entry({ author }), criteria)).toBe(false);
  });

  it('an impersonated reply is matched by its customer author', () => {
    const customer = { kind: 'customer', id: 'c_1' } as const;
    expect(isReply(entry({ author: customer }), { ...criteria, author: customer })).toBe(true);
    expect(isReply(entry({ author: BOT }), { ...criteria, author: customer })).toBe(false);
  });

  it('whitespace differences do not matter: runs of spaces, line breaks, tabs, zero-width spaces, ends', () => {
    const stored = email('  Your order\r\n\r\nships \t today.\u200b ');
    expect(isReply(entry({ entry: stored }), criteria)).toBe(true);
    expect(normaliseText(' a \n\n b\u00a0c ')).toBe('a b c');
  });

  it('Unicode forms do not matter (NFC), but case, punctuation and other words do', () => {
    const composed = { ...criteria, textContent: 'Voil\u00e0' };
    expect(isReply(entry({ entry: email('Voila\u0300') }), composed)).toBe(true);
    expect(isReply(entry({ entry: email('your order ships today.') }), criteria)).toBe(false);
    expect(isReply(entry({ entry: email('Your order ships today!') }), criteria)).toBe(false);
    expect(isReply(entry({ entry: email('Your order ships today. Thanks!') }), criteria)).toBe(false);
  });

  it('an email Plain cut short matches a reply that begins with what Plain kept, and no other', () => {
    const long = { ...criteria, textContent: 'Your order ships today.\n\nTracking: 1Z999 and a long story after it.' };
    expect(isReply(entry({ entry: email('Your order ships today. Tracking: 1Z9', null, true) }), long)).toBe(true);
    expect(isReply(entry({ entry: email('Your order ships today. Tracking: 1Z9', null, false) }), long)).toBe(false);
    expect(isReply(entry({ entry: email('Your order ships tomorrow.', null, true) }), long)).toBe(false);
    expect(isReply(entry({ entry: email('  ', null, true) }), long)).toBe(false);
  });

  it('the markdown counts where Plain keeps one (email, Teams), the only text a Discord message has', () => {
    const markdownReply = { ...criteria, textContent: '**Shipped**' };
    expect(isReply(entry({ entry: email('Shipped', '**Shipped**') }), markdownReply)).toBe(true);
    const discord: TimelineEntry['entry'] = { kind: 'discord', markdown: '**Shipped**', attachments: [] };
    expect(isReply(entry({ entry: discord }), markdownReply)).toBe(true);
  });

  it('a note, or any other entry, with the same text never counts', () => {
    const note: TimelineEntry['entry'] = { kind: 'note', text: criteria.textContent, markdown: null, attachments: [] };
    expect(isReply(entry({ entry: note }), criteria)).toBe(false);
    expect(isReply(entry({ entry: { kind: 'other', typename: 'CustomEntry' } }), criteria)).toBe(false);
  });

  it('every message kind is read: chat, Slack, Teams', () => {
    const text = criteria.textContent;
    const contents: TimelineEntry['entry'][] = [
      { kind: 'chat', text, attachments: [] },
      { kind: 'slack', text, attachments: [] },
      { kind: 'msTeams', text, markdown: null, attachments: [] },
    ];
    for (const content of contents) expect(isReply(entry({ entry: content }), criteria)).toBe(true);
  });

  it('findReplyIn gives the first match in the order given', () => {
    const entries = [
      entry({ id: 'te_3', entry: email('something else') }),
      entry({ id: 'te_2' }),
      entry({ id: 'te_1', offsetMs: 500 }),
    ];
    expect(findReplyIn(entries, criteria)?.id).toBe('te_2');
    expect(findReplyIn(entries.slice(0, 1), criteria)).toBeUndefined();
  });
});

function setUp() {
  const fake = createFakePlain();
  const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
  const customer = fake.addCustomer();
  const thread = fake.addThread({ channel: 'EMAIL', customer });
  const sentFrom = (from: number) => fake.requests.slice(from).map((r) => [r.operationName, r.variables]);
  return { fake, plain, customer, thread, sentFrom };
}

describe('findReply through the fake', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("finds the client's own reply: asks Plain who the key's machine user is once, then reads the newest page", async () => {
    const { plain, thread, sentFrom } = setUp();
    const since = new Date();
    await plain.replyToThread({ threadId: thread.id, textContent: 'Your order\n\nships today.' });
    const page = await plain.getTimeline({ threadId: thread.id });
    const replyEntry = page.data!.entries[0]!;

    const count = () => sentFrom(0).length;
    const n = count();
    const found = await plain.findReply({ threadId: thread.id, textContent: 'Your order ships today.', since });
    expect(found).toMatchObject({
      ok: true,
      data: { status: 'found', timelineEntryId: replyEntry.id, timestamp: replyEntry.timestamp },
    });
    expect(sentFrom(n)).toEqual([
      ['GetMyMachineUser', {}],
      ['GetTimeline', { threadId: thread.id, filters: null, first: 50 }],
    ]);
    const m = count();
    await plain.findReply({ threadId: thread.id, textContent: 'Your order ships today.', since });
    expect(sentFrom(m).map(([name]) => name)).toEqual(['GetTimeline']);
  });

  it('the same text sent before since never counts; sent again after it, it is found', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(SINCE - 60_000);
    const { plain, thread } = setUp();
    await plain.replyToThread({ threadId: thread.id, textContent: 'Thanks, fixed!' });
    vi.setSystemTime(SINCE);
    const input = { threadId: thread.id, textContent: 'Thanks, fixed!', since: new Date(SINCE) };
    expect((await plain.findReply(input)).data).toEqual({ status: 'not_found', complete: true });
    vi.setSystemTime(SINCE + 2_000);
    await plain.replyToThread({ threadId: thread.id, textContent: 'Thanks, fixed!' });
    const found = await plain.findReply(input);
    expect(found.data).toMatchObject({ status: 'found', timestamp: new Date(SINCE + 2_000).toISOString() });
  });

  it("another key's reply with the same text is not this key's", async () => {
    const { fake, plain, thread } = setUp();
    const otherKey = fake.addApiKey();
    const other = new PlainClient({ apiKey: otherKey, fetch: fake.fetch });
    const since = new Date();
    await other.replyToThread({ threadId: thread.id, textContent: 'On it.' });
    expect((await plain.findReply({ threadId: thread.id, textContent: 'On it.', since })).data).toEqual({
      status: 'not_found',
      complete: true,
    });
    const otherBot = fake.machineUser(otherKey);
    const asOther = { threadId: thread.id, textContent: 'On it.', since, author: { machineUserId: otherBot.id } };
    expect((await plain.findReply(asOther)).data).toMatchObject({ status: 'found' });
  });

  it('an impersonated reply is found with author { customerId }, and is not the bot’s', async () => {
    const { plain, thread, customer } = setUp();
    const since = new Date();
    await plain.replyToThread({
      threadId: thread.id,
      textContent: 'Here is the screenshot.',
      impersonation: { asCustomer: { customerIdentifier: { customerId: customer.id } } },
    });
    const input = { threadId: thread.id, textContent: 'Here is the screenshot.', since };
    expect((await plain.findReply(input)).data).toEqual({ status: 'not_found', complete: true });
    expect((await plain.findReply({ ...input, author: { customerId: customer.id } })).data).toMatchObject({
      status: 'found',
    });
  });

  it('a later message with different text (an edit, a correction) is not the reply', async () => {
    const { plain, thread } = setUp();
    const since = new Date();
    await plain.replyToThread({ threadId: thread.id, textContent: 'Refund issued for order 41.' });
    await plain.createNote({ customerId: thread.customerId, threadId: thread.id, text: 'Refund issued for order 42.' });
    const result = await plain.findReply({ threadId: thread.id, textContent: 'Refund issued for order 42.', since });
    expect(result.data).toEqual({ status: 'not_found', complete: true });
  });

  it('reads no further than maxPages: not found past the cap says the search was not complete', async () => {
    const { plain, thread, sentFrom } = setUp();
    const since = new Date();
    await plain.replyToThread({ threadId: thread.id, textContent: 'The one to find' });
    for (let n = 0; n < 60; n++) await plain.replyToThread({ threadId: thread.id, textContent: `update ${n}` });
    const n = sentFrom(0).length;
    const capped = await plain.findReply({ threadId: thread.id, textContent: 'The one to find', since, maxPages: 1 });
    expect(capped.data).toEqual({ status: 'not_found', complete: false });
    expect(sentFrom(n).filter(([name]) => name === 'GetTimeline')).toHaveLength(1);
    const m = sentFrom(0).length;
    const found = await plain.findReply({ threadId: thread.id, textContent: 'The one to find', since, maxPages: 2 });
    expect(found.data).toMatchObject({ status: 'found' });
    const timelineReads = sentFrom(m).filter(([name]) => name === 'GetTimeline');
    expect(timelineReads).toHaveLength(2);
    expect(timelineReads[1]?.[1]).toMatchObject({ first: 50, after: expect.any(String) });
  });
});

describe('findReply reads only back to since', () => {
  const bot = { __typename: 'MachineUserActor', machineUserId: 'machineUser_1' };
  const chat = (id: string, iso: string, text: string) => ({
    id,
    timestamp: { iso8601: iso },
    actor: bot,
    entry: { __typename: 'ChatEntry', chatText: text, attachments: [] },
  });
  const page = (nodes: unknown[], hasNextPage: boolean) => ({
    body: {
      data: {
        thread: {
          id: 'th_1',
          timelineEntries: {
            edges: nodes.map((node, i) => ({ cursor: `c${i}`, node })),
            pageInfo: { hasNextPage, hasPreviousPage: false, startCursor: 'c0', endCursor: `c${nodes.length - 1}` },
          },
        },
      },
    },
  });

  it('a page reaching back before since ends the search, though Plain has older pages', async () => {
    const plain = scriptedPlain({
      GetTimeline: [
        page([chat('te_2', '2026-11-30T10:00:03.000Z', 'other'), chat('te_1', '2026-11-30T09:00:00.000Z', 'Hi')], true),
      ],
    });
    const client = new PlainClient({ apiKey: 'plainApiKey_test_0123456789', fetch: plain.fetch });
    const result = await client.findReply({
      threadId: 'th_1',
      textContent: 'Hi',
      since: '2026-11-30T10:00:00.000Z',
      author: { machineUserId: 'machineUser_1' },
    });
    expect(result.data).toEqual({ status: 'not_found', complete: true });
    expect(plain.operations()).toEqual(['GetTimeline']);
    expect(plain.schemaProblems).toEqual([]);
  });

  it("a key that is not a machine user's needs an author", async () => {
    const plain = scriptedPlain({ GetMyMachineUser: { body: { data: { myMachineUser: null } } } });
    const client = new PlainClient({ apiKey: 'plainApiKey_test_0123456789', fetch: plain.fetch });
    const result = await client.findReply({ threadId: 'th_1', textContent: 'Hi', since: new Date() });
    expect(result.error).toMatchObject({ kind: 'invalid_input', issues: [{ path: 'author' }] });
    expect(plain.operations()).toEqual(['GetMyMachineUser']);
  });

  it('a timeline read that fails is the failure, not a not_found', async () => {
    const plain = scriptedPlain({ GetTimeline: { status: 502, body: {} } });
    const client = new PlainClient({ apiKey: 'plainApiKey_test_0123456789', fetch: plain.fetch, maxRetries: 0 });
    const input = { threadId: 'th_1', textContent: 'Hi', since: new Date(), author: { customerId: 'c_1' } };
    expect((await client.findReply(input)).error).toMatchObject({ kind: 'server_error' });
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['since that is not a time', { since: 'yesterday' }, 'since'],
    ['since missing', { since: undefined }, 'since'],
    ['a blank text', { textContent: '  ' }, 'textContent'],
    ['two authors', { author: { customerId: 'c_1', machineUserId: 'm_1' } }, 'author'],
    ['maxPages over 20', { maxPages: 21 }, 'maxPages'],
    ['a negative clock skew', { clockSkewMs: -1 }, 'clockSkewMs'],
    ['no threadId', { threadId: undefined }, 'threadId'],
  ];
  it.each(bad)('%s: invalid_input naming the field, nothing sent', async (_name, change, path) => {
    const plain = scriptedPlain({});
    const client = new PlainClient({ apiKey: 'plainApiKey_test_0123456789', fetch: plain.fetch });
    const input = { threadId: 'th_1', textContent: 'Hi', since: new Date(), ...change };
    const result = await client.findReply(input as never);
    expect(result.error).toMatchObject({ kind: 'invalid_input', issues: [expect.objectContaining({ path })] });
    expect(plain.requests).toEqual([]);
  });
});
