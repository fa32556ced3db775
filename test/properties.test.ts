import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { buildSchema, graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  PlainClient,
  type PlainClientOptions,
  type PlainErrorKind,
  type ReplyToThreadInput,
  type Result,
} from '../src/index.js';

// Properties over everything a caller can pass and everything a server can answer. No network: each client gets a
// custom fetch. Run counts are kept small enough for the file to finish in a few seconds.

const API_KEY = 'plainApiKey_s3cr3t_for_properties_0123456789';

/** Every error kind of the PlainError union; the `satisfies` keeps this list in step with the type. */
const KINDS = new Set(
  Object.keys({
    invalid_input: 1,
    cannot_reply_to_thread: 1,
    thread_not_found: 1,
    unauthenticated: 1,
    forbidden: 1,
    rate_limited: 1,
    validation: 1,
    mutation_error: 1,
    network: 1,
    timeout: 1,
    server_error: 1,
    graphql_error: 1,
    aborted: 1,
    unexpected_response: 1,
    attachment_rejected: 1,
  } satisfies Record<PlainErrorKind, 1>),
);

// ---------------------------------------------------------------------------------------------------------------
// (a) Inputs: refused locally with nothing sent, or sent with variables that Plain's schema accepts.
// ---------------------------------------------------------------------------------------------------------------

const schema = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
const stubThread = (id: string) => ({
  id,
  ref: 'T-1',
  title: 'A thread',
  channel: 'EMAIL',
  status: 'TODO',
  customer: { id: 'c_1' },
});
const rootValue = {
  thread: ({ threadId }: { threadId: string }) => stubThread(threadId),
  threadByRef: ({ ref }: { ref: string }) => ({ ...stubThread('th_1'), ref }),
  replyToThread: () => ({ error: null }),
};

/**
 * A server that is the schema itself: it executes each request with graphql-js, so variables that do not fit the
 * input types come back as GraphQL errors (and are recorded), exactly as a spec-compliant server would refuse them.
 */
function schemaServer() {
  const sent: { operationName: string; variables: Record<string, unknown>; errors: readonly unknown[] }[] = [];
  const fetch: typeof globalThis.fetch = async (_url, init) => {
    const body = JSON.parse(String(init?.body));
    const result = await graphql({
      schema,
      source: body.query,
      variableValues: body.variables,
      operationName: body.operationName,
      rootValue,
    });
    sent.push({ operationName: body.operationName, variables: body.variables, errors: result.errors ?? [] });
    return Response.json(result, { status: result.errors ? 400 : 200 });
  };
  return { sent, plain: new PlainClient({ apiKey: API_KEY, fetch, maxRetries: 0 }) };
}

const junk = fc.anything({ maxDepth: 2 });
const word = (min = 1) =>
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: min, maxLength: 8 });
/** Addresses the client documents as valid: dot-separated atoms (RFC 5322 atext or non-ASCII) at a domain of two or more labels. */
const atom = fc.string({ unit: fc.constantFrom(..."abcXYZ019!#$%&'*+-/=?^_`{|}~éü用"), minLength: 1, maxLength: 8 });
const label = fc.oneof(word(), fc.constantFrom('bücher', 'xn--bcher-kva', '例子', 'my-domain'));
const email = fc
  .tuple(
    fc.array(atom, { minLength: 1, maxLength: 2 }),
    label,
    fc.constantFrom('com', 'org', 'io', 'co.uk', 'xn--p1ai', '广告'),
  )
  .map(([atoms, domain, tld]) => `${atoms.join('.')}@${domain}.${tld}`);
const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '');
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.constant(undefined), fc.constant(null), junk);

