import { afterEach, describe, expect, it, vi } from 'vitest';
import { PlainClient, type PlainClientOptions, type ReplyOptions, type ThreadChannel } from '../src/index.js';
import { createFakePlain, type FakeFault } from '../src/testing/index.js';

// Exactly-once replies: after a failure that may have been sent, the client looks the reply up on the thread's
// timeline instead of leaving the caller to guess.

/** The operation findReply reads the timeline with. */
const TIMELINE = 'GetTimeline';

function setup(options: Partial<PlainClientOptions> = {}, channel: ThreadChannel = 'EMAIL') {
  const fake = createFakePlain();
  const thread = fake.addThread({ channel });
  const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch, timeoutMs: 200, ...options });
  const known = { thread: { id: thread.id, channel } };
  // Short waits: the fake's timeline is consistent at once.
  const fast = { settleMs: 0, secondLookMs: 0 };
  const reply = (text: string, extra: ReplyOptions = {}) =>
    plain.replyToThread({ threadId: thread.id, textContent: text }, { ...known, confirm: fast, ...extra });
  const sentOps = () => fake.requests.map((r) => r.operationName);
  const replyFault = (fault: FakeFault) => fake.failNext({ ...fault, operation: 'ReplyToThread' });
  return { fake, thread, plain, reply, sentOps, replyFault, known };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('exactly-once replies (confirm)', () => {
  it('is off by default: an ambiguous failure is reported as before, and nothing else is sent', async () => {
    const { fake, thread, plain, sentOps, replyFault, known } = setup();
    replyFault({ status: 500, afterRecording: true });
    const result = await plain.replyToThread({ threadId: thread.id, textContent: 'hi' }, known);
    expect(result.error).toMatchObject({ kind: 'server_error', mayHaveBeenSent: true, retryable: false });
    expect(result.error?.confirmation).toBeUndefined();
    expect(sentOps()).toEqual(['ReplyToThread']);
    expect(fake.messages(thread.id)).toHaveLength(1);
  });

  it('a reply that landed before the answer was lost resolves ok, confirmed by the timeline, and is not sent again', async () => {
    const { fake, thread, reply, sentOps, replyFault } = setup();
    replyFault({ status: 500, afterRecording: true });
    const result = await reply('Thanks, fixed!');
    expect(result).toMatchObject({
      ok: true,
      data: { threadId: thread.id, channel: 'EMAIL', confirmedBy: 'timeline', timelineEntryId: expect.any(String) },
    });
    expect(fake.messages(thread.id).map((m) => m.text)).toEqual(['Thanks, fixed!']);
    expect(sentOps().filter((op) => op === 'ReplyToThread')).toHaveLength(1);
    expect(sentOps()).toContain(TIMELINE);
  });

  it.each<[string, FakeFault]>([
    ['dropped connection', { drop: 'after' }],
    ['answer that never comes in time', { afterRecording: true, delayMs: 10_000 }],
  ])('confirms a reply recorded before a %s', async (_, fault) => {
    const { fake, thread, reply, replyFault } = setup();
    replyFault(fault);
    expect(await reply('landed')).toMatchObject({ ok: true, data: { confirmedBy: 'timeline' } });
    expect(fake.messages(thread.id)).toHaveLength(1);
  });

  it('a reply that did not land is sent again exactly once, and resolves ok', async () => {
    const { fake, thread, reply, sentOps, replyFault } = setup();
    replyFault({ status: 500 });
    const result = await reply('second try');
    expect(result).toMatchObject({ ok: true, data: { threadId: thread.id } });
    expect(result.data?.confirmedBy).toBeUndefined();
    expect(fake.messages(thread.id).map((m) => m.text)).toEqual(['second try']);
    const replies = fake.requests.filter((r) => r.operationName === 'ReplyToThread');
    expect(replies).toHaveLength(2);
    expect(replies[1]?.variables).toEqual(replies[0]?.variables);
    expect(sentOps().indexOf(TIMELINE)).toBeLessThan(sentOps().lastIndexOf('ReplyToThread'));
  });

  it('looks again after the next ambiguity, and stops at the retry budget with a retryable failure', async () => {
    const { fake, thread, reply, replyFault } = setup({ maxRetries: 1 });
    replyFault({ status: 500, times: 2 });
    const result = await reply('never lands');
    expect(result.error).toMatchObject({
      kind: 'server_error',
      retryable: true,
      attempts: 2,
      confirmation: { status: 'not_found', lookups: 2 },
    });
    expect(result.error?.mayHaveBeenSent).toBeUndefined();
    expect(result.error?.message).toContain('not on the thread');
    expect(fake.messages(thread.id)).toHaveLength(0);
    expect(fake.requests.filter((r) => r.operationName === 'ReplyToThread')).toHaveLength(2);
  });

  it('when the lookup fails, the original failure is kept with mayHaveBeenSent, and says the timeline could not tell', async () => {
    const { fake, thread, reply, sentOps, replyFault } = setup({ maxRetries: 0 });
    replyFault({ status: 500, afterRecording: true });
    fake.failNext({ status: 503, operation: TIMELINE });
    const result = await reply('unknown fate');
    expect(result.error).toMatchObject({
      kind: 'server_error',
      mayHaveBeenSent: true,
      retryable: false,
      confirmation: {
        status: 'could_not_tell',
        lookups: 1,
        reason: 'lookup_failed',
        lookupError: { kind: 'server_error' },
      },
    });
    expect(result.error?.message).toContain('may have been sent');
    expect(sentOps().filter((op) => op === 'ReplyToThread')).toHaveLength(1);
    expect(fake.messages(thread.id)).toHaveLength(1);
  });

  it('does not count the same text sent earlier than the call (before `since`): the reply is sent again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T10:00:00Z'));
    const { fake, thread, reply, replyFault } = setup();
    expect(await reply('Thanks!')).toMatchObject({ ok: true });
    vi.setSystemTime(new Date('2026-12-01T10:05:00Z'));
    replyFault({ status: 500 });
    const result = await reply('Thanks!');
    expect(result).toMatchObject({ ok: true });
    expect(result.data?.confirmedBy).toBeUndefined();
    expect(fake.messages(thread.id).map((m) => m.text)).toEqual(['Thanks!', 'Thanks!']);
  });

  it("does not count the same text by another author: the customer's own message", async () => {
    const { fake, thread, reply, replyFault } = setup({}, 'CHAT');
    await fake.customerWrites({ threadId: thread.id, text: 'ok' });
    replyFault({ status: 500 });
    expect(await reply('ok')).toMatchObject({ ok: true, data: { channel: 'CHAT' } });
    expect(fake.messages(thread.id).map((m) => m.text)).toEqual(['ok']);
  });

  it('looks for a reply sent as a customer under that customer', async () => {
    const { fake, thread, plain, known, replyFault } = setup({}, 'CHAT');
    const customerId = fake.thread(thread.id)!.customerId;
    replyFault({ status: 500, afterRecording: true });
    const result = await plain.replyToThread(
      {
        threadId: thread.id,
        textContent: 'as the customer',
        impersonation: { asCustomer: { customerIdentifier: { customerId } } },
      },
      { ...known, confirm: { settleMs: 0, secondLookMs: 0 } },
    );
    expect(result).toMatchObject({ ok: true, data: { confirmedBy: 'timeline' } });
    expect(fake.messages(thread.id)).toHaveLength(1);
    expect(fake.requests.map((r) => r.operationName)).not.toContain('GetMyMachineUser');
  });

  it('looks for a reply sent as a customer named by email under that customer, looked up once', async () => {
    const { fake, thread, plain, known, replyFault } = setup({}, 'CHAT');
    const customer = fake.addCustomer({ email: 'ada@customers.example' });
    replyFault({ drop: 'after' });
    const result = await plain.replyToThread(
      {
        threadId: thread.id,
        textContent: 'as Ada',
        impersonation: { asCustomer: { customerIdentifier: { emailAddress: customer.email } } },
      },
      { ...known, confirm: { settleMs: 0, secondLookMs: 0 } },
    );
    expect(result).toMatchObject({ ok: true, data: { confirmedBy: 'timeline' } });
    expect(fake.requests.filter((r) => r.operationName === 'GetCustomerByEmail')).toHaveLength(1);
  });

  it('cannot tell when more was written on the thread since the reply than a lookup reads: the flag is kept', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T10:00:00Z'));
    const { fake, thread, reply, sentOps, replyFault } = setup({ maxRetries: 0 }, 'CHAT');
    for (let n = 0; n < 260; n++) await fake.customerWrites({ threadId: thread.id, text: `message ${n}` });
    replyFault({ status: 500 });
    const result = await reply('lost in the crowd');
    expect(result.error).toMatchObject({
      kind: 'server_error',
      mayHaveBeenSent: true,
      confirmation: { status: 'could_not_tell', reason: 'search_incomplete' },
    });
    expect(sentOps().filter((op) => op === 'ReplyToThread')).toHaveLength(1);
  });

  it('an abort during the settling window resolves aborted at once, flagged mayHaveBeenSent', async () => {
    const controller = new AbortController();
    // Abort once the reply's answer is in: the client is then waiting (a minute) for the reply to settle.
    const onResponse = ({ operationName }: { operationName: string }) => {
      if (operationName === 'ReplyToThread') setTimeout(() => controller.abort(), 5);
    };
    const { reply, sentOps, replyFault } = setup({ onResponse });
    replyFault({ status: 500, afterRecording: true });
    const result = await reply('abort me', { signal: controller.signal, confirm: { settleMs: 60_000 } });
    expect(result.error).toMatchObject({
      kind: 'aborted',
      mayHaveBeenSent: true,
      retryable: false,
      confirmation: { status: 'could_not_tell', reason: 'aborted' },
    });
    expect(sentOps()).not.toContain(TIMELINE);
  });

  it('the client option confirms every reply, and a call can turn it off', async () => {
    const { fake, thread, plain, known, replyFault } = setup({ confirmReplies: { settleMs: 0, secondLookMs: 0 } });
    replyFault({ drop: 'after' });
    const confirmed = await plain.replyToThread({ threadId: thread.id, textContent: 'a' }, known);
    expect(confirmed).toMatchObject({ ok: true, data: { confirmedBy: 'timeline' } });
    replyFault({ drop: 'after' });
    const off = await plain.replyToThread({ threadId: thread.id, textContent: 'b' }, { ...known, confirm: false });
    expect(off.error).toMatchObject({ kind: 'network', mayHaveBeenSent: true });
    expect(fake.messages(thread.id).map((m) => m.text)).toEqual(['a', 'b']);
  });

  it.each<[string, unknown, string]>([
    ['a string', 'yes', 'options.confirm'],
    ['a negative settling window', { settleMs: -1 }, 'options.confirm.settleMs'],
    ['a fractional second look', { secondLookMs: 1.5 }, 'options.confirm.secondLookMs'],
    ['a tolerance that is not a number', { sinceToleranceMs: '5s' }, 'options.confirm.sinceToleranceMs'],
    ['a tolerance over five minutes', { sinceToleranceMs: 300_001 }, 'options.confirm.sinceToleranceMs'],
  ])('refuses %s as the confirm option, naming it, with nothing sent', async (_, confirm, path) => {
    const { fake, thread, plain } = setup();
    const result = await plain.replyToThread({ threadId: thread.id, textContent: 'x' }, {
      confirm,
    } as unknown as ReplyOptions);
    expect(result.error).toMatchObject({ kind: 'invalid_input', issues: [{ path }] });
    expect(fake.requests).toEqual([]);
  });

  it.each<[string, unknown, RegExp]>([
    ['a negative settling window', { settleMs: -5 }, /confirmReplies\.settleMs/],
    ['a fractional second look', { secondLookMs: 1.5 }, /confirmReplies\.secondLookMs/],
    ['a tolerance over five minutes', { sinceToleranceMs: 300_001 }, /confirmReplies\.sinceToleranceMs .*300000/],
    ["a settling window past a timer's longest delay", { settleMs: 2 ** 31 }, /confirmReplies\.settleMs/],
    ['a string', 'yes', /confirmReplies must be true, false or/],
    ['null', null, /confirmReplies must be true, false or/],
    ['a list', [], /confirmReplies must be true, false or/],
  ])('refuses %s as confirmReplies when the client is built, naming it', (_, confirmReplies, named) => {
    const fake = createFakePlain();
    const options = { apiKey: fake.apiKey, fetch: fake.fetch, confirmReplies } as PlainClientOptions;
    expect(() => new PlainClient(options)).toThrow(named);
  });

  it('confirm: true on a call confirms with the defaults when the client does not confirm by default', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { fake, thread, plain, known, replyFault } = setup();
    replyFault({ drop: 'after' });
    const pending = plain.replyToThread({ threadId: thread.id, textContent: 'hi' }, { ...known, confirm: true });
    await vi.runAllTimersAsync();
    expect(await pending).toMatchObject({ ok: true, data: { confirmedBy: 'timeline' } });
    expect(fake.messages(thread.id)).toHaveLength(1);
  });
});
