import { describe, expect, expectTypeOf, it } from 'vitest';
import { PlainClient, type PlainError, type Result, type Thread } from '../src/index.js';
import { changed, refused, type ScriptedAnswer, scriptedPlain, serverError, threadSummary } from './scripted-plain.js';

const client = (fetch: typeof globalThis.fetch) => new PlainClient({ apiKey: 'plainApiKey_test_0123456789', fetch });

type Method =
  | 'markThreadAsDone'
  | 'markThreadAsTodo'
  | 'snoozeThread'
  | 'assignThread'
  | 'unassignThread'
  | 'addLabels'
  | 'removeLabels'
  | 'updateThreadAgentStatus'
  | 'createNote';

interface Case {
  method: Method;
  operationName: string;
  field: string;
  input: Record<string, unknown>;
  /** What the payload holds besides `error` on success, and the data the method resolves with. */
  payload: Record<string, unknown>;
  data: unknown;
  /** Inputs refused locally, each with the path of the first issue. */
  refusals: [unknown, string][];
}

const thread = threadSummary('th_1');
const label = { id: 'l_1', labelType: { id: 'lt_1' } };
const note = { id: 'n_1', text: 'Over to you', markdown: null };

const CASES: Case[] = [
  {
    method: 'markThreadAsDone',
    operationName: 'MarkThreadAsDone',
    field: 'markThreadAsDone',
    input: { threadId: 'th_1', statusDetail: 'DONE_MANUALLY_SET' },
    payload: { thread },
    data: thread,
    refusals: [
      [{}, 'threadId'],
      [{ threadId: ' ' }, 'threadId'],
      [{ threadId: 'th_1', statusDetail: 'SOMETIME' }, 'statusDetail'],
      ['th_1', '(input)'],
    ],
  },
  {
    method: 'markThreadAsTodo',
    operationName: 'MarkThreadAsTodo',
    field: 'markThreadAsTodo',
    input: { threadId: 'th_1' },
    payload: { thread },
    data: thread,
    refusals: [
      [{ threadId: 1 }, 'threadId'],
      [{ threadId: 'th_1', statusDetail: 'DONE_MANUALLY_SET' }, 'statusDetail'],
      [null, '(input)'],
    ],
  },
  {
    method: 'snoozeThread',
    operationName: 'SnoozeThread',
    field: 'snoozeThread',
    input: { threadId: 'th_1', durationSeconds: 3600 },
    payload: { thread },
    data: thread,
    refusals: [
      [{ threadId: 'th_1' }, 'durationSeconds'],
      [{ threadId: 'th_1', durationSeconds: 0 }, 'durationSeconds'],
      [{ threadId: 'th_1', durationSeconds: 1.5 }, 'durationSeconds'],
      [{ threadId: 'th_1', durationSeconds: '60' }, 'durationSeconds'],
      [{ threadId: 'th_1', durationSeconds: 2 ** 31 }, 'durationSeconds'],
      [{ threadId: 'th_1', statusDetail: 'WAITING_FOR_DURATION' }, 'durationSeconds'],
      [{ threadId: 'th_1', statusDetail: 'WAITING_FOR_GODOT' }, 'statusDetail'],
    ],
  },
  {
    method: 'assignThread',
    operationName: 'AssignThread',
    field: 'assignThread',
    input: { threadId: 'th_1', machineUserId: 'mu_1' },
    payload: { thread },
    data: thread,
    refusals: [
      [{ threadId: 'th_1' }, 'userId'],
      [{ threadId: 'th_1', userId: 'u_1', machineUserId: 'mu_1' }, 'userId'],
      [{ threadId: 'th_1', userId: '' }, 'userId'],
    ],
  },
  {
    method: 'unassignThread',
    operationName: 'UnassignThread',
    field: 'unassignThread',
    input: { threadId: 'th_1' },
    payload: { thread },
    data: thread,
    refusals: [
      [{}, 'threadId'],
      [[], '(input)'],
    ],
  },
  {
    method: 'addLabels',
    operationName: 'AddLabels',
    field: 'addLabels',
    input: { threadId: 'th_1', labelTypeIds: ['lt_1'] },
    payload: { labels: [label], thread },
    data: { labels: [label], thread },
    refusals: [
      [{ threadId: 'th_1', labelTypeIds: [] }, 'labelTypeIds'],
      [{ threadId: 'th_1' }, 'labelTypeIds'],
      [{ threadId: 'th_1', labelTypeIds: [''] }, 'labelTypeIds[0]'],
    ],
  },
  {
    method: 'removeLabels',
    operationName: 'RemoveLabels',
    field: 'removeLabels',
    input: { labelIds: ['l_1', 'l_2'] },
    payload: { thread },
    data: thread,
    refusals: [
      [{ labelIds: [] }, 'labelIds'],
      [{ labelIds: 'l_1' }, 'labelIds'],
    ],
  },
  {
    method: 'updateThreadAgentStatus',
    operationName: 'UpdateThreadAgentStatus',
    field: 'updateThreadAgentStatus',
    input: { threadId: 'th_1', agentStatus: 'HANDLED' },
    payload: { thread },
    data: thread,
    refusals: [
      [{ threadId: 'th_1' }, 'agentStatus'],
      [{ threadId: 'th_1', agentStatus: 'DONE' }, 'agentStatus'],
    ],
  },
  {
    method: 'createNote',
    operationName: 'CreateNote',
    field: 'createNote',
    input: { customerId: 'c_1', threadId: 'th_1', text: 'Over to you', markdown: null, attachmentIds: ['att_1'] },
    payload: { note },
    data: note,
    refusals: [
      [{ threadId: 'th_1', text: 'x' }, 'customerId'],
      [{ customerId: 'c_1', text: '  ' }, 'text'],
      [{ customerId: 'c_1', text: 'x', attachmentIds: [''] }, 'attachmentIds[0]'],
    ],
  },
];

