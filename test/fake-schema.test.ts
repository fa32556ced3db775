import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  buildSchema,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  parse,
  validate,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { PlainClient } from '../src/index.js';
import { createFakePlain, type FakePlain } from '../src/testing/index.js';
import { SECRET, schemaErrors } from './webhooks-fixtures.js';

/** Plain's schema read from the repository's schema.graphql (the fake carries its own copy). */
const schema = buildSchema(readFileSync('schema.graphql', 'utf8'));

/** Posts one GraphQL request to the fake and returns its status and JSON body. */
async function post(fake: FakePlain, query: string, variables?: Record<string, unknown>, apiKey = fake.apiKey) {
  const response = await fake.fetch('https://core-api.uk.plain.com/graphql/v1', {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json() };
}

function setUp() {
  const fake = createFakePlain();
  const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
  const customer = fake.addCustomer({ email: 'ada@example.com', externalId: 'user-7' });
  const thread = fake.addThread({ channel: 'CHAT', customer, externalId: 'order-42' });
  return { fake, plain, customer, thread };
}

const ERROR = 'error { message type code fields { field message type } }';
const mutationOf = (field: string, inputType: string, selection = `thread { id status } ${ERROR}`) =>
  `mutation M($input: ${inputType}!) { ${field}(input: $input) { ${selection} } }`;
const notFound = (field: string, message: string) => ({
  message: `There was a validation error: ${message}`,
  type: 'VALIDATION',
  code: 'input_validation',
  fields: [{ field, message, type: 'NOT_FOUND' }],
});

describe('state changes through the client change the fake’s threads', () => {
  it('markThreadAsDone and markThreadAsTodo set the status and its detail', async () => {
    const { fake, plain, thread } = setUp();
    const done = await plain.markThreadAsDone({ threadId: thread.id, statusDetail: 'DONE_AUTOMATICALLY_SET' });
    expect(done).toMatchObject({ ok: true, data: { id: thread.id, status: 'DONE', channel: 'CHAT' } });
    expect(fake.thread(thread.id)).toMatchObject({ status: 'DONE', statusDetail: 'DONE_AUTOMATICALLY_SET' });
    const todo = await plain.markThreadAsTodo({ threadId: thread.id });
    expect(todo).toMatchObject({ ok: true, data: { status: 'TODO' } });
    expect(fake.thread(thread.id)).toMatchObject({ status: 'TODO', statusDetail: null });
  });

  it('snoozeThread: for a duration, or until the customer replies', async () => {
    const { fake, plain, thread } = setUp();
    const before = Date.now();
    expect(await plain.snoozeThread({ threadId: thread.id, durationSeconds: 3600 })).toMatchObject({
      ok: true,
      data: { status: 'SNOOZED' },
    });
    const snoozed = fake.thread(thread.id);
    expect(snoozed).toMatchObject({ status: 'SNOOZED', statusDetail: 'WAITING_FOR_DURATION' });
    expect(snoozed?.snoozedUntil?.getTime()).toBeGreaterThanOrEqual(before + 3_600_000);
    await plain.snoozeThread({ threadId: thread.id, statusDetail: 'WAITING_FOR_CUSTOMER' });
    expect(fake.thread(thread.id)).toMatchObject({ status: 'SNOOZED', statusDetail: 'WAITING_FOR_CUSTOMER' });
    expect(fake.thread(thread.id)?.snoozedUntil).toBeUndefined();
  });

  it('assignThread to a user or a machine user, unassignThread clears it', async () => {
    const { fake, plain, thread } = setUp();
    const user = fake.addUser({ fullName: 'Grace Hopper' });
    expect(await plain.assignThread({ threadId: thread.id, userId: user.id })).toMatchObject({ ok: true });
    expect(fake.thread(thread.id)?.assignee).toEqual({ kind: 'user', id: user.id });
    const bot = fake.machineUser();
    expect(await plain.assignThread({ threadId: thread.id, machineUserId: bot.id })).toMatchObject({ ok: true });
    expect(fake.thread(thread.id)?.assignee).toEqual({ kind: 'machineUser', id: bot.id });
    const { body } = await post(
      fake,
      `query T($id: ID!) { thread(threadId: $id) { assignedTo { ... on MachineUser { id fullName } } } }`,
      {
        id: thread.id,
      },
    );
    expect(body.data.thread.assignedTo).toEqual({ id: bot.id, fullName: bot.fullName });
    expect(await plain.unassignThread({ threadId: thread.id })).toMatchObject({ ok: true });
    expect(fake.thread(thread.id)?.assignee).toBeNull();
  });

  it('addLabels adds one label per label type (once), removeLabels takes the labels’ own ids', async () => {
    const { fake, plain, thread } = setUp();
    const urgent = fake.addLabelType({ name: 'Urgent' });
    const billing = fake.addLabelType({ name: 'Billing' });
    const added = await plain.addLabels({ threadId: thread.id, labelTypeIds: [urgent.id, billing.id] });
    expect(added.ok).toBe(true);
    const labels = added.data?.labels ?? [];
    expect(labels.map((l) => l.labelType.id)).toEqual([urgent.id, billing.id]);
    expect(labels.every((l) => l.id.startsWith('l_'))).toBe(true);
    expect(fake.thread(thread.id)?.labels).toEqual(labels.map((l) => ({ id: l.id, labelTypeId: l.labelType.id })));

    const again = await plain.addLabels({ threadId: thread.id, labelTypeIds: [urgent.id] });
    expect(again.data?.labels).toEqual([labels[0]]);
    expect(fake.thread(thread.id)?.labels).toHaveLength(2);

    expect(await plain.removeLabels({ labelIds: [labels[0]!.id] })).toMatchObject({
      ok: true,
      data: { id: thread.id },
    });
    expect(fake.thread(thread.id)?.labels).toEqual([{ id: labels[1]!.id, labelTypeId: billing.id }]);
  });

  it('updateThreadAgentStatus sets the agent status, readable with its detail', async () => {
    const { fake, plain, thread } = setUp();
    expect(await plain.updateThreadAgentStatus({ threadId: thread.id, agentStatus: 'HANDED_OFF' })).toMatchObject({
      ok: true,
    });
    expect(fake.thread(thread.id)?.agentStatus).toBe('HANDED_OFF');
    const { body } = await post(
      fake,
      'query T($id: ID!) { thread(threadId: $id) { agentStatus agentStatusDetail { __typename ... on AgentStatusDetailHandedOff { type } } } }',
      { id: thread.id },
    );
    expect(body.data.thread).toEqual({
      agentStatus: 'HANDED_OFF',
      agentStatusDetail: { __typename: 'AgentStatusDetailHandedOff', type: 'HANDED_OFF' },
    });
  });

  it('createNote files a note under the customer and the thread', async () => {
    const { fake, plain, thread, customer } = setUp();
    const note = await plain.createNote({
      customerId: customer.id,
      threadId: thread.id,
      text: 'Refund approved',
      markdown: '**Refund** approved',
    });
    expect(note).toMatchObject({
      ok: true,
      data: { id: expect.stringMatching(/^note_/), text: 'Refund approved', markdown: '**Refund** approved' },
    });
    expect(fake.notes(thread.id)).toEqual([
      expect.objectContaining({
        id: note.data?.id,
        customerId: customer.id,
        threadId: thread.id,
        text: 'Refund approved',
      }),
    ]);
  });

  it('a thread changed in the fake reads back changed through every lookup', async () => {
    const { fake, plain, thread, customer } = setUp();
    await plain.markThreadAsDone({ threadId: thread.id });
    const byExternalId = await plain.getThreadByExternalId({ customerId: customer.id, externalId: 'order-42' });
    expect(byExternalId).toMatchObject({ ok: true, data: { id: thread.id, status: 'DONE' } });
    const missing = await plain.getThreadByExternalId({ customerId: customer.id, externalId: 'order-0' });
    expect(missing.error).toMatchObject({ kind: 'thread_not_found' });
    expect(fake.requests.map((r) => r.operationName)).toEqual([
      'MarkThreadAsDone',
      'GetThreadByExternalId',
      'GetThreadByExternalId',
    ]);
  });
});

describe('refusals carry Plain’s MutationError shapes, and change nothing', () => {
  const threadMutations: [string, string, (threadId: string) => Record<string, unknown>][] = [
    ['markThreadAsDone', 'MarkThreadAsDoneInput', (threadId) => ({ threadId })],
    ['markThreadAsTodo', 'MarkThreadAsTodoInput', (threadId) => ({ threadId })],
    ['snoozeThread', 'SnoozeThreadInput', (threadId) => ({ threadId, durationSeconds: 60 })],
    ['assignThread', 'AssignThreadInput', (threadId) => ({ threadId, userId: 'u_1' })],
    ['unassignThread', 'UnassignThreadInput', (threadId) => ({ threadId })],
    ['addLabels', 'AddLabelsInput', (threadId) => ({ threadId, labelTypeIds: ['lt_1'] })],
    ['updateThreadAgentStatus', 'UpdateThreadAgentStatusInput', (threadId) => ({ threadId, agentStatus: 'HANDLED' })],
  ];

  it.each(threadMutations)('%s on an unknown thread: threadId NOT_FOUND', async (field, inputType, input) => {
    const fake = createFakePlain();
    const { status, body } = await post(fake, mutationOf(field, inputType), { input: input('th_unknown') });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { [field]: { thread: null, error: notFound('threadId', 'Thread not found') } } });
  });

  it('an unknown thread reaches the client as thread_not_found', async () => {
    const { plain } = setUp();
    const result = await plain.markThreadAsDone({ threadId: 'th_unknown' });
    expect(result.error).toMatchObject({ kind: 'thread_not_found', threadId: 'th_unknown' });
  });

  it('addLabels with an unknown label type: labelTypeIds NOT_FOUND, no label added', async () => {
    const { fake, thread } = setUp();
    const known = fake.addLabelType();
    const { body } = await post(fake, mutationOf('addLabels', 'AddLabelsInput', `labels { id } ${ERROR}`), {
      input: { threadId: thread.id, labelTypeIds: [known.id, 'lt_unknown'] },
    });
    expect(body.data.addLabels).toEqual({ labels: [], error: notFound('labelTypeIds', 'Label type not found') });
    expect(fake.thread(thread.id)?.labels).toEqual([]);
  });

  it('removeLabels given a label type id instead of a label id: labelIds NOT_FOUND', async () => {
    const { fake, plain, thread } = setUp();
    const type = fake.addLabelType();
    await plain.addLabels({ threadId: thread.id, labelTypeIds: [type.id] });
    const { body } = await post(fake, mutationOf('removeLabels', 'RemoveLabelsInput'), {
      input: { labelIds: [type.id] },
    });
    expect(body.data.removeLabels).toEqual({ thread: null, error: notFound('labelIds', 'Label not found') });
    expect(fake.thread(thread.id)?.labels).toHaveLength(1);
  });

  it('assignThread to an unknown user or machine user: NOT_FOUND on that field; to neither: userId VALIDATION', async () => {
    const { fake, plain, thread } = setUp();
    const assign = (input: Record<string, unknown>) =>
      post(fake, mutationOf('assignThread', 'AssignThreadInput'), { input: { threadId: thread.id, ...input } });
    expect((await assign({ userId: 'u_unknown' })).body.data.assignThread.error).toEqual(
      notFound('userId', 'User not found'),
    );
    expect((await assign({ machineUserId: 'machineUser_unknown' })).body.data.assignThread.error).toEqual(
      notFound('machineUserId', 'Machine user not found'),
    );
    expect((await assign({})).body.data.assignThread.error).toMatchObject({
      type: 'VALIDATION',
      code: 'input_validation',
      fields: [{ field: 'userId', type: 'VALIDATION' }],
    });
    expect(fake.thread(thread.id)?.assignee).toBeNull();
    const viaClient = await plain.assignThread({ threadId: thread.id, userId: 'u_unknown' });
    expect(viaClient.error).toMatchObject({
      kind: 'validation',
      code: 'input_validation',
      fields: [{ field: 'userId', type: 'NOT_FOUND' }],
    });
  });

  it('snoozeThread with neither a duration nor WAITING_FOR_CUSTOMER: durationSeconds REQUIRED', async () => {
    const { fake, thread } = setUp();
    for (const input of [{ threadId: thread.id }, { threadId: thread.id, statusDetail: 'WAITING_FOR_DURATION' }]) {
      const { body } = await post(fake, mutationOf('snoozeThread', 'SnoozeThreadInput'), { input });
      expect(body.data.snoozeThread.error).toMatchObject({
        type: 'VALIDATION',
        code: 'input_validation',
        fields: [{ field: 'durationSeconds', type: 'REQUIRED' }],
      });
    }
    expect(fake.thread(thread.id)?.status).toBe('TODO');
  });

  it('createNote for an unknown customer, or on another customer’s thread', async () => {
    const { fake, thread } = setUp();
    const other = fake.addCustomer();
    const note = (input: Record<string, unknown>) =>
      post(fake, mutationOf('createNote', 'CreateNoteInput', `note { id } ${ERROR}`), {
        input: { text: 'x', ...input },
      });
    expect((await note({ customerId: 'c_unknown' })).body.data.createNote).toEqual({
      note: null,
      error: notFound('customerId', 'Customer not found'),
    });
    expect((await note({ customerId: other.id, threadId: thread.id })).body.data.createNote.error).toMatchObject({
      fields: [{ field: 'threadId', type: 'VALIDATION' }],
    });
    expect(fake.notes(thread.id)).toEqual([]);
  });

  it.each([
    ['markThreadAsDone', 'thread:edit', 'MarkThreadAsDoneInput'],
    ['assignThread', 'thread:assign', 'AssignThreadInput'],
    ['unassignThread', 'thread:unassign', 'UnassignThreadInput'],
    ['addLabels', 'label:create', 'AddLabelsInput'],
  ] as const)('%s without its permission: FORBIDDEN naming %s', async (field, permission, inputType) => {
    const { fake, thread } = setUp();
    const readOnly = fake.addApiKey({ permissions: ['thread:read'] });
    const input = {
      threadId: thread.id,
      ...(field === 'assignThread' ? { userId: fake.addUser().id } : {}),
      ...(field === 'addLabels' ? { labelTypeIds: [fake.addLabelType().id] } : {}),
    };
    const { status, body } = await post(fake, mutationOf(field, inputType), { input }, readOnly);
    expect(status).toBe(200);
    expect(body.data[field].error).toEqual({
      message: `Insufficient permissions, missing "${permission}".`,
      type: 'FORBIDDEN',
      code: 'forbidden',
      fields: [],
    });
    expect(fake.thread(thread.id)).toMatchObject({ status: 'TODO', assignee: null, labels: [] });
  });

  it('a missing permission reaches the client as forbidden, naming it', async () => {
    const { fake, thread } = setUp();
    const plain = new PlainClient({ apiKey: fake.addApiKey({ permissions: ['thread:read'] }), fetch: fake.fetch });
    const result = await plain.createNote({ customerId: thread.customerId, threadId: thread.id, text: 'x' });
    expect(result.error).toMatchObject({ kind: 'forbidden', permission: 'note:create' });
    expect(fake.notes(thread.id)).toEqual([]);
  });

  it('a query without its permission: 403 with FORBIDDEN naming it', async () => {
    const { fake, customer } = setUp();
    const key = fake.addApiKey({ permissions: ['thread:read'] });
    const { status, body } = await post(
      fake,
      'query C($id: ID!) { customer(customerId: $id) { id } }',
      { id: customer.id },
      key,
    );
    expect(status).toBe(403);
    expect(body).toEqual({
      errors: [
        {
          message: 'Insufficient permissions, missing "customer:read".',
          path: ['customer'],
          extensions: { code: 'FORBIDDEN' },
        },
      ],
    });
  });
});

