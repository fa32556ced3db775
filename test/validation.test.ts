import { describe, expect, it } from 'vitest';
import { PlainClient } from '../src/index.js';
import { createFakePlain } from '../src/testing/index.js';
import {
  CustomerIdentifier,
  EmailParticipant,
  isDeliverableEmail,
  parseInput,
  ReplyToThreadInput,
} from '../src/validation.js';

const base = { threadId: 'th_1', textContent: 'Hello' };
const parseReply = (input: unknown) => parseInput(ReplyToThreadInput, input);
const asCustomer = (customerIdentifier: unknown) => ({
  ...base,
  impersonation: { asCustomer: { customerIdentifier } },
});
const withCc = (additionalRecipients: unknown, hiddenRecipients?: unknown) => ({
  ...base,
  channelSpecificOptions: { email: { additionalRecipients, hiddenRecipients } },
});
const UNREADABLE = 'could not be read (a getter or Proxy threw)';

const DELIVERABLE = [
  'a&b@example.com',
  'customer/department=shipping@example.com',
  "o'brien@example.com",
  'user+tag@example.com',
  'user@bücher.de',
  'josé@example.com',
  '用户@例子.广告',
  'user@xn--bcher-kva.de',
  'user@example.xn--p1ai',
  '"quoted local"@example.com',
  '"at@inside"@example.com',
  '"escaped \\" quote"@example.com',
  'x@sub.domain.example',
  'first.last@example.co.uk',
  "!#$%&'*+-/=?^_`{|}~@example.com",
  'a@b.cd',
  'USER@EXAMPLE.COM',
  'user@123.example.com',
  `${'l'.repeat(64)}@example.com`,
  `a@${'d'.repeat(63)}.com`,
  `${'l'.repeat(64)}@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(57)}.com`, // 254 characters
];

const NOT_ADDRESSES: [string, string][] = [
  ['no @', 'plain.example.com'],
  ['an empty local part', '@example.com'],
  ['an empty domain', 'user@'],
  ['an empty quoted local part', '""@example.com'],
  ['a space', 'us er@example.com'],
  ['a leading space', ' user@example.com'],
  ['a trailing newline', 'user@example.com\n'],
  ['a no-break space', 'user\u00a0name@example.com'],
  ['an ideographic space', '用户\u3000@example.com'],
  ['a control character', 'user\u0000@example.com'],
  ['a lone surrogate', 'user\ud800@example.com'],
  ['two @ outside quotes', 'a@b@example.com'],
  ['a dotless domain', 'user@localhost'],
  ['a leading dot in the local part', '.user@example.com'],
  ['a trailing dot in the local part', 'user.@example.com'],
  ['consecutive dots in the local part', 'us..er@example.com'],
  ['consecutive dots in the domain', 'user@example..com'],
  ['a trailing dot in the domain', 'user@example.com.'],
  ['a label starting with a hyphen', 'user@-example.com'],
  ['a label ending with a hyphen', 'user@example-.com'],
  ['an underscore in the domain', 'user@exa_mple.com'],
  ['an IP address', 'user@192.168.0.1'],
  ['a domain literal', 'user@[192.168.0.1]'],
  ['a display name', 'Ada <ada@example.com>'],
  ['an unbalanced quote', '"quoted@example.com'],
  ['a bare quote inside quotes', '"a"b"@example.com'],
  ['a comma', 'a,b@example.com'],
  ['a local part over 64 characters', `${'l'.repeat(65)}@example.com`],
  ['a label over 63 characters', `a@${'d'.repeat(64)}.com`],
  ['over 254 characters', `${'l'.repeat(64)}@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(58)}.com`],
];