/** Inputs near the valid shape: each field valid, missing, null or junk. */
const nearlyValid = fc.record(
  {
    threadId: maybe(fc.oneof(text, fc.constant(' '), fc.constant(''))),
    textContent: maybe(fc.oneof(text, fc.constant('\n\t'))),
    markdownContent: maybe(fc.string()),
    attachmentIds: maybe(fc.array(fc.oneof(word(), fc.constant(''), junk), { maxLength: 3 })),
    impersonation: maybe(
      fc.record({
        asCustomer: maybe(
          fc.record({
            customerIdentifier: maybe(
              fc.record(
                {
                  emailAddress: maybe(fc.oneof(email, fc.string())),
                  customerId: maybe(word(0)),
                  externalId: maybe(word(0)),
                },
                { requiredKeys: [] },
              ),
            ),
          }),
        ),
      }),
    ),
    channelSpecificOptions: maybe(
      fc.record({
        email: maybe(
          fc.record(
            {
              additionalRecipients: maybe(
                fc.array(
                  maybe(
                    fc.record(
                      { email: maybe(fc.oneof(email, fc.string())), name: maybe(fc.string()) },
                      { requiredKeys: [] },
                    ),
                  ),
                  { maxLength: 3 },
                ),
              ),
              hiddenRecipients: maybe(
                fc.array(maybe(fc.record({ email: maybe(email), name: maybe(fc.string()) }, { requiredKeys: [] })), {
                  maxLength: 3,
                }),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
      }),
    ),
    surprise: junk,
  },
  { requiredKeys: [] },
);

/** Inputs that follow every documented rule, so the client must send them, unchanged. */
const valid: fc.Arbitrary<ReplyToThreadInput> = fc
  .record(
    {
      threadId: text,
      textContent: text,
      markdownContent: fc.option(fc.string(), { nil: undefined }).chain((v) => fc.constantFrom(v, null)),
      attachmentIds: fc.oneof(fc.array(text, { maxLength: 3 }), fc.constant(null)),
      impersonation: fc.oneof(
        fc.constant(null),
        fc
          .oneof(
            email.map((emailAddress) => ({ emailAddress })),
            text.map((customerId) => ({ customerId })),
            text.map((externalId) => ({ externalId })),
          )
          .map((customerIdentifier) => ({ asCustomer: { customerIdentifier } })),
      ),
      recipients: fc.uniqueArray(fc.record({ email, name: fc.option(fc.string(), { nil: undefined }) }), {
        selector: (r) => r.email.toLowerCase(),
        maxLength: 4,
      }),
      split: fc.nat(4),
      emptyAs: fc.constantFrom(undefined, null, 'list'),
      withOptions: fc.boolean(),
    },
    { requiredKeys: ['threadId', 'textContent', 'recipients', 'split', 'emptyAs', 'withOptions'] },
  )
  .map(({ recipients, split, emptyAs, withOptions, ...input }) => {
    const list = (r: typeof recipients) => (r.length > 0 || emptyAs === 'list' ? r : (emptyAs as null | undefined));
    const cc = list(recipients.slice(0, split));
    const bcc = list(recipients.slice(split));
    const email = {
      ...(cc !== undefined ? { additionalRecipients: cc } : {}),
      ...(bcc !== undefined ? { hiddenRecipients: bcc } : {}),
    };
    return { ...input, ...(withOptions ? { channelSpecificOptions: { email } } : {}) } as ReplyToThreadInput;
  });

describe('(a) any input: invalid_input with nothing sent, or variables that fit the schema', () => {
  const property = (arb: fc.Arbitrary<unknown>) =>
    fc.asyncProperty(arb, async (input) => {
      const { plain, sent } = schemaServer();
      const result = await plain.replyToThread(input as ReplyToThreadInput);
      if (!result.ok && result.error.kind === 'invalid_input') {
        expect(sent).toEqual([]);
        expect(result.error.attempts).toBe(0);
        return;
      }
      expect(sent.map((s) => s.errors)).toEqual(sent.map(() => []));
      expect(sent.map((s) => s.operationName)).toEqual(['GetThread', 'ReplyToThread']);
      expect(result).toMatchObject({ ok: true });
    });

  it('fc.anything()', async () => {
    await fc.assert(property(fc.anything()), { numRuns: 300 });
  });
  it('fc.object()', async () => {
    await fc.assert(property(fc.object()), { numRuns: 200 });
  });
  it('structured inputs near the valid shape', async () => {
    await fc.assert(property(nearlyValid), { numRuns: 600 });
  });

  it('inputs that follow every documented rule are sent as given', async () => {
    await fc.assert(
      fc.asyncProperty(valid, async (input) => {
        const { plain, sent } = schemaServer();
        const result = await plain.replyToThread(input);
        expect(result.error).toBeUndefined();
        const mutation = sent.find((s) => s.operationName === 'ReplyToThread')!;
        expect(mutation.errors).toEqual([]);
        // What Plain receives is the caller's input as JSON carries it (undefined keys dropped), nothing added.
        expect(mutation.variables).toEqual({ input: JSON.parse(JSON.stringify(input)) });
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// (b) Answers: whatever comes back, a typed result; never a rejection or a throw.
// ---------------------------------------------------------------------------------------------------------------

const NULL_BODY_STATUSES = new Set([204, 205, 304]);
/** Header values fetch accepts (visible ASCII and spaces), trimmed as fetch would. */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 30 }),
  fc.integer({ min: -1e6, max: 1e15 }).map(String),
  fc.constantFrom('NaN', '1e400', '-0', '0', '0.5', 'Infinity', ''),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.integer({ min: -5_000, max: 50 }).map((ms) => new Date(Date.now() + ms).toISOString()),
);
const headers = fc.dictionary(
  fc.constantFrom(
    'x-ratelimit-limit',
    'x-ratelimit-remaining',
    'x-ratelimit-reset',
    'retry-after',
    'apigw-requestid',
    'x-request-id',
    'content-type',
  ),
  headerValue,
  { maxKeys: 7 },
);
const contentType = fc.constantFrom(
  'application/json',
  'application/graphql-response+json; charset=utf-8',
  'text/html',
  undefined,
);
/** Mostly `good`, sometimes anything. */
const mostly = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: junk });
const codes = fc.constantFrom(
  'RATE_LIMITED',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'INTERNAL_SERVER_ERROR',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
);
const graphqlError = fc.record(
  {
    message: fc.oneof(fc.string(), junk),
    extensions: fc.oneof(fc.record({ code: fc.oneof(codes, junk) }), junk),
    path: fc.oneof(fc.array(fc.oneof(fc.string(), fc.nat())), junk),
  },
  { requiredKeys: [] },
);
const mutationError = fc.record(
  {
    message: mostly(fc.string()),
    type: mostly(fc.constantFrom('VALIDATION', 'FORBIDDEN', 'INTERNAL')),
    code: mostly(fc.constantFrom('input_validation', 'forbidden', 'cannot_reply_to_thread', 'internal')),
    fields: mostly(
      fc.array(
        mostly(
          fc.record(
            {
              field: mostly(fc.constantFrom('threadId', 'textContent')),
              message: mostly(fc.string()),
              type: mostly(fc.constantFrom('VALIDATION', 'REQUIRED', 'NOT_FOUND')),
            },
            { requiredKeys: [] },
          ),
        ),
        { maxLength: 3 },
      ),
    ),
  },
  { requiredKeys: ['code'] },
);
const thread = fc.record(
  {
    id: mostly(fc.string()),
    ref: mostly(fc.string()),
    title: mostly(fc.string()),
    channel: mostly(fc.constantFrom('EMAIL', 'SLACK', 'DISCORD', 'FAX')),
    status: mostly(fc.constantFrom('TODO', 'DONE')),
    customer: mostly(fc.record({ id: mostly(fc.string()) })),
  },
  { requiredKeys: ['id', 'channel'] },
);
/** GraphQL-shaped JSON with junk anywhere. */
const graphqlBody = fc.record({
  // One data object answers every operation the client sends; each reads its own field.
  data: fc.oneof(
    fc.constant(null),
    {
      weight: 6,
      arbitrary: fc.record({
        replyToThread: mostly(
          fc.record({ error: fc.oneof(fc.constant(null), { weight: 2, arbitrary: mutationError }, junk) }),
        ),
        thread: fc.oneof(fc.constant(null), { weight: 3, arbitrary: thread }, junk),
        threadByRef: fc.oneof(fc.constant(null), { weight: 3, arbitrary: thread }, junk),
      }),
    },
    junk,
  ),
  // Absent more often than not, as in Plain's successful answers.
  errors: fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    fc.array(fc.oneof(graphqlError, junk), { maxLength: 3 }),
    junk,
  ),
});
const body = fc.oneof(
  graphqlBody.map((b) => JSON.stringify(b)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .tuple(
      graphqlBody.map((b) => JSON.stringify(b)),
      fc.nat(),
    )
    .map(([json, cut]) => json.slice(0, cut % (json.length + 1))),
  fc.uint8Array({ maxLength: 64 }),
  fc.constantFrom(
    '',
    'Unauthorized',
    '<html>502 Bad Gateway</html>',
    'null',
    '[]',
    '{"data":{"replyToThread":{"error":null}}}',
  ),
);
type AnswerSpec =
  | { status: number; headers: Record<string, string>; contentType: string | undefined; body: string | Uint8Array }
  | { reject: unknown };
const rejection = fc.oneof(
  fc
    .constantFrom('ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT')
    .map((code) => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) })),
  fc.constant(new DOMException('The operation was aborted.', 'AbortError')),
  junk,
);
/** Answers shaped like Plain's (mostly 200, JSON, GraphQL-shaped with junk inside): they reach the mapping code. */
const plausible = fc.record({
  status: fc.constantFrom(200, 200, 200, 200, 400, 401, 403, 429, 500),
  headers,
  contentType: fc.constant('application/json'),
  body: fc.oneof({ weight: 4, arbitrary: graphqlBody.map((b) => JSON.stringify(b)) }, { weight: 1, arbitrary: body }),
});
const answer: fc.Arbitrary<AnswerSpec> = fc.oneof(
  { weight: 5, arbitrary: plausible },
  {
    weight: 4,
    arbitrary: fc.record({
      status: fc.oneof(fc.integer({ min: 200, max: 599 }), fc.constantFrom(200, 400, 401, 403, 429, 500, 502, 503)),
      headers,
      contentType,
      body,
    }),
  },
  { weight: 1, arbitrary: fc.record({ reject: rejection }) },
);

function toResponse(spec: AnswerSpec): Response {
  if ('reject' in spec) throw spec.reject;
  const h = new Headers(spec.headers);
  if (spec.contentType) h.set('content-type', spec.contentType);
  return new Response(NULL_BODY_STATUSES.has(spec.status) ? null : (spec.body as BodyInit), {
    status: spec.status,
    headers: h,
  });
}

/** A client whose fetch plays `answers` in order, the last one for every further request. */
function scripted(answers: AnswerSpec[], options: Partial<PlainClientOptions> = {}) {
  let next = 0;
  const played: AnswerSpec[] = [];
  const fetch: typeof globalThis.fetch = async () => {
    const spec = answers[Math.min(next++, answers.length - 1)]!;
    played.push(spec);
    return toResponse(spec);
  };
  // Short waits: a 429 is retried only when its reset is a few ms away, so runs stay quick.
  return {
    played,
    plain: new PlainClient({ apiKey: API_KEY, fetch, maxRetryDelayMs: 20, timeoutMs: 2_000, ...options }),
  };
}

const isDate = (d: unknown) => d instanceof Date && Number.isFinite(d.getTime());

/** What every result must look like, whatever the server said. */
function expectTyped(result: Result<unknown>) {
  expect(typeof result.ok).toBe('boolean');
  if (result.requestId !== undefined) expect(typeof result.requestId).toBe('string');
  if (result.rateLimit !== undefined) {
    const { limit, remaining, resetAt } = result.rateLimit;
    if (limit !== undefined) expect(Number.isFinite(limit)).toBe(true);
    if (remaining !== undefined) expect(Number.isFinite(remaining)).toBe(true);
    if (resetAt !== undefined) expect(isDate(resetAt)).toBe(true);
  }
  if (result.ok) return;
  const e = result.error;
  expect(KINDS.has(e.kind)).toBe(true);
  expect(typeof e.message).toBe('string');
  expect(e.message.length).toBeGreaterThan(0);
  expect(Number.isInteger(e.attempts) && e.attempts >= 0).toBe(true);
  expect(typeof e.retryable).toBe('boolean');
  if (e.status !== undefined) expect(Number.isInteger(e.status)).toBe(true);
  if (e.requestId !== undefined) expect(typeof e.requestId).toBe('string');
  if (e.kind === 'validation' || e.kind === 'mutation_error') {
    expect(typeof e.code).toBe('string');
    for (const f of e.fields)
      expect([typeof f.field, typeof f.message, typeof f.type]).toEqual(['string', 'string', 'string']);
  }
  if (e.kind === 'mutation_error') expect(typeof e.type).toBe('string');
  if (e.kind === 'graphql_error') {
    for (const g of e.errors) {
      expect(typeof g.message).toBe('string');
      if (g.code !== undefined) expect(typeof g.code).toBe('string');
      if (g.path !== undefined) expect(Array.isArray(g.path)).toBe(true);
    }
  }
  if (e.kind === 'rate_limited' && e.retryAfterMs !== undefined)
    expect(e.retryAfterMs >= 0 && Number.isFinite(e.retryAfterMs)).toBe(true);
}

/**
 * True when `spec` is an answer that shows a reply went through: its data holds `replyToThread` with `error: null`,
 * whatever its status or other errors say (the mutation ran, so it must never be reported as a failure and retried).
 */
function isReplySuccess(spec: AnswerSpec | undefined): boolean {
  if (!spec || 'reject' in spec || typeof spec.body !== 'string') return false;
  // The content type is not consulted: a GraphQL result is read as one whatever the answer calls itself.
  try {
    const parsed = JSON.parse(spec.body);
    const errorsOk = parsed.errors === undefined || Array.isArray(parsed.errors);
    const answer = parsed?.data?.replyToThread;
    return typeof answer === 'object' && answer !== null && !Array.isArray(answer) && answer.error === null && errorsOk;
  } catch {
    return false;
  }
}

type Call = 'reply to a known thread' | 'reply with a lookup' | 'getThread' | 'getThreadByRef';
const calls: Record<Call, (plain: PlainClient) => Promise<Result<unknown>>> = {
  'reply to a known thread': (plain) =>
    plain.replyToThread({ threadId: 'th_1', textContent: 'Hello' }, { thread: { id: 'th_1', channel: 'EMAIL' } }),
  'reply with a lookup': (plain) => plain.replyToThread({ threadId: 'th_1', textContent: 'Hello' }),
  getThread: (plain) => plain.getThread('th_1'),
  getThreadByRef: (plain) => plain.getThreadByRef('T-1'),
};

describe('(b) any HTTP answer resolves to a typed result', () => {
  for (const [name, call] of Object.entries(calls) as [Call, (typeof calls)[Call]][]) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(answer, { minLength: 1, maxLength: 3 }), async (answers) => {
          const { plain, played } = scripted(answers);
          const result = await call(plain);
          expectTyped(result);
          if (result.ok && name === 'reply to a known thread') expect(isReplySuccess(played.at(-1))).toBe(true);
          if (result.ok && name !== 'reply to a known thread' && name !== 'reply with a lookup') {
            const t = result.data as Record<string, unknown>;
            expect(
              [t.id, t.ref, t.title, t.channel, t.status, (t.customer as { id?: unknown } | null)?.id].map(
                (v) => typeof v,
              ),
            ).toEqual(Array(6).fill('string'));
          }
        }),
        { numRuns: 500 },
      );
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// (c) The API key: in no result, message, cause, hook event or thrown error, whatever the server echoes.
// ---------------------------------------------------------------------------------------------------------------

/** The path at which `secret` appears in `value`, looking at every own property, enumerable or not (stack, cause). */
function findSecret(value: unknown, secret: string, path = 'result', seen = new Set<unknown>()): string | undefined {
  if (typeof value === 'string') return value.includes(secret) ? path : undefined;
  if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return undefined;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key === 'symbol') continue;
    const found = findSecret((value as Record<string, unknown>)[key], secret, `${path}.${key}`, seen);
    if (found) return found;
  }
  if (value instanceof Error) return findSecret(value.stack, secret, `${path}.stack`, seen);
  return undefined;
}

const echo = fc
  .tuple(fc.string({ maxLength: 5 }), fc.constantFrom(API_KEY, `Bearer ${API_KEY}`), fc.string({ maxLength: 5 }))
  .map((parts) => parts.join(''));
const withKey = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, echo);
const echoingAnswer: fc.Arbitrary<AnswerSpec> = fc.oneof(
  fc.record({
    status: fc.constantFrom(200, 200, 200, 200, 400, 401, 403, 429, 500, 503),
    headers: fc.dictionary(
      fc.constantFrom(
        'apigw-requestid',
        'x-request-id',
        'retry-after',
        'x-ratelimit-reset',
        'x-ratelimit-limit',
        'content-type',
      ),
      withKey(headerValue),
      { maxKeys: 4 },
    ),
    contentType: fc.constantFrom('application/json', 'text/plain'),
    body: fc.oneof(
      echo,
      fc
        .record({
          data: fc.oneof(
            fc.constant(null),
            fc.record({
              replyToThread: fc.record({
                error: fc.oneof(
                  fc.constant(null),
                  fc.record({
                    message: echo,
                    type: fc.constantFrom('VALIDATION', 'FORBIDDEN', 'INTERNAL'),
                    code: withKey(fc.constantFrom('forbidden', 'internal', 'cannot_reply_to_thread')),
                    fields: fc.array(
                      fc.record({
                        field: withKey(fc.constant('threadId')),
                        message: echo,
                        type: fc.constantFrom('VALIDATION', 'NOT_FOUND'),
                      }),
                      { maxLength: 2 },
                    ),
                  }),
                ),
              }),
            }),
            fc.record({
              thread: fc.record({
                id: withKey(fc.constant('th_1')),
                ref: withKey(fc.constant('T-1')),
                title: echo,
                channel: withKey(fc.constantFrom('EMAIL', 'DISCORD')),
                status: fc.constant('TODO'),
                customer: fc.record({ id: withKey(fc.constant('c_1')) }),
              }),
            }),
          ),
          errors: fc.oneof(
            { weight: 2, arbitrary: fc.constant(undefined) },
            fc.array(
              fc.record({
                message: echo,
                extensions: fc.record({ code: withKey(codes) }),
                path: fc.array(withKey(fc.constant('replyToThread')), { maxLength: 1 }),
              }),
              { minLength: 1, maxLength: 2 },
            ),
          ),
        })
        .map((b) => JSON.stringify(b)),
    ),
  }),
  fc.record({
    reject: fc.oneof(
      echo.map((m) => new TypeError(m)),
      echo.map((m) => new TypeError('fetch failed', { cause: Object.assign(new Error(m), { code: 'ECONNRESET' }) })),
      echo.map((m) => new TypeError('fetch failed', { cause: new AggregateError([new Error(m)], m) })),
      echo,
    ),
  }),
);

describe('(c) the API key never leaves, whatever the server echoes', () => {
  for (const [name, call] of Object.entries(calls) as [Call, (typeof calls)[Call]][]) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(echoingAnswer, { minLength: 1, maxLength: 3 }), async (answers) => {
          const events: unknown[] = [];
          const { plain } = scripted(answers, { onRequest: (e) => events.push(e), onResponse: (e) => events.push(e) });
          let outcome: unknown;
          try {
            outcome = await call(plain);
          } catch (thrown) {
            outcome = thrown;
            expect.fail('a call threw');
          }
          expect(findSecret(outcome, API_KEY)).toBeUndefined();
          expect(findSecret(events, API_KEY, 'events')).toBeUndefined();
        }),
        { numRuns: 150 },
      );
    });
  }
});