const call = (plain: PlainClient, method: Method, input: unknown) =>
  (plain[method] as (input: unknown) => Promise<Result<unknown>>)(input);

describe("each state change sends its operation with Plain's input and resolves with what Plain returns", () => {
  for (const c of CASES) {
    it(`${c.method}: ${c.operationName} with { input }`, async () => {
      const plain = scriptedPlain({ [c.operationName]: changed(c.field, c.payload) });
      const result = await call(client(plain.fetch), c.method, c.input);
      expect(result).toEqual({ ok: true, data: c.data, requestId: 'req-1', rateLimit: undefined });
      expect(plain.requests).toEqual([
        {
          operationName: c.operationName,
          query: expect.stringContaining(`${c.field}(input:$input)`),
          variables: { input: c.input },
        },
      ]);
      expect(plain.schemaProblems).toEqual([]);
    });

    it(`${c.method}: unknown keys are not sent`, async () => {
      const plain = scriptedPlain({ [c.operationName]: changed(c.field, c.payload) });
      await call(client(plain.fetch), c.method, { ...c.input, secretNote: 'not for Plain' });
      expect(plain.requests[0]!.variables).toEqual({ input: c.input });
    });

    for (const [input, path] of c.refusals) {
      it(`${c.method}: refuses ${JSON.stringify(input)} at ${path}, nothing sent`, async () => {
        const plain = scriptedPlain({});
        const result = await call(client(plain.fetch), c.method, input);
        expect(result.ok).toBe(false);
        expect(result.error).toMatchObject({ kind: 'invalid_input', attempts: 0, retryable: false });
        expect((result.error as Extract<PlainError, { kind: 'invalid_input' }>).issues[0]!.path).toBe(path);
        expect(plain.requests).toEqual([]);
      });
    }
  }
});

