import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse, print } from 'graphql';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { GetThreadDocument, type GetThreadQuery } from '../src/generated/graphql.js';
import { PlainClient, type Result } from '../src/index.js';
import { operationsIn } from '../src/request.js';
import { createFakePlain } from '../src/testing/index.js';
import { ThreadWithLabelsDocument, type ThreadWithLabelsQuery } from './generated/operations.js';
import { changed, refused, scriptedPlain, serverError } from './scripted-plain.js';

/** The fake of Plain, with every request body that reached it. */
function fakeWithBodies() {
  const fake = createFakePlain();
  const bodies: { query: string; operationName: string; variables: Record<string, unknown> }[] = [];
  const fetch = async (url: RequestInfo | URL, init?: RequestInit) => {
    bodies.push(JSON.parse(String(init?.body)));
    return fake.fetch(url, init);
  };
  return { fake, bodies, plain: new PlainClient({ apiKey: fake.apiKey, fetch }) };
}

const scripted = (fetch: typeof globalThis.fetch) => new PlainClient({ apiKey: 'plainApiKey_test_0123456789', fetch });

describe('plain.request sends any document through the same pipeline', () => {
  it('a typed document from codegen: data typed from it', async () => {
    const { fake, bodies, plain } = fakeWithBodies();
    const thread = fake.addThread({ channel: 'SLACK', title: 'Refund' });
    const result = await plain.request(GetThreadDocument, { threadId: thread.id });
    expectTypeOf(result).toEqualTypeOf<Result<GetThreadQuery>>();
    expect(result).toMatchObject({
      ok: true,
      data: { thread: { id: thread.id, channel: 'SLACK', title: 'Refund' } },
      requestId: expect.any(String),
    });
    expect(bodies).toEqual([
      { query: GetThreadDocument.toString(), operationName: 'GetThread', variables: { threadId: thread.id } },
    ]);
  });

  it("a typed document from the tests' own codegen (test/operations/), as a user generates theirs", async () => {
    const { fake, bodies, plain } = fakeWithBodies();
    const thread = fake.addThread({ channel: 'EMAIL' });
    const urgent = fake.addLabelType({ name: 'Urgent' });
    expect((await plain.addLabels({ threadId: thread.id, labelTypeIds: [urgent.id] })).ok).toBe(true);
    const result = await plain.request(ThreadWithLabelsDocument, { threadId: thread.id });
    expectTypeOf(result).toEqualTypeOf<Result<ThreadWithLabelsQuery>>();
    expect(result.ok && result.data.thread?.labels.map((label) => label.labelType.name)).toEqual(['Urgent']);
    expect(bodies.at(-1)).toMatchObject({ operationName: 'ThreadWithLabels', variables: { threadId: thread.id } });
  });

  it('a string: untyped data, the operation name read from the document', async () => {
    const { fake, bodies, plain } = fakeWithBodies();
    const thread = fake.addThread({ channel: 'EMAIL' });
    const query = '# my own lookup\nquery MyThread($threadId: ID!) { thread(threadId: $threadId) { id channel } }';
    const result = await plain.request(query, { threadId: thread.id });
    expectTypeOf(result).toEqualTypeOf<Result<Record<string, unknown>>>();
    expect(result).toMatchObject({ ok: true, data: { thread: { id: thread.id, channel: 'EMAIL' } } });
    expect(bodies).toEqual([{ query, operationName: 'MyThread', variables: { threadId: thread.id } }]);
  });

  it("an AST from graphql's parse: its source text is sent, data typed from a TypedDocumentNode", async () => {
    const { fake, bodies, plain } = fakeWithBodies();
    const thread = fake.addThread();
    const source = 'query ByAst($threadId: ID!) { thread(threadId: $threadId) { id } }';
    const document = parse(source) as TypedDocumentNode<{ thread: { id: string } | null }, { threadId: string }>;
    const result = await plain.request(document, { threadId: thread.id });
    expectTypeOf(result).toEqualTypeOf<Result<{ thread: { id: string } | null }>>();
    expect(result).toMatchObject({ ok: true, data: { thread: { id: thread.id } } });
    expect(bodies[0]).toMatchObject({ query: source, operationName: 'ByAst' });
  });

  it('an AST without its source text: refused unless a printer is passed', async () => {
    const { fake, bodies, plain } = fakeWithBodies();
    const thread = fake.addThread();
    const document = parse('query NoLoc($threadId: ID!) { thread(threadId: $threadId) { id } }', { noLocation: true });
    const refusedResult = await plain.request(document, { threadId: thread.id });
    expect(refusedResult.error).toMatchObject({ kind: 'invalid_input', issues: [{ path: 'document' }] });
    expect(bodies).toEqual([]);

    const printed = await plain.request(document, { threadId: thread.id }, { print: print as (d: unknown) => string });
    expect(printed).toMatchObject({ ok: true, data: { thread: { id: thread.id } } });
    expect(bodies[0]).toMatchObject({ query: print(document), operationName: 'NoLoc' });
  });

  it("a document Plain's schema rejects: graphql_error with Plain's GRAPHQL_VALIDATION_FAILED, not retried", async () => {
    const { bodies, plain } = fakeWithBodies();
    const result = await plain.request('query Nope { noSuchField { id } }');
    expect(result.error).toMatchObject({
      kind: 'graphql_error',
      attempts: 1,
      retryable: false,
      errors: [{ code: 'GRAPHQL_VALIDATION_FAILED' }],
    });
    expect(bodies).toHaveLength(1);
  });

  it("a mutation whose payload carries an error maps to replyToThread's kinds", async () => {
    const plain = scriptedPlain({
      Escalate: refused('updateThreadAgentStatus', {
        message: 'Thread not found',
        type: 'VALIDATION',
        code: 'input_validation',
        fields: [{ field: 'threadId', message: 'not found', type: 'NOT_FOUND' }],
      }),
    });
    const document =
      'mutation Escalate($input: UpdateThreadAgentStatusInput!) { updateThreadAgentStatus(input: $input) { thread { id } error { message type code fields { field message type } } } }';
    const result = await scripted(plain.fetch).request(document, {
      input: { threadId: 'th_1', agentStatus: 'HANDED_OFF' },
    });
    expect(result.error).toMatchObject({ kind: 'thread_not_found', threadId: 'th_1', attempts: 1 });
    expect(result.error!.message).toContain('Plain refused updateThreadAgentStatus: Thread not found');
    expect(plain.schemaProblems).toEqual([]);
  });

  it('a mutation with an alias: the payload is read under the alias', async () => {
    const plain = scriptedPlain({
      Alias: {
        body: { data: { done: { error: { message: 'no', type: 'FORBIDDEN', code: 'forbidden', fields: [] } } } },
      },
    });
    const result = await scripted(plain.fetch).request(
      'mutation Alias($input: MarkThreadAsDoneInput!) { done: markThreadAsDone(input: $input) { error { message type code fields { field message type } } } }',
      { input: { threadId: 'th_1' } },
    );
    expect(result.error).toMatchObject({ kind: 'forbidden' });
  });

  it('a mutation that succeeds resolves with its data', async () => {
    const plain = scriptedPlain({ Done: changed('markThreadAsDone', { thread: { id: 'th_1' } }) });
    const result = await scripted(plain.fetch).request(
      'mutation Done($input: MarkThreadAsDoneInput!) { markThreadAsDone(input: $input) { thread { id } error { code } } }',
      { input: { threadId: 'th_1' } },
    );
    expect(result).toEqual({
      ok: true,
      data: { markThreadAsDone: { thread: { id: 'th_1' }, error: null } },
      requestId: 'req-1',
      rateLimit: undefined,
    });
  });
});