describe('state changes are reported by webhooks, as Plain sends them', () => {
  it('status, assignment, labels and notes each send their event, valid against the webhook schema', async () => {
    const { fake, plain, thread, customer } = setUp();
    const bodies: { id: string; type: string; payload: Record<string, unknown> }[] = [];
    fake.webhooks.subscribe(
      async (request) => {
        bodies.push(await request.json());
        return new Response(null, { status: 200 });
      },
      { secret: SECRET },
    );
    const label = fake.addLabelType({ name: 'Urgent' });
    const user = fake.addUser();
    await plain.snoozeThread({ threadId: thread.id, durationSeconds: 600 });
    await plain.markThreadAsDone({ threadId: thread.id });
    await plain.markThreadAsDone({ threadId: thread.id });
    await plain.assignThread({ threadId: thread.id, userId: user.id });
    const added = await plain.addLabels({ threadId: thread.id, labelTypeIds: [label.id] });
    await plain.removeLabels({ labelIds: added.data?.labels.map((l) => l.id) ?? [] });
    await plain.createNote({ customerId: customer.id, threadId: thread.id, text: 'For the humans' });
    await plain.unassignThread({ threadId: thread.id });
    await fake.webhooks.settled();
    // Deliveries run concurrently (a mutation does not wait for its webhook), so they may arrive out of order, as
    // Plain's may: put them back in the order the events were recorded (the fake's event ids count up).
    bodies.sort((a, b) => a.id.localeCompare(b.id));

    // Marking a done thread as done again changes nothing and sends nothing.
    expect(bodies.map((b) => b.type)).toEqual([
      'thread.thread_status_transitioned',
      'thread.thread_status_transitioned',
      'thread.thread_assignment_transitioned',
      'thread.thread_labels_changed',
      'thread.thread_labels_changed',
      'thread.note_created',
      'thread.thread_assignment_transitioned',
    ]);
    for (const body of bodies) expect(schemaErrors(body), body.type).toEqual([]);
    const [snoozed, done, assigned, labelled, unlabelled, note, unassigned] = bodies.map((b) => b.payload);
    expect(snoozed).toMatchObject({ previousThread: { status: 'TODO', statusDetail: null } });
    expect(snoozed).toMatchObject({
      thread: { status: 'SNOOZED', statusDetail: { type: 'WAITING_FOR_DURATION', durationSeconds: 600 } },
    });
    expect(done).toMatchObject({ thread: { status: 'DONE', statusDetail: { type: 'DONE_MANUALLY_SET' } } });
    expect(assigned).toMatchObject({ thread: { assignee: { id: user.id, fullName: user.fullName } } });
    expect(labelled).toMatchObject({
      changeType: 'ADDED',
      previousThread: { labels: [] },
      thread: { labels: [{ labelType: { id: label.id, name: 'Urgent' } }] },
    });
    expect(unlabelled).toMatchObject({ changeType: 'REMOVED', thread: { labels: [] } });
    expect(note).toMatchObject({
      note: { text: 'For the humans', createdBy: { actorType: 'machineUser', machineUserId: fake.machineUser().id } },
    });
    expect(unassigned).toMatchObject({
      previousThread: { assignee: { id: user.id } },
      thread: { assignee: null, assignedAt: null },
    });
  });
});