describe("Plain's MutationErrors map to replyToThread's error kinds", () => {
  const mutationErrors: [string, Parameters<typeof refused>[1], Partial<PlainError>][] = [
    [
      'an unknown thread',
      {
        message: 'Thread not found',
        type: 'VALIDATION',
        code: 'input_validation',
        fields: [{ field: 'threadId', message: 'not found', type: 'NOT_FOUND' }],
      },
      { kind: 'thread_not_found', threadId: 'th_1' },
    ],
    [
      'a missing permission',
      { message: 'Insufficient permissions, missing "thread:edit".', type: 'FORBIDDEN', code: 'forbidden' },
      { kind: 'forbidden', permission: 'thread:edit' },
    ],
    [
      'a validation failure',
      {
        message: 'Invalid label type',
        type: 'VALIDATION',
        code: 'input_validation',
        fields: [{ field: 'labelTypeIds', message: 'unknown', type: 'VALIDATION' }],
      },
      { kind: 'validation', code: 'input_validation' },
    ],
    [
      'an internal failure',
      { message: 'Oops', type: 'INTERNAL', code: 'internal' },
      { kind: 'mutation_error', code: 'internal', type: 'INTERNAL' },
    ],
  ];
  for (const c of CASES) {
    for (const [what, error, expected] of mutationErrors) {
      if (c.method === 'removeLabels' && expected.kind === 'thread_not_found') continue; // it names labels, not a thread
      it(`${c.method}: ${what} -> ${expected.kind}`, async () => {
        const plain = scriptedPlain({ [c.operationName]: refused(c.field, error) });
        const result = await call(client(plain.fetch), c.method, c.input);
        expect(result.error).toMatchObject({ ...expected, attempts: 1, retryable: false, requestId: 'req-1' });
        expect(result.error!.message).toContain(`Plain refused ${c.field}: ${error.message}`);
        expect(plain.requests).toHaveLength(1);
      });
    }
  }
});

describe('retries: a state change is repeated after a transient failure, a note is not', () => {
  for (const c of CASES) {
    const idempotent = c.method !== 'createNote';
    it(`${c.method} after HTTP 500: ${idempotent ? 'retried, then succeeds' : 'not retried, flagged mayHaveBeenSent'}`, async () => {
      const answers: ScriptedAnswer[] = [serverError, changed(c.field, c.payload)];
      const plain = scriptedPlain({ [c.operationName]: answers });
      const result = await call(client(plain.fetch), c.method, c.input);
      if (idempotent) {
        expect(result).toMatchObject({ ok: true, data: c.data });
        expect(plain.operations()).toEqual([c.operationName, c.operationName]);
      } else {
        expect(result.error).toMatchObject({
          kind: 'server_error',
          mayHaveBeenSent: true,
          retryable: false,
          attempts: 1,
        });
        expect(plain.operations()).toEqual([c.operationName]);
      }
    });
  }

  it('createNote is retried when the connection was refused (it certainly did not run)', async () => {
    const plain = scriptedPlain({ CreateNote: ['connection refused', changed('createNote', { note })] });
    const result = await client(plain.fetch).createNote({ customerId: 'c_1', text: 'Over to you' });
    expect(result).toMatchObject({ ok: true, data: note });
    expect(plain.operations()).toEqual(['CreateNote', 'CreateNote']);
  });

  it('a state change is retried after a 429 and a lost answer, up to maxRetries', async () => {
    const limited: ScriptedAnswer = {
      status: 429,
      body: { errors: [{ message: 'Too Many Requests', extensions: { code: 'RATE_LIMITED' } }] },
    };
    const plain = scriptedPlain({ MarkThreadAsDone: [limited, serverError, changed('markThreadAsDone', { thread })] });
    const plainClient = new PlainClient({
      apiKey: 'plainApiKey_test_0123456789',
      fetch: plain.fetch,
      paceRequests: false,
    });
    const result = await plainClient.markThreadAsDone({ threadId: 'th_1' }, { maxRetries: 2 });
    expect(result).toMatchObject({ ok: true, data: thread });
    expect(plain.requests).toHaveLength(3);
  });

  it('a state change that keeps failing reports the last failure as retryable', async () => {
    const plain = scriptedPlain({ UnassignThread: [serverError, serverError] });
    const result = await client(plain.fetch).unassignThread({ threadId: 'th_1' }, { maxRetries: 1 });
    expect(result.error).toMatchObject({ kind: 'server_error', attempts: 2, retryable: true, mayHaveBeenSent: true });
  });
});