describe('email addresses: every address Plain could deliver to, and nothing that is not an address', () => {
  it.each(DELIVERABLE)('accepts %s', async (address) => {
    expect(isDeliverableEmail(address)).toBe(true);
    expect(await parseReply(withCc([{ email: address }]))).toMatchObject({ ok: true });
    expect(await parseReply(asCustomer({ emailAddress: address }))).toMatchObject({ ok: true });
  });

  it.each(NOT_ADDRESSES)('refuses %s', async (_, address) => {
    expect(isDeliverableEmail(address)).toBe(false);
    expect(await parseReply(withCc([{ email: 'ok@example.com' }, { email: address }]))).toEqual({
      ok: false,
      issues: [
        {
          path: 'channelSpecificOptions.email.additionalRecipients[1].email',
          message: expect.stringMatching(/valid email|at most 254/),
        },
      ],
    });
    expect(await parseReply(asCustomer({ emailAddress: address }))).toMatchObject({
      ok: false,
      issues: [{ path: 'impersonation.asCustomer.customerIdentifier.emailAddress' }],
    });
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 42, {}, ['a@b.cd']]) expect(isDeliverableEmail(value)).toBe(false);
  });

  it('sends an accepted address exactly as given', async () => {
    const cc = DELIVERABLE.map((email) => ({ email }));
    expect(await parseReply(withCc(cc))).toEqual({
      ok: true,
      data: { ...base, channelSpecificOptions: { email: { additionalRecipients: cc } } },
    });
  });
});

describe('null for an unused customer identifier field means absent', () => {
  it.each([
    [{ customerId: 'c_1', emailAddress: null, externalId: null }, { customerId: 'c_1' }],
    [{ emailAddress: 'ada@example.com', customerId: null }, { emailAddress: 'ada@example.com' }],
    [{ externalId: 'user-42', emailAddress: null, customerId: undefined }, { externalId: 'user-42' }],
  ])('%j is sent as %j', async (given, sent) => {
    expect(await parseReply(asCustomer(given))).toEqual({ ok: true, data: asCustomer(sent) });
    expect(await parseInput(CustomerIdentifier, given)).toEqual({ ok: true, data: sent });
  });

  it.each([
    ['all null', { customerId: null, emailAddress: null, externalId: null }],
    ['two given beside a null', { customerId: 'c_1', emailAddress: 'ada@example.com', externalId: null }],
  ])('exactly one is still required: %s', async (_, given) => {
    expect(await parseReply(asCustomer(given))).toEqual({
      ok: false,
      issues: [
        {
          path: 'impersonation.asCustomer.customerIdentifier',
          message: 'give exactly one of emailAddress, customerId or externalId',
        },
      ],
    });
  });

  it('a null recipient name and null optional fields of the reply are still sent as null', async () => {
    const input = {
      ...base,
      markdownContent: null,
      attachmentIds: null,
      impersonation: null,
      channelSpecificOptions: null,
    };
    expect(await parseReply(input)).toEqual({ ok: true, data: input });
    expect(await parseInput(EmailParticipant, { email: 'a@b.cd', name: null })).toEqual({
      ok: true,
      data: { email: 'a@b.cd', name: null },
    });
  });
});

const throwing = () => {
  throw new Error('getter exploded');
};