describe('retries: queries like lookups, mutations only when they certainly did not run', () => {
  const mutation =
    'mutation Note($input: CreateNoteInput!) { createNote(input: $input) { note { id } error { code } } }';
  const query = 'query Me { myMachineUser { id } }';

  it('a query is retried after a 500', async () => {
    const plain = scriptedPlain({ Me: [serverError, { body: { data: { myMachineUser: { id: 'mu_1' } } } }] });
    expect(await scripted(plain.fetch).request(query)).toMatchObject({
      ok: true,
      data: { myMachineUser: { id: 'mu_1' } },
    });
    expect(plain.requests).toHaveLength(2);
  });

  it('a mutation is not retried after a 500, and may have been sent', async () => {
    const plain = scriptedPlain({ Note: [serverError] });
    const result = await scripted(plain.fetch).request(mutation, { input: { customerId: 'c_1', text: 'x' } });
    expect(result.error).toMatchObject({ kind: 'server_error', mayHaveBeenSent: true, retryable: false });
    expect(plain.requests).toHaveLength(1);
  });

  it('a mutation is retried when the connection was refused', async () => {
    const plain = scriptedPlain({ Note: ['connection refused', changed('createNote', { note: { id: 'n_1' } })] });
    expect(await scripted(plain.fetch).request(mutation, { input: { customerId: 'c_1', text: 'x' } })).toMatchObject({
      ok: true,
    });
    expect(plain.requests).toHaveLength(2);
  });
});