describe('faults aim at any operation by name', () => {
  it('a 500 on markThreadAsDone: the client retries the state change, which lands once', async () => {
    const { fake, plain, thread } = setUp();
    fake.failNext({ status: 500, operation: 'MarkThreadAsDone' });
    expect(await plain.markThreadAsDone({ threadId: thread.id })).toMatchObject({ ok: true, data: { status: 'DONE' } });
    expect(fake.requests.map((r) => r.operationName)).toEqual(['MarkThreadAsDone', 'MarkThreadAsDone']);
    expect(fake.thread(thread.id)?.status).toBe('DONE');
  });

  it('a connection dropped after createNote ran: not retried, the note exists once', async () => {
    const { fake, plain, thread, customer } = setUp();
    fake.failNext({ drop: 'after', operation: 'CreateNote' });
    const result = await plain.createNote({ customerId: customer.id, threadId: thread.id, text: 'Once' });
    expect(result.error).toMatchObject({ kind: 'network', mayHaveBeenSent: true });
    expect(fake.notes(thread.id).map((n) => n.text)).toEqual(['Once']);
    expect(fake.requests.map((r) => r.operationName)).toEqual(['CreateNote']);
  });
});

describe('lookups read the fake’s state', () => {
  it('listThreads filters by customer and status and pages with first/after', async () => {
    const { fake, plain, customer, thread } = setUp();
    const second = fake.addThread({ customer });
    const third = fake.addThread({ customer });
    fake.addThread();
    await plain.markThreadAsDone({ threadId: second.id });
    const todo = { customerIds: [customer.id], statuses: ['TODO' as const] };
    const first = await plain.listThreads({ filters: todo, first: 1 });
    expect(first).toMatchObject({ ok: true, data: { threads: [{ id: thread.id }], pageInfo: { hasNextPage: true } } });
    const next = await plain.listThreads({ filters: todo, first: 1, after: first.data?.pageInfo.endCursor ?? '' });
    expect(next).toMatchObject({ ok: true, data: { threads: [{ id: third.id }], pageInfo: { hasNextPage: false } } });
    const byIds = await plain.listThreads({ filters: { threadIds: [third.id, second.id] } });
    expect(byIds.data?.threads.map((t) => t.id)).toEqual([second.id, third.id]);
  });

  it('getCustomer by id, email (any case) and external id; getMyMachineUser is the key’s own machine user', async () => {
    const { fake, plain, customer } = setUp();
    for (const input of [{ customerId: customer.id }, { email: 'ADA@example.com' }, { externalId: 'user-7' }]) {
      expect(await plain.getCustomer(input)).toMatchObject({
        ok: true,
        data: { id: customer.id, externalId: 'user-7', email: { email: 'ada@example.com' } },
      });
    }
    expect((await plain.getCustomer({ email: 'nobody@example.com' })).data).toBeNull();
    const me = await plain.getMyMachineUser();
    expect(me).toMatchObject({ ok: true, data: { id: fake.machineUser().id } });
    // The same machine user signs the replies the webhooks report.
    expect(me.data?.id).toBe(fake.webhooks.machineUserId(fake.apiKey));
  });
});