describe('inputs whose getters or Proxies throw are refused, never thrown', () => {
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  const cases: [string, () => unknown, string][] = [
    [
      'a getter on the input',
      () => ({
        get threadId() {
          return throwing();
        },
        textContent: 'Hi',
      }),
      'threadId',
    ],
    [
      'a getter on a later field',
      () => ({
        ...base,
        get markdownContent() {
          return throwing();
        },
      }),
      'markdownContent',
    ],
    [
      'a getter on the prototype',
      () =>
        Object.create(
          {
            get textContent() {
              return throwing();
            },
          },
          { threadId: { value: 'th_1' } },
        ),
      'textContent',
    ],
    ['a Proxy whose get trap throws', () => new Proxy(base, { get: throwing }), 'threadId'],
    ['a Proxy whose has trap throws', () => new Proxy(base, { has: throwing }), 'threadId'],
    ['a revoked Proxy as the input', revoked, '(input)'],
    [
      'a revoked Proxy as a nested object',
      () => ({ ...base, channelSpecificOptions: revoked() }),
      'channelSpecificOptions',
    ],
    [
      'a getter three objects deep',
      () =>
        asCustomer({
          get externalId() {
            return throwing();
          },
        }),
      'impersonation.asCustomer.customerIdentifier.externalId',
    ],
    [
      'a getter on an array item',
      () => ({ ...base, attachmentIds: Object.defineProperty(['att_1', 'att_2'], 1, { get: throwing }) }),
      'attachmentIds[1]',
    ],
    [
      'an array Proxy whose length throws',
      () => ({
        ...base,
        attachmentIds: new Proxy([], { get: (t, k) => (k === 'length' ? throwing() : Reflect.get(t, k)) }),
      }),
      'attachmentIds.length',
    ],
    [
      'a getter in a recipient',
      () =>
        withCc([
          { email: 'a@b.cd' },
          {
            get email() {
              return throwing();
            },
          },
        ]),
      'channelSpecificOptions.email.additionalRecipients[1].email',
    ],
    [
      'a frozen object over a throwing getter',
      () =>
        Object.freeze({
          ...base,
          channelSpecificOptions: Object.freeze({
            get email() {
              return throwing();
            },
          }),
        }),
      'channelSpecificOptions',
    ],
  ];

  it.each(cases)('%s: invalid_input-shaped issues naming %s', async (_, make, path) => {
    await expect(parseReply(make())).resolves.toEqual({ ok: false, issues: [{ path, message: UNREADABLE }] });
  });

  it('a getter that throws only the first time is still refused, at the input', async () => {
    let reads = 0;
    const input = {
      ...base,
      get textContent() {
        reads += 1;
        if (reads === 1) throw new Error('once');
        return 'Hello';
      },
    };
    expect(await parseReply(input)).toEqual({ ok: false, issues: [{ path: '(input)', message: UNREADABLE }] });
  });

  it('a thrown value that is not an Error, or whose message getter throws, changes nothing', async () => {
    const hostile = {
      get message() {
        return throwing();
      },
    };
    const input = {
      ...base,
      get threadId() {
        throw hostile;
      },
    };
    expect(await parseReply(input)).toEqual({ ok: false, issues: [{ path: 'threadId', message: UNREADABLE }] });
  });
});

describe('sizes are bounded before anything else reads the value', () => {
  const id = (n: number) => 'i'.repeat(n);
  const people = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ email: `p${from + i}@example.com` }));
  const cases: [string, (n: number) => unknown, number, string, string][] = [
    [
      'textContent',
      (n) => ({ ...base, textContent: 'x'.repeat(n) }),
      100_000,
      'textContent',
      'must be at most 100,000 characters',
    ],
    [
      'markdownContent',
      (n) => ({ ...base, markdownContent: 'x'.repeat(n) }),
      100_000,
      'markdownContent',
      'must be at most 100,000 characters',
    ],
    ['threadId', (n) => ({ ...base, threadId: id(n) }), 1_000, 'threadId', 'must be at most 1,000 characters'],
    [
      'an attachment id',
      (n) => ({ ...base, attachmentIds: ['att_1', id(n)] }),
      1_000,
      'attachmentIds[1]',
      'must be at most 1,000 characters',
    ],
    [
      'customerId',
      (n) => asCustomer({ customerId: id(n) }),
      1_000,
      'impersonation.asCustomer.customerIdentifier.customerId',
      'must be at most 1,000 characters',
    ],
    [
      'externalId',
      (n) => asCustomer({ externalId: id(n) }),
      1_000,
      'impersonation.asCustomer.customerIdentifier.externalId',
      'must be at most 1,000 characters',
    ],
    [
      'a recipient name',
      (n) => withCc([{ email: 'a@b.cd', name: 'n'.repeat(n) }]),
      1_000,
      'channelSpecificOptions.email.additionalRecipients[0].name',
      'must be at most 1,000 characters',
    ],
    [
      'the number of attachmentIds',
      (n) => ({ ...base, attachmentIds: Array.from({ length: n }, (_, i) => `att_${i}`) }),
      100,
      'attachmentIds',
      'must hold at most 100 ids',
    ],
    [
      'the number of Cc',
      (n) => withCc(people(n)),
      100,
      'channelSpecificOptions.email.additionalRecipients',
      'must hold at most 100 recipients',
    ],
    [
      'the number of Bcc',
      (n) => withCc(undefined, people(n)),
      100,
      'channelSpecificOptions.email.hiddenRecipients',
      'must hold at most 100 recipients',
    ],
    [
      'the number of Cc and Bcc together',
      (n) => withCc(people(50), people(n - 50, 50)),
      100,
      'channelSpecificOptions.email',
      'must hold at most 100 Cc and Bcc recipients together',
    ],
    [
      'an email address',
      (n) => withCc([{ email: `${'l'.repeat(64)}@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(n - 197)}.com` }]),
      254,
      'channelSpecificOptions.email.additionalRecipients[0].email',
      'must be at most 254 characters',
    ],
  ];

  it.each(cases)('%s: the limit passes, one more fails with a path', async (_, make, limit, path, message) => {
    expect(await parseReply(make(limit))).toMatchObject({ ok: true });
    expect(await parseReply(make(limit + 1))).toEqual({ ok: false, issues: [{ path, message }] });
  });

  it('an email address over 254 characters is refused for its length alone', async () => {
    expect(await parseReply(asCustomer({ emailAddress: `${'a'.repeat(300)}@example.com` }))).toEqual({
      ok: false,
      issues: [
        { path: 'impersonation.asCustomer.customerIdentifier.emailAddress', message: 'must be at most 254 characters' },
      ],
    });
  });

  it('a 50 MB text gets the length issue alone, not the blank check too', async () => {
    const huge = ' '.repeat(50_000_000);
    expect(await parseReply({ ...base, textContent: huge, markdownContent: huge })).toEqual({
      ok: false,
      issues: [
        { path: 'textContent', message: 'must be at most 100,000 characters' },
        { path: 'markdownContent', message: 'must be at most 100,000 characters' },
      ],
    });
  });

  it('an oversized list is refused without reading a single item', async () => {
    const items = new Proxy(new Array(1_000_000), {
      get: (t, k) => (k === 'length' || typeof k === 'symbol' ? Reflect.get(t, k) : throwing()),
    });
    expect(await parseReply({ ...base, attachmentIds: items })).toEqual({
      ok: false,
      issues: [{ path: 'attachmentIds', message: 'must hold at most 100 ids' }],
    });
    expect(await parseReply(withCc(items))).toEqual({
      ok: false,
      issues: [
        { path: 'channelSpecificOptions.email.additionalRecipients', message: 'must hold at most 100 recipients' },
      ],
    });
  });
});

