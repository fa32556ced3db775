import { describe, expect, expectTypeOf, it } from 'vitest';
import { type HandOffResult, PlainClient } from '../src/index.js';
import { changed, refused, scriptedPlain, serverError, threadSummary } from './scripted-plain.js';

const client = (fetch: typeof globalThis.fetch) => new PlainClient({ apiKey: 'plainApiKey_test_0123456789', fetch });
const thread = threadSummary('th_1', { status: 'TODO' });
const note = { id: 'n_1', text: 'Customer wants a refund', markdown: null };

/** Plain answering every step of a hand-off. */
const everyStep = () => ({
  GetThread: { body: { data: { thread } } },
  CreateNote: changed('createNote', { note }),
  UpdateThreadAgentStatus: changed('updateThreadAgentStatus', { thread }),
  UnassignThread: changed('unassignThread', { thread }),
  MarkThreadAsTodo: changed('markThreadAsTodo', { thread }),
});

describe("handOff follows Plain's documented order", () => {
  it('with a note and the customer id: note, HANDED_OFF, unassign, todo', async () => {
    const plain = scriptedPlain(everyStep());
    const result = await client(plain.fetch).handOff({
      threadId: 'th_1',
      customerId: 'c_1',
      note: 'Customer wants a refund',
    });
    expect(result).toEqual({
      ok: true,
      data: { thread, completedSteps: ['createNote', 'updateThreadAgentStatus', 'unassignThread', 'markThreadAsTodo'] },
      requestId: 'req-4',
      rateLimit: undefined,
    });
    expect(plain.requests.map((r) => [r.operationName, r.variables])).toEqual([
      ['CreateNote', { input: { customerId: 'c_1', threadId: 'th_1', text: 'Customer wants a refund' } }],
      ['UpdateThreadAgentStatus', { input: { threadId: 'th_1', agentStatus: 'HANDED_OFF' } }],
      ['UnassignThread', { input: { threadId: 'th_1' } }],
      ['MarkThreadAsTodo', { input: { threadId: 'th_1' } }],
    ]);
    expect(plain.schemaProblems).toEqual([]);
  });

  it("with a note but no customer id, the thread is looked up for its customer's id first", async () => {
    const plain = scriptedPlain(everyStep());
    const result = await client(plain.fetch).handOff({
      threadId: 'th_1',
      note: { text: 'Refund', markdown: '**Refund**' },
    });
    expect(result.ok).toBe(true);
    expect(plain.operations()).toEqual([
      'GetThread',
      'CreateNote',
      'UpdateThreadAgentStatus',
      'UnassignThread',
      'MarkThreadAsTodo',
    ]);
    expect(plain.requests[1]!.variables).toEqual({
      input: { customerId: 'c_1', threadId: 'th_1', text: 'Refund', markdown: '**Refund**' },
    });
  });

  it('without a note: HANDED_OFF, unassign, todo', async () => {
    const plain = scriptedPlain(everyStep());
    const result = await client(plain.fetch).handOff({ threadId: 'th_1' });
    expect(result).toMatchObject({
      ok: true,
      data: { completedSteps: ['updateThreadAgentStatus', 'unassignThread', 'markThreadAsTodo'] },
    });
    expect(plain.operations()).toEqual(['UpdateThreadAgentStatus', 'UnassignThread', 'MarkThreadAsTodo']);
  });
});

describe('handOff stops at the first step that fails and says which step failed and which ran', () => {
  it('unassign refused: the note and HANDED_OFF ran, todo was not sent', async () => {
    const plain = scriptedPlain({
      ...everyStep(),
      UnassignThread: refused('unassignThread', {
        message: 'Insufficient permissions, missing "thread:unassign".',
        type: 'FORBIDDEN',
        code: 'forbidden',
      }),
    });
    const result = await client(plain.fetch).handOff({ threadId: 'th_1', customerId: 'c_1', note: 'Refund' });
    expect(result).toMatchObject({
      ok: false,
      failedStep: 'unassignThread',
      completedSteps: ['createNote', 'updateThreadAgentStatus'],
      error: { kind: 'forbidden', permission: 'thread:unassign' },
    });
    expect(result.error!.message).toMatch(
      /^handOff stopped at unassignThread \(after createNote, updateThreadAgentStatus\): /,
    );
    expect(plain.operations()).toEqual(['CreateNote', 'UpdateThreadAgentStatus', 'UnassignThread']);
  });

  it('a note that may have been created is not sent again, and nothing after it is sent', async () => {
    const plain = scriptedPlain({ ...everyStep(), CreateNote: [serverError] });
    const result = await client(plain.fetch).handOff({ threadId: 'th_1', customerId: 'c_1', note: 'Refund' });
    expect(result).toMatchObject({
      ok: false,
      failedStep: 'createNote',
      completedSteps: [],
      error: { kind: 'server_error', mayHaveBeenSent: true },
    });
    expect(plain.operations()).toEqual(['CreateNote']);
  });

  it('a state change is retried within its step before the hand-off gives up', async () => {
    const plain = scriptedPlain({
      ...everyStep(),
      MarkThreadAsTodo: [serverError, changed('markThreadAsTodo', { thread })],
    });
    const result = await client(plain.fetch).handOff({ threadId: 'th_1' });
    expect(result.ok).toBe(true);
    expect(plain.operations()).toEqual([
      'UpdateThreadAgentStatus',
      'UnassignThread',
      'MarkThreadAsTodo',
      'MarkThreadAsTodo',
    ]);
  });

  it('the thread lookup for the note failing stops at createNote', async () => {
    const plain = scriptedPlain({ ...everyStep(), GetThread: { body: { data: { thread: null } } } });
    const result = await client(plain.fetch).handOff({ threadId: 'th_404', note: 'Refund' });
    expect(result).toMatchObject({
      ok: false,
      failedStep: 'createNote',
      completedSteps: [],
      error: { kind: 'thread_not_found' },
    });
  });

  it.each([
    [{}, 'threadId'],
    [{ threadId: 'th_1', note: '' }, 'note'],
    [{ threadId: 'th_1', note: { markdown: 'x' } }, 'note'],
    [{ threadId: 'th_1', customerId: '' }, 'customerId'],
  ])('refuses %j at %s before any step, nothing sent', async (input, path) => {
    const plain = scriptedPlain(everyStep());
    const result = await client(plain.fetch).handOff(input as never);
    expect(result).toMatchObject({
      ok: false,
      completedSteps: [],
      error: { kind: 'invalid_input', issues: [{ path }] },
    });
    expect(result.ok === false && result.failedStep).toBeUndefined();
    expect(plain.requests).toEqual([]);
  });
});

describe('types', () => {
  it('handOff resolves to a result that names the steps', () => {
    const plain = client(scriptedPlain({}).fetch);
    expectTypeOf(plain.handOff).returns.resolves.toEqualTypeOf<HandOffResult>();
    expectTypeOf<Extract<HandOffResult, { ok: false }>['failedStep']>().toEqualTypeOf<
      'createNote' | 'updateThreadAgentStatus' | 'unassignThread' | 'markThreadAsTodo' | undefined
    >();
  });
});