describe('the thread a state change returns feeds the thread cache', () => {
  it('a reply after markThreadAsTodo needs no lookup', async () => {
    const plain = scriptedPlain({
      MarkThreadAsTodo: changed('markThreadAsTodo', { thread: threadSummary('th_9', { channel: 'CHAT' }) }),
      ReplyToThread: changed('replyToThread', {}),
    });
    const plainClient = client(plain.fetch);
    await plainClient.markThreadAsTodo({ threadId: 'th_9' });
    const reply = await plainClient.replyToThread({ threadId: 'th_9', textContent: 'Back on it' });
    expect(reply).toMatchObject({ ok: true, data: { threadId: 'th_9', channel: 'CHAT' } });
    expect(plain.operations()).toEqual(['MarkThreadAsTodo', 'ReplyToThread']);
  });
});

describe('answers that do not say what happened', () => {
  it('a payload without its thread and without an error is unexpected_response, flagged as having run', async () => {
    const plain = scriptedPlain({
      MarkThreadAsDone: { body: { data: { markThreadAsDone: { thread: null, error: null } } } },
    });
    const result = await client(plain.fetch).markThreadAsDone({ threadId: 'th_1' });
    expect(result.error).toMatchObject({ kind: 'unexpected_response', mayHaveBeenSent: true });
  });

  it("per-call options are checked like every other method's", async () => {
    const plain = scriptedPlain({});
    const result = await client(plain.fetch).markThreadAsDone({ threadId: 'th_1' }, { timeoutMs: -1 });
    expect(result.error).toMatchObject({ kind: 'invalid_input', issues: [{ path: 'options.timeoutMs' }] });
    expect(plain.requests).toEqual([]);
  });
});

describe('types', () => {
  it("inputs mirror Plain's input types and results carry the thread", () => {
    const plain = client(scriptedPlain({}).fetch);
    expectTypeOf(plain.markThreadAsDone).parameter(0).toEqualTypeOf<{
      threadId: string;
      statusDetail?: 'IGNORED' | 'DONE_MANUALLY_SET' | 'DONE_AUTOMATICALLY_SET' | 'TIMER_EXPIRED' | null;
    }>();
    expectTypeOf(plain.markThreadAsDone).returns.resolves.toEqualTypeOf<Result<Thread>>();
    expectTypeOf(plain.updateThreadAgentStatus)
      .parameter(0)
      .toEqualTypeOf<{ threadId: string; agentStatus: 'IN_PROGRESS' | 'HANDED_OFF' | 'HANDLED' }>();
    expectTypeOf(plain.removeLabels).parameter(0).toEqualTypeOf<{ labelIds: string[] }>();
    expectTypeOf(plain.addLabels).returns.resolves.toEqualTypeOf<
      Result<{ labels: { id: string; labelType: { id: string } }[]; thread: Thread | null }>
    >();
    expectTypeOf(plain.createNote).returns.resolves.toEqualTypeOf<
      Result<{ id: string; text: string; markdown: string | null }>
    >();
    // @ts-expect-error: exactly one of userId and machineUserId
    void plain.assignThread({ threadId: 'th_1', userId: 'u_1', machineUserId: 'mu_1' });
    // @ts-expect-error: a duration, or WAITING_FOR_CUSTOMER
    void plain.snoozeThread({ threadId: 'th_1' });
    void plain.snoozeThread({ threadId: 'th_1', statusDetail: 'WAITING_FOR_CUSTOMER' });
  });
});