describe('any document of Plain’s schema runs against the fake', () => {
  it('fields the fake keeps no state for answer schema-valid placeholders', async () => {
    const { plain, thread } = setUp();
    const result = await plain.request(
      `query Mine($threadId: ID!) {
        thread(threadId: $threadId) {
          id priority description isMarked: supportEmailAddresses
          createdAt { iso8601 unixTimestamp }
          createdBy { __typename ... on UserActor { userId } }
          tenant { id }
          serviceLevelAgreementStatusSummary { firstResponseTime { __typename } }
          timelineEntries(first: 5) { edges { cursor } pageInfo { hasNextPage startCursor } }
          customer { id isAnonymous company { name } }
        }
      }`,
      { threadId: thread.id },
    );
    expect(result.error).toBeUndefined();
    const data = result.data?.thread as Record<string, unknown>;
    expect(data).toMatchObject({
      id: thread.id,
      priority: 0,
      description: null,
      isMarked: [],
      createdAt: { iso8601: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), unixTimestamp: expect.stringMatching(/^\d+$/) },
      createdBy: { __typename: 'UserActor', userId: '' },
      tenant: null,
      timelineEntries: { edges: [], pageInfo: { hasNextPage: false, startCursor: null } },
      serviceLevelAgreementStatusSummary: { firstResponseTime: null },
      customer: { id: thread.customerId, isAnonymous: false, company: null },
    });
    expect(Date.parse((data.createdAt as { iso8601: string }).iso8601)).not.toBeNaN();
  });

  it("a thread's timeline holds the customer's messages, the replies and the notes, newest first", async () => {
    const { fake, plain, customer } = setUp();
    const { thread } = await fake.customerWrites({ text: 'Where is my order?', channel: 'CHAT', customer });
    await plain.replyToThread({ threadId: thread.id, textContent: 'It ships today.' });
    await plain.createNote({ customerId: customer.id, threadId: thread.id, text: 'Checked with the warehouse' });
    const timeline = `query Timeline($threadId: ID!, $filters: ThreadTimelineEntriesFilter, $first: Int) {
      thread(threadId: $threadId) {
        timelineEntries(filters: $filters, first: $first) {
          edges { node {
            actor { __typename ... on CustomerActor { customerId } ... on MachineUserActor { machineUserId } }
            entry { __typename ... on ChatEntry { text } ... on NoteEntry { noteText: text } }
          } }
          pageInfo { hasPreviousPage hasNextPage }
        }
      }
    }`;
    const nodes = async (variables: Record<string, unknown>) => {
      const result = await plain.request(timeline, { threadId: thread.id, ...variables });
      type Timeline = { thread: { timelineEntries: { edges: { node: unknown }[]; pageInfo: unknown } } };
      const data = result.data as Timeline | undefined;
      if (!data) throw new Error(`the timeline query failed: ${result.error?.message}`);
      const entries = data.thread.timelineEntries;
      return { nodes: entries.edges.map((e) => e.node), pageInfo: entries.pageInfo };
    };
    const bot = { __typename: 'MachineUserActor', machineUserId: fake.machineUser().id };
    expect((await nodes({})).nodes).toEqual([
      { actor: bot, entry: { __typename: 'NoteEntry', noteText: 'Checked with the warehouse' } },
      { actor: bot, entry: { __typename: 'ChatEntry', text: 'It ships today.' } },
      {
        actor: { __typename: 'CustomerActor', customerId: customer.id },
        entry: { __typename: 'ChatEntry', text: 'Where is my order?' },
      },
    ]);
    expect(await nodes({ filters: { isMessage: true }, first: 1 })).toEqual({
      nodes: [{ actor: bot, entry: { __typename: 'ChatEntry', text: 'It ships today.' } }],
      pageInfo: { hasPreviousPage: false, hasNextPage: true },
    });
  });

  it('a mutation the fake keeps no state for answers a placeholder payload', async () => {
    const { plain } = setUp();
    const result = await plain.request(
      'mutation Title($input: UpdateThreadTitleInput!) { updateThreadTitle(input: $input) { thread { id } error { code } } }',
      { input: { threadId: 'th_1', title: 'New title' } },
    );
    expect(result).toMatchObject({ ok: true, data: { updateThreadTitle: { thread: null, error: null } } });
  });

  it('a document the schema rejects: GRAPHQL_VALIDATION_FAILED through plain.request, nothing run', async () => {
    const { fake, plain, thread } = setUp();
    const result = await plain.request(
      'mutation Done($input: MarkThreadAsDoneInput!) { markThreadAsDone(input: $input) { thread { id nope } } }',
      { input: { threadId: thread.id } },
    );
    expect(result.error).toMatchObject({
      kind: 'graphql_error',
      retryable: false,
      errors: [{ message: 'Cannot query field "nope" on type "Thread".', code: 'GRAPHQL_VALIDATION_FAILED' }],
    });
    expect(fake.thread(thread.id)?.status).toBe('TODO');
    expect(fake.requests.map((r) => r.operationName)).toEqual(['Done']);
  });

  it('a document that does not parse: 400 GRAPHQL_PARSE_FAILED; variables that do not fit: 400 BAD_USER_INPUT', async () => {
    const { fake } = setUp();
    const unparsable = await post(fake, 'query { thread(');
    expect(unparsable).toEqual({
      status: 400,
      body: {
        errors: [{ message: expect.stringMatching(/^Syntax Error/), extensions: { code: 'GRAPHQL_PARSE_FAILED' } }],
      },
    });
    const badVariables = await post(fake, 'query T($id: ID!) { thread(threadId: $id) { id } }', {
      id: { not: 'an id' },
    });
    expect(badVariables.status).toBe(400);
    expect(badVariables.body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('requests no GraphQL server would run are answered, never dropped', () => {
  it('variables that are not an object: 400 BAD_REQUEST', async () => {
    const { fake, thread } = setUp();
    const response = await fake.fetch('https://core-api.uk.plain.com/graphql/v1', {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.apiKey}` },
      body: JSON.stringify({
        query: 'query T($id: ID!) { thread(threadId: $id) { id } }',
        variables: `{"id":"${thread.id}"}`,
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [{ message: '`variables` must be an object.', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it('a document nested deeper than the parser can go: 400 GRAPHQL_PARSE_FAILED', async () => {
    const { fake } = setUp();
    const deep = `query Deep { thread(threadId: "th_1") ${'{ customer '.repeat(20_000)}${'}'.repeat(20_000)} }`;
    expect(await post(fake, deep)).toEqual({
      status: 400,
      body: {
        errors: [
          { message: 'Syntax Error: the document is nested too deeply.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } },
        ],
      },
    });
  });
});

// Operations generated from the schema: a random root field with random arguments and selections, some of them wrong
// (unknown fields or arguments, a selection on a scalar, none on an object, a required argument left out).
function operationFrom(tape: readonly number[]): string {
  let at = 0;
  const pick = (n: number) => (tape[at++ % tape.length] ?? 0) % n;
  const chance = (oneIn: number) => pick(oneIn) === 0;

  const literal = (type: GraphQLInputType, depth: number): string => {
    if (isNonNullType(type)) return literal(type.ofType, depth);
    if (isListType(type)) return `[${literal(type.ofType, depth)}]`;
    if (isEnumType(type)) return type.getValues()[pick(type.getValues().length)]?.name ?? 'null';
    if (isInputObjectType(type)) {
      if (depth > 3) return 'null';
      const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type) || chance(6));
      return `{ ${fields.map((f) => `${f.name}: ${literal(f.type, depth + 1)}`).join(', ')} }`;
    }
    if (type.name === 'Int') return String(pick(120));
    if (type.name === 'Float') return '1.5';
    if (type.name === 'Boolean') return chance(2) ? 'true' : 'false';
    return JSON.stringify(['th_1', 'c_1', '', 'x'][pick(4)]);
  };

  const argumentsOf = (field: GraphQLField<unknown, unknown>): string => {
    const given = field.args
      .filter((a) => (isNonNullType(a.type) ? !chance(12) : chance(3)))
      .map((a) => `${a.name}: ${literal(a.type, 0)}`);
    if (chance(20)) given.push('noSuchArgument: 1');
    return given.length > 0 ? `(${given.join(', ')})` : '';
  };

  const selectionOf = (type: GraphQLNamedType, depth: number): string => {
    if (isLeafType(type)) return chance(20) ? ' { id }' : '';
    if (chance(20)) return '';
    if (depth >= 3) return ' { __typename }';
    if (isAbstractType(type)) {
      const possible = schema.getPossibleTypes(type);
      const member = possible[pick(possible.length)];
      // An inline fragment without a selection would not parse: that one is always given one.
      const inner = member ? selectionOf(member, depth + 1) || ' { __typename }' : '';
      return member ? ` { __typename ... on ${member.name}${inner} }` : ' { __typename }';
    }
    const fields = Object.values((type as GraphQLObjectType).getFields());
    const chosen = Array.from({ length: 1 + pick(3) }, () => fields[pick(fields.length)]);
    const parts = chosen.map((f) =>
      f ? `${f.name}${argumentsOf(f)}${selectionOf(getNamedType(f.type), depth + 1)}` : '',
    );
    if (chance(15)) parts.push('notAField');
    return ` { ${parts.join(' ')} }`;
  };

  const mutation = chance(4);
  const root = (mutation ? schema.getMutationType() : schema.getQueryType()) as GraphQLObjectType;
  const fields = Object.values(root.getFields());
  const field = fields[pick(fields.length)] as GraphQLField<unknown, unknown>;
  return `${mutation ? 'mutation' : 'query'} Generated { ${field.name}${argumentsOf(field)}${selectionOf(getNamedType(field.type), 1)} }`;
}

describe('the fake answers every operation generated from the schema', () => {
  it('either executes it (200 with data) or answers the validation error shape, as graphql-js validation decides', async () => {
    const fake = createFakePlain();
    const seen = { valid: 0, invalid: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { minLength: 40, maxLength: 40 }), async (tape) => {
        const query = operationFrom(tape);
        const problems = validate(schema, parse(query));
        const { status, body } = await post(fake, query);
        if (problems.length === 0) {
          seen.valid++;
          expect(status, query).toBe(200);
          expect(body, query).toHaveProperty('data');
          for (const error of body.errors ?? []) expect(error.extensions.code, query).not.toBe('INTERNAL_SERVER_ERROR');
        } else {
          seen.invalid++;
          expect({ status, body }, query).toEqual({
            status: 400,
            body: {
              errors: problems.map((p) => ({ message: p.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })),
            },
          });
        }
      }),
      { numRuns: 100 },
    );
    // Both branches were exercised.
    expect(seen.valid).toBeGreaterThan(5);
    expect(seen.invalid).toBeGreaterThan(5);
  });
});
