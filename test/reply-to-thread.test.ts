import { describe, expect, it } from 'vitest';
import { PlainClient, type ReplyToThreadInput, type ThreadChannel } from '../src/index.js';
import { operationsSent, useFakePlain } from './support.js';

const { fake } = useFakePlain();
const client = (options: Partial<ConstructorParameters<typeof PlainClient>[0]> = {}) =>
  new PlainClient({ apiKey: fake.apiKey, ...options });

type Mode =
  | 'plain'
  | 'as customer by emailAddress'
  | 'as customer by customerId'
  | 'as customer by externalId'
  | 'cc and bcc';
const MODES: Mode[] = [
  'plain',
  'as customer by emailAddress',
  'as customer by customerId',
  'as customer by externalId',
  'cc and bcc',
];
const CHANNELS: ThreadChannel[] = ['EMAIL', 'API', 'SLACK', 'CHAT', 'MS_TEAMS', 'DISCORD', 'IMPORT', 'INTERNAL'];

function expected(
  channel: ThreadChannel,
  mode: Mode,
): 'ok' | 'channel_not_supported' | 'impersonation_not_supported' | 'channel_specific_options_not_supported' {
  if (['DISCORD', 'IMPORT', 'INTERNAL'].includes(channel)) return 'channel_not_supported';
  if (mode.startsWith('as customer') && channel === 'MS_TEAMS') return 'impersonation_not_supported';
  if (mode === 'cc and bcc' && !['EMAIL', 'API'].includes(channel)) return 'channel_specific_options_not_supported';
  return 'ok';
}