describe('replyToThread refuses hostile input with invalid_input and sends nothing', () => {
  const fake = createFakePlain();
  const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });

  it.each([
    [
      'a throwing getter',
      {
        get threadId(): string {
          return throwing();
        },
        textContent: 'Hi',
      },
      'threadId',
    ],
    ['a Proxy whose has trap throws', new Proxy(base, { has: throwing }), 'threadId'],
    [
      'a throwing getter deep in Cc',
      withCc([
        {
          get email() {
            return throwing();
          },
        },
      ]),
      'channelSpecificOptions.email.additionalRecipients[0].email',
    ],
    [
      'too many attachments',
      { ...base, attachmentIds: Array.from({ length: 101 }, (_, i) => `att_${i}`) },
      'attachmentIds',
    ],
  ])('%s', async (_, input, path) => {
    fake.reset();
    const result = await plain.replyToThread(input as ReplyToThreadInput);
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'invalid_input', attempts: 0, retryable: false, issues: [{ path }] },
    });
    expect(fake.requests.length).toBe(0);
  });

  it('sends real addresses and drops null customer identifiers', async () => {
    fake.reset();
    const customer = fake.addCustomer({ email: "o'brien@example.com" });
    const thread = fake.addThread({ channel: 'EMAIL', customer });
    const input = {
      threadId: thread.id,
      textContent: 'Hi',
      impersonation: {
        asCustomer: { customerIdentifier: { customerId: customer.id, emailAddress: null, externalId: null } },
      },
      channelSpecificOptions: {
        email: {
          additionalRecipients: [{ email: 'a&b@example.com' }],
          hiddenRecipients: [{ email: 'josé@bücher.de' }],
        },
      },
    };
    const result = await plain.replyToThread(input);
    expect(result).toMatchObject({ ok: true, data: { threadId: thread.id, channel: 'EMAIL' } });
    expect(fake.requests.map((r) => r.operationName)).toEqual(['GetThread', 'ReplyToThread']);
    expect(fake.requests[1]?.variables).toEqual({
      input: { ...input, impersonation: { asCustomer: { customerIdentifier: { customerId: customer.id } } } },
    });
  });
});
