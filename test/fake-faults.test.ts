import { describe, expect, it } from 'vitest';
import { PlainClient } from '../src/index.js';
import { createFakePlain, type FakeFault } from '../src/testing/index.js';

// Faults a user's resilience tests rely on: whether Plain recorded the reply before the answer went wrong decides
// whether sending it again would duplicate it.
describe('the fake fails a reply before or after recording it', () => {
  const setup = () => {
    const fake = createFakePlain();
    const thread = fake.addThread({ channel: 'EMAIL' });
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch, timeoutMs: 50, maxRetries: 0 });
    const reply = (text: string) =>
      plain.replyToThread({ threadId: thread.id, textContent: text }, { thread: { id: thread.id, channel: 'EMAIL' } });
    return { fake, thread, reply };
  };

  it.each<[string, FakeFault, string, number]>([
    ['an answer that never comes in time, after recording', { afterRecording: true, delayMs: 10_000 }, 'timeout', 1],
    ['an answer that never comes in time, before recording', { delayMs: 10_000 }, 'timeout', 0],
    ['a late 503 after recording', { afterRecording: true, delayMs: 5, status: 503 }, 'server_error', 1],
    ['a 503 before recording', { status: 503 }, 'server_error', 0],
    ['a dropped connection after recording', { drop: 'after' }, 'network', 1],
    ['a dropped connection before recording', { drop: 'before' }, 'network', 0],
  ])('%s', async (_, fault, kind, recorded) => {
    const { fake, thread, reply } = setup();
    fake.failNext({ ...fault, operation: 'ReplyToThread' });
    const result = await reply('hello');
    // The client cannot tell these apart: each may have been sent.
    expect(result.error).toMatchObject({ kind, mayHaveBeenSent: true, retryable: false });
    expect(fake.messages(thread.id)).toHaveLength(recorded);
    expect(fake.requests.map((r) => r.operationName)).toEqual(['ReplyToThread']);
  });

  it('applies a fault after recording to the named operation only', async () => {
    const { fake, thread, reply } = setup();
    fake.failNext({ afterRecording: true, delayMs: 10_000, operation: 'CreateNote' });
    expect(await reply('not delayed')).toMatchObject({ ok: true });
    expect(fake.messages(thread.id).map((m) => m.text)).toEqual(['not delayed']);
  });
});