describe('replyToThread on every channel', () => {
  for (const channel of CHANNELS) {
    for (const mode of MODES) {
      const outcome = expected(channel, mode);
      it(`${channel}, ${mode}: ${outcome}`, async () => {
        const customer = fake.addCustomer({ email: 'ada@example.com', externalId: 'user-42' });
        const thread = fake.addThread({ channel, customer });
        const input: ReplyToThreadInput = {
          threadId: thread.id,
          textContent: 'Fixed in 2.1',
          markdownContent: '**Fixed** in 2.1',
        };
        if (mode === 'as customer by emailAddress')
          input.impersonation = { asCustomer: { customerIdentifier: { emailAddress: 'ada@example.com' } } };
        if (mode === 'as customer by customerId')
          input.impersonation = { asCustomer: { customerIdentifier: { customerId: customer.id } } };
        if (mode === 'as customer by externalId')
          input.impersonation = { asCustomer: { customerIdentifier: { externalId: 'user-42' } } };
        if (mode === 'cc and bcc') {
          input.channelSpecificOptions = {
            email: {
              additionalRecipients: [{ email: 'cc@example.com', name: 'Cc' }],
              hiddenRecipients: [{ email: 'bcc@example.com' }],
            },
          };
        }

        const result = await client().replyToThread(input);

        if (outcome === 'ok') {
          expect(result).toEqual({
            ok: true,
            data: { threadId: thread.id, channel },
            requestId: expect.stringMatching(/^fake-req-/),
            rateLimit: undefined,
          });
          expect(operationsSent(fake)).toEqual(['GetThread', 'ReplyToThread']);
          const sent = fake.requests[1]!;
          expect(sent.variables).toEqual({ input });
          expect(sent.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
          expect(sent.headers['user-agent']).toBe('plain-client/0.1.0');
          const [message] = fake.messages(thread.id);
          expect(message!.text).toBe('Fixed in 2.1');
          expect(message!.author).toEqual(
            mode.startsWith('as customer')
              ? { kind: 'customer', customerId: customer.id, email: 'ada@example.com' }
              : { kind: 'machine_user', apiKey: fake.apiKey },
          );
          if (mode === 'cc and bcc') {
            expect(message!.cc).toEqual([{ email: 'cc@example.com', name: 'Cc' }]);
            expect(message!.bcc).toEqual([{ email: 'bcc@example.com' }]);
          }
        } else {
          expect(result.ok).toBe(false);
          expect(result.error).toMatchObject({
            kind: 'cannot_reply_to_thread',
            source: 'local',
            channel,
            reason: outcome,
            attempts: 0,
            retryable: false,
          });
          expect(result.error!.message).toContain(channel);
          expect(operationsSent(fake)).toEqual(['GetThread']);
          expect(fake.messages(thread.id)).toEqual([]);
        }
      });
    }
  }
});

describe('local validation: invalid_input, and nothing is sent', () => {
  const base = { threadId: 'th_1', textContent: 'Hello' };
  const cases: [string, unknown, string, string][] = [
    ['empty threadId', { ...base, threadId: '' }, 'threadId', 'must not be empty'],
    ['missing threadId', { textContent: 'Hello' }, 'threadId', 'is required'],
    ['blank textContent', { ...base, textContent: ' \n\t' }, 'textContent', 'must not be empty'],
    ['textContent not a string', { ...base, textContent: 42 }, 'textContent', 'must be a string'],
    [
      'two customer identifiers',
      {
        ...base,
        impersonation: { asCustomer: { customerIdentifier: { emailAddress: 'a@example.com', customerId: 'c_1' } } },
      },
      'impersonation.asCustomer.customerIdentifier',
      'exactly one',
    ],
    [
      'no customer identifier',
      { ...base, impersonation: { asCustomer: { customerIdentifier: {} } } },
      'impersonation.asCustomer.customerIdentifier',
      'exactly one',
    ],
    [
      'malformed impersonated email',
      { ...base, impersonation: { asCustomer: { customerIdentifier: { emailAddress: 'ada' } } } },
      'impersonation.asCustomer.customerIdentifier.emailAddress',
      'valid email',
    ],
    [
      'blank externalId',
      { ...base, impersonation: { asCustomer: { customerIdentifier: { externalId: ' ' } } } },
      'impersonation.asCustomer.customerIdentifier.externalId',
      'must not be empty',
    ],
    [
      'malformed Bcc',
      {
        ...base,
        channelSpecificOptions: {
          email: { hiddenRecipients: [{ email: 'ok@example.com' }, { email: 'not-an-email' }] },
        },
      },
      'channelSpecificOptions.email.hiddenRecipients[1].email',
      'valid email',
    ],
    [
      'same address in Cc and Bcc',
      {
        ...base,
        channelSpecificOptions: {
          email: {
            additionalRecipients: [{ email: 'Ana@example.com' }],
            hiddenRecipients: [{ email: 'ana@example.com' }],
          },
        },
      },
      'channelSpecificOptions.email.hiddenRecipients[0].email',
      'more than once',
    ],
    [
      'email options missing email',
      { ...base, channelSpecificOptions: {} },
      'channelSpecificOptions.email',
      'required',
    ],
    ['blank attachment id', { ...base, attachmentIds: ['att_1', ''] }, 'attachmentIds[1]', 'must not be empty'],
  ];
  for (const [name, input, path, message] of cases) {
    it(name, async () => {
      const result = await client().replyToThread(input as ReplyToThreadInput);
      expect(result.ok).toBe(false);
      if (result.ok || result.error.kind !== 'invalid_input')
        throw new Error(`expected invalid_input, got ${JSON.stringify(result)}`);
      expect(result.error.issues).toContainEqual({ path, message: expect.stringContaining(message) });
      expect(result.error.message).toContain(path);
      expect(result.error).toMatchObject({ attempts: 0, retryable: false });
      expect(fake.requests).toEqual([]);
    });
  }

  it('does not send keys Plain does not know', async () => {
    const thread = fake.addThread({ channel: 'EMAIL' });
    const result = await client().replyToThread({
      threadId: thread.id,
      textContent: 'Hi',
      surprise: true,
    } as ReplyToThreadInput);
    expect(result.ok).toBe(true);
    expect(fake.requests[1]!.variables).toEqual({ input: { threadId: thread.id, textContent: 'Hi' } });
  });
});

describe('what Plain refuses', () => {
  it('an unknown thread: thread_not_found from the lookup, no mutation sent', async () => {
    const result = await client().replyToThread({ threadId: 'th_missing', textContent: 'Hi' });
    expect(result.error).toMatchObject({
      kind: 'thread_not_found',
      threadId: 'th_missing',
      requestId: 'fake-req-1',
      retryable: false,
    });
    expect(operationsSent(fake)).toEqual(['GetThread']);
  });

  it("a server cannot_reply_to_thread keeps Plain's message and forgets the channel", async () => {
    const thread = fake.addThread({ channel: 'DISCORD' });
    const plain = client();
    // A wrong channel from the caller slips past the local check; Plain refuses.
    const result = await plain.replyToThread(
      { threadId: thread.id, textContent: 'Hi' },
      { thread: { id: thread.id, channel: 'EMAIL' } },
    );
    expect(result.error).toMatchObject({
      kind: 'cannot_reply_to_thread',
      source: 'server',
      reason: 'server',
      channel: 'EMAIL',
      requestId: 'fake-req-1',
    });
    expect(result.error!.message).toContain('Replying to DISCORD threads is not supported');
    expect(operationsSent(fake)).toEqual(['ReplyToThread']);
  });

  it('a key without thread:reply: forbidden naming the permission', async () => {
    const thread = fake.addThread({ channel: 'EMAIL' });
    const key = fake.addApiKey({ permissions: ['thread:read'] });
    const result = await client({ apiKey: key }).replyToThread({ threadId: thread.id, textContent: 'Hi' });
    expect(result.error).toMatchObject({ kind: 'forbidden', permission: 'thread:reply', requestId: 'fake-req-2' });
    expect(result.error!.message).toContain('missing "thread:reply"');
    expect(fake.messages(thread.id)).toEqual([]);
  });

  it('a key without thread:read: forbidden from the lookup (HTTP 403)', async () => {
    const thread = fake.addThread({ channel: 'EMAIL' });
    const key = fake.addApiKey({ permissions: ['thread:reply'] });
    const result = await client({ apiKey: key }).replyToThread({ threadId: thread.id, textContent: 'Hi' });
    expect(result.error).toMatchObject({ kind: 'forbidden', permission: 'thread:read', status: 403 });
    expect(operationsSent(fake)).toEqual(['GetThread']);
  });

  it('impersonation without customer:impersonate: forbidden', async () => {
    const thread = fake.addThread({ channel: 'CHAT' });
    const key = fake.addApiKey({ permissions: ['thread:read', 'thread:reply'] });
    const result = await client({ apiKey: key }).replyToThread({
      threadId: thread.id,
      textContent: 'Hi',
      impersonation: { asCustomer: { customerIdentifier: { customerId: thread.customerId } } },
    });
    expect(result.error).toMatchObject({ kind: 'forbidden', permission: 'customer:impersonate' });
  });

  it('impersonation on a plan without it: forbidden', async () => {
    fake.impersonationAllowed = false;
    const thread = fake.addThread({ channel: 'EMAIL' });
    const result = await client().replyToThread({
      threadId: thread.id,
      textContent: 'Hi',
      impersonation: { asCustomer: { customerIdentifier: { customerId: thread.customerId } } },
    });
    expect(result.error).toMatchObject({ kind: 'forbidden' });
    expect(result.error!.message).toContain('plan');
  });

  it("impersonating an unknown customer: validation with Plain's fields", async () => {
    const thread = fake.addThread({ channel: 'EMAIL' });
    const result = await client().replyToThread({
      threadId: thread.id,
      textContent: 'Hi',
      impersonation: { asCustomer: { customerIdentifier: { externalId: 'nobody' } } },
    });
    expect(result.error).toMatchObject({
      kind: 'validation',
      code: 'input_validation',
      fields: [
        { field: 'impersonation.asCustomer.customerIdentifier', type: 'NOT_FOUND', message: 'Customer not found' },
      ],
    });
  });

  it('an unknown key: unauthenticated (HTTP 401)', async () => {
    const result = await client({ apiKey: 'plainApiKey_revoked' }).replyToThread({
      threadId: 'th_1',
      textContent: 'Hi',
    });
    expect(result.error).toMatchObject({
      kind: 'unauthenticated',
      status: 401,
      requestId: 'fake-req-1',
      retryable: false,
    });
  });

  it('a thread deleted between lookup and reply: thread_not_found, and the channel is forgotten', async () => {
    const thread = fake.addThread({ channel: 'EMAIL' });
    const plain = client();
    expect((await plain.replyToThread({ threadId: thread.id, textContent: 'one' })).ok).toBe(true);
    const { id, ...rest } = thread;
    fake.reset();
    fake.addThread({ ...rest, id: 'th_other', customer: fake.addCustomer({ id: rest.customerId }) });
    const gone = await plain.replyToThread({ threadId: id, textContent: 'two' });
    expect(gone.error).toMatchObject({ kind: 'thread_not_found' });
    expect(operationsSent(fake)).toEqual(['ReplyToThread']);
    await plain.replyToThread({ threadId: id, textContent: 'three' });
    expect(operationsSent(fake)).toEqual(['ReplyToThread', 'GetThread']);
  });
});

describe('channel memory', () => {
  it('looks a thread up once, then replies in one request', async () => {
    const thread = fake.addThread({ channel: 'SLACK' });
    const plain = client();
    await plain.replyToThread({ threadId: thread.id, textContent: 'one' });
    await plain.replyToThread({ threadId: thread.id, textContent: 'two' });
    expect(operationsSent(fake)).toEqual(['GetThread', 'ReplyToThread', 'ReplyToThread']);
    expect(fake.messages(thread.id).map((m) => m.text)).toEqual(['one', 'two']);
  });

  it('shares one lookup among concurrent replies to the same thread', async () => {
    const thread = fake.addThread({ channel: 'EMAIL' });
    const plain = client();
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => plain.replyToThread({ threadId: thread.id, textContent: `reply ${n}` })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(operationsSent(fake).filter((o) => o === 'GetThread')).toHaveLength(1);
    expect(fake.messages(thread.id)).toHaveLength(5);
  });

  it('forgets the least recently used thread past threadCacheSize', async () => {
    const [a, b, c] = [fake.addThread(), fake.addThread(), fake.addThread()];
    const plain = client({ threadCacheSize: 2 });
    for (const t of [a, b, c, b, a]) await plain.replyToThread({ threadId: t!.id, textContent: 'x' });
    const lookups = fake.requests.filter((r) => r.operationName === 'GetThread').map((r) => r.variables!.threadId);
    expect(lookups).toEqual([a!.id, b!.id, c!.id, a!.id]);
  });

  it('threadCacheSize 0 looks up every time', async () => {
    const thread = fake.addThread();
    const plain = client({ threadCacheSize: 0 });
    await plain.replyToThread({ threadId: thread.id, textContent: 'one' });
    await plain.replyToThread({ threadId: thread.id, textContent: 'two' });
    expect(operationsSent(fake)).toEqual(['GetThread', 'ReplyToThread', 'GetThread', 'ReplyToThread']);
  });

  it('uses a thread passed by the caller as is, and still refuses by its channel', async () => {
    const thread = fake.addThread({ channel: 'EMAIL' });
    const plain = client();
    expect(
      (
        await plain.replyToThread(
          { threadId: thread.id, textContent: 'x' },
          { thread: { id: thread.id, channel: 'EMAIL' } },
        )
      ).ok,
    ).toBe(true);
    const refused = await plain.replyToThread(
      {
        threadId: thread.id,
        textContent: 'x',
        impersonation: { asCustomer: { customerIdentifier: { customerId: 'c_1' } } },
      },
      { thread: { id: thread.id, channel: 'MS_TEAMS' } },
    );
    expect(refused.error).toMatchObject({
      kind: 'cannot_reply_to_thread',
      reason: 'impersonation_not_supported',
      source: 'local',
    });
    expect(operationsSent(fake)).toEqual(['ReplyToThread']);
  });

  it('getThreadByRef finds a thread and teaches the client its channel', async () => {
    const thread = fake.addThread({ channel: 'CHAT', ref: 'T-123', title: 'Login broken' });
    const plain = client();
    const found = await plain.getThreadByRef('T-123');
    expect(found).toMatchObject({
      ok: true,
      data: {
        id: thread.id,
        ref: 'T-123',
        title: 'Login broken',
        channel: 'CHAT',
        status: 'TODO',
        customer: { id: thread.customerId },
      },
    });
    await plain.replyToThread({ threadId: thread.id, textContent: 'On it' });
    expect(operationsSent(fake)).toEqual(['GetThreadByRef', 'ReplyToThread']);
    expect(fake.requests[0]!.variables).toEqual({ ref: 'T-123' });
    expect((await plain.getThreadByRef('T-999')).error).toMatchObject({ kind: 'thread_not_found', ref: 'T-999' });
  });
});