describe('documents refused locally, nothing sent', () => {
  const twoOperations =
    'query A { myMachineUser { id } }\nmutation B($input: UnassignThreadInput!) { unassignThread(input: $input) { error { code } } }';
  it.each([
    ['two operations without operationName', twoOperations, undefined, {}, 'options.operationName'],
    ['an operationName the document lacks', twoOperations, 'C', {}, 'options.operationName'],
    ['an anonymous operation', '{ myMachineUser { id } }', undefined, {}, 'document'],
    ['a subscription', 'subscription S { threadUpdated { id } }', undefined, {}, 'document'],
    ['no operation at all', 'fragment F on Thread { id }', undefined, {}, 'document'],
    ['not a document', 42, undefined, {}, 'document'],
    ['variables that are not an object', 'query A { myMachineUser { id } }', undefined, ['x'], 'variables'],
  ])('%s', async (_what, document, operationName, variables, path) => {
    const plain = scriptedPlain({});
    const result = await scripted(plain.fetch).request(
      document as string,
      variables as Record<string, unknown>,
      operationName ? { operationName } : undefined,
    );
    expect(result.error).toMatchObject({ kind: 'invalid_input', issues: [{ path }] });
    expect(plain.requests).toEqual([]);
  });

  it('operationName picks one operation of several; the whole document is sent', async () => {
    const plain = scriptedPlain({ B: changed('unassignThread', {}) });
    const result = await scripted(plain.fetch).request(
      twoOperations,
      { input: { threadId: 'th_1' } },
      { operationName: 'B' },
    );
    expect(result.ok).toBe(true);
    expect(plain.requests).toEqual([
      { query: twoOperations, operationName: 'B', variables: { input: { threadId: 'th_1' } } },
    ]);
  });
});

describe("reading a document's operations without graphql-js", () => {
  it('skips comments and strings, and reads names, kinds and the first root field', () => {
    const source = [
      '# mutation Fake { replyToThread }',
      'fragment F on Thread { id title }',
      'query Q($f: ThreadsFilter = { refs: ["}{ mutation X"] }) @cached { threads(filters: $f) { edges { node { ...F } } } }',
      '"""block "" \\""" string with mutation M { x }"""',
      'mutation M($input: MarkThreadAsDoneInput!) { done: markThreadAsDone(input: $input) { error { code } } }',
    ].join('\n');
    expect(operationsIn(source)).toEqual([
      { type: 'query', name: 'Q', firstField: 'threads' },
      { type: 'mutation', name: 'M', firstField: 'done' },
    ]);
  });

  it('agrees with graphql-js on the operations of the documents codegen generated', async () => {
    const files = ['graphql', 'thread-state', 'note', 'lookups'];
    const generated = await Promise.all(
      files.map((file) => import(`../src/generated/${file}.ts`) as Promise<Record<string, unknown>>),
    );
    const documents = generated.flatMap((module) =>
      Object.entries(module)
        .filter(([name]) => name.endsWith('Document'))
        .map(([, d]) => String(d)),
    );
    expect(documents.length).toBeGreaterThan(10);
    for (const text of documents) {
      const ours = operationsIn(text);
      const theirs = parse(text).definitions.flatMap((d) =>
        d.kind === 'OperationDefinition'
          ? [
              {
                type: d.operation,
                name: d.name?.value,
                firstField:
                  d.selectionSet.selections[0]?.kind === 'Field'
                    ? (d.selectionSet.selections[0].alias ?? d.selectionSet.selections[0].name).value
                    : undefined,
              },
            ]
          : [],
      );
      expect(ours).toEqual(theirs);
    }
  });
});

describe('a browser app that sends strings ships no graphql-js', () => {
  it('a single-file esbuild bundle of a page calling plain.request with a string holds no module of graphql', async () => {
    const { build } = await import('esbuild');
    const bundled = await build({
      stdin: {
        contents:
          "import { PlainClient } from './src/index.ts';\nnew PlainClient({ apiUrl: '/api/plain' }).request('query Me { myMachineUser { id } }').then(console.log);",
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(bundled.metafile.inputs);
    expect(inputs).toContain('src/request.ts');
    expect(inputs.filter((path) => path.includes('node_modules/graphql/'))).toEqual([]);
  });
});
