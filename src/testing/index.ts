import type { IncomingMessage, ServerResponse } from 'node:http';
import { PLAIN_API_URL } from '../config.js';
import type { ThreadChannel, ThreadStatus } from '../generated/graphql.js';
import { type FakeFault, type FakeOperationName, type FaultPolicy, FaultQueue } from './faults.js';
import { rootFor } from './resolvers.js';
import { type Answer, errorAnswer, operationNameOf, run } from './schema.js';
import { answerUpload, type FakeUpload, IN_PROCESS_STORAGE_URL, STORAGE_PATH } from './storage.js';
import { createFakeWebhooks } from './webhooks.js';
import {
  ALL_PERMISSIONS,
  type FakeAgentStatus,
  type FakeAttachment,
  type FakeCustomer,
  type FakeLabelType,
  type FakeMachineUser,
  type FakeMessage,
  type FakeNote,
  type FakePermission,
  type FakeStatusDetail,
  type FakeThread,
  type FakeUser,
  FakeWorkspace,
  snapshotOf,
} from './workspace.js';

export type { FakeFault, FakeOperationName, FaultPolicy } from './faults.js';
export type { FakeUpload, FakeUploadField } from './storage.js';
export type {
  FakeCustomerWritesInput,
  FakeWebhookDelivery,
  FakeWebhookSubscription,
  FakeWebhooks,
  FakeWebhookTarget,
} from './webhooks.js';
export type {
  FakeAgentStatus,
  FakeAssignee,
  FakeAttachment,
  FakeCustomer,
  FakeLabel,
  FakeLabelType,
  FakeMachineUser,
  FakeMessage,
  FakeNote,
  FakeParticipant,
  FakePermission,
  FakeStatusDetail,
  FakeThread,
  FakeUser,
} from './workspace.js';

export interface FakePlainOptions {
  /** The endpoint `fake.apiUrl` names, which `mswHandlers(fake)` from plain-client/testing/msw answers. @default Plain's own endpoint */
  apiUrl?: string;
  /** Whether the workspace's plan includes impersonation. @default true */
  impersonation?: boolean;
  /** Enforce a rate limit and send `x-ratelimit-*` headers on every answer, as Plain does. */
  rateLimit?: { limit: number; windowMs: number };
}

/** A request the fake received (connections refused by a fault never arrive). */
export interface FakeRequest {
  operationName: FakeOperationName | undefined;
  variables: Record<string, unknown> | undefined;
  headers: Record<string, string>;
}

type Outcome = { response: Response } | { drop: 'refused' | 'before' | 'after' };

/** How long an upload form from createAttachmentUploadUrl lasts: two hours, as Plain's. */
const UPLOAD_URL_LIFETIME_MS = 2 * 60 * 60 * 1000;

const networkError = (code: string, message: string) =>
  new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });

/** Waits `ms`, or rejects when `signal` fires; leaves neither timer nor listener behind either way. */
function wait(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A stateful fake of Plain's GraphQL API that applies Plain's rules: channels, impersonation, Cc/Bcc, permissions,
 * Plain's error shapes and HTTP statuses. Use it through `fake.fetch`, MSW (`mswHandlers(fake)` from
 * plain-client/testing/msw) or real HTTP (`fake.listen()`).
 * @example
 * const fake = createFakePlain();
 * const thread = fake.addThread({ channel: 'EMAIL' });
 * const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
 */
export function createFakePlain(options: FakePlainOptions = {}) {
  const apiUrl = options.apiUrl ?? PLAIN_API_URL;
  let workspace = new FakeWorkspace(options.impersonation ?? true);
  const faults = new FaultQueue();
  const requests: FakeRequest[] = [];
  const uploads: FakeUpload[] = [];
  let requestCount = 0;
  let budget = { start: 0, used: 0 };
  const defaultKey = 'plainApiKey_fake_all_permissions';

  const addApiKey = (init: { key?: string; permissions?: readonly FakePermission[] } = {}): string => {
    const key = init.key ?? `plainApiKey_fake_${workspace.nextId('')}`;
    workspace.apiKeys.set(key, new Set(init.permissions ?? ALL_PERMISSIONS));
    return key;
  };
  addApiKey({ key: defaultKey });

  const addCustomer = (init: Partial<FakeCustomer> = {}): FakeCustomer => {
    const id = init.id ?? workspace.nextId('c_');
    const customer: FakeCustomer = {
      id,
      email: init.email ?? `${id}@customers.example`,
      fullName: init.fullName ?? `Customer ${id}`,
      ...(init.externalId ? { externalId: init.externalId } : {}),
    };
    workspace.customers.set(id, customer);
    return customer;
  };

  const addThread = (
    init: {
      id?: string;
      ref?: string;
      title?: string;
      channel?: ThreadChannel;
      status?: ThreadStatus;
      statusDetail?: FakeStatusDetail | null;
      agentStatus?: FakeAgentStatus | null;
      /** Your own id for the thread, for `threadByExternalId`. */
      externalId?: string;
      customer?: FakeCustomer | string;
    } = {},
  ): FakeThread => {
    const customer = typeof init.customer === 'string' ? init.customer : (init.customer ?? addCustomer()).id;
    if (!workspace.customers.has(customer))
      throw new Error(`fake Plain: no customer ${customer}; add it with addCustomer first.`);
    const id = init.id ?? workspace.nextId('th_');
    const now = new Date();
    const thread: FakeThread = {
      id,
      ref: init.ref ?? `T-${workspace.threads.size + 1}`,
      title: init.title ?? `Thread ${workspace.threads.size + 1}`,
      channel: init.channel ?? 'EMAIL',
      status: init.status ?? 'TODO',
      customerId: customer,
      ...(init.externalId ? { externalId: init.externalId } : {}),
      statusDetail: init.statusDetail ?? null,
      agentStatus: init.agentStatus ?? null,
      assignee: null,
      labels: [],
      createdAt: now,
      statusChangedAt: now,
    };
    workspace.threads.set(id, thread);
    return thread;
  };

  const addUser = (init: Partial<FakeUser> = {}): FakeUser => {
    const id = init.id ?? workspace.nextId('u_');
    const user: FakeUser = {
      id,
      fullName: init.fullName ?? `User ${workspace.users.size + 1}`,
      email: init.email ?? `${id}@staff.example`,
    };
    workspace.users.set(id, user);
    return user;
  };

  const addLabelType = (init: Partial<FakeLabelType> = {}): FakeLabelType => {
    const id = init.id ?? workspace.nextId('lt_');
    const labelType: FakeLabelType = { id, name: init.name ?? `Label ${workspace.labelTypes.size + 1}` };
    workspace.labelTypes.set(id, labelType);
    return labelType;
  };

  const webhooks = createFakeWebhooks({ workspace: () => workspace, addThread });

  /** Starts a new rate-limit window when the current one is over. */
  function rollWindow(now: number): void {
    if (options.rateLimit && now >= budget.start + options.rateLimit.windowMs) budget = { start: now, used: 0 };
  }

  function rateLimitHeaders(now: number, exhausted = false): Record<string, string> {
    const limit = options.rateLimit;
    if (!limit) return {};
    rollWindow(now);
    const remaining = exhausted ? 0 : Math.max(0, limit.limit - budget.used);
    return {
      'x-ratelimit-limit': String(limit.limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': new Date(budget.start + limit.windowMs).toISOString(),
    };
  }

  function respond(answer: Answer, requestId: string, extra: Record<string, string> = {}): Response {
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json', 'apigw-requestid': requestId, ...extra },
    });
  }

  function faultResponse(fault: FakeFault, requestId: string): Response {
    const status = fault.status ?? 500;
    if (fault.body !== undefined)
      return new Response(fault.body, {
        status,
        headers: { 'content-type': 'text/html', 'apigw-requestid': requestId },
      });
    if (status === 429) {
      const seconds = fault.retryAfterSeconds ?? 1;
      const headers: Record<string, string> = {
        ...rateLimitHeaders(Date.now(), true),
        'x-ratelimit-reset': new Date(Date.now() + seconds * 1000).toISOString(),
      };
      if (fault.retryAfterHeader) headers['retry-after'] = String(seconds);
      return respond(
        {
          status,
          body: {
            errors: [{ message: 'Too Many Requests - Rate limit exceeded', extensions: { code: 'RATE_LIMITED' } }],
          },
        },
        requestId,
        headers,
      );
    }
    const [code, message] =
      status >= 500
        ? ['INTERNAL_SERVER_ERROR', 'Internal server error']
        : status === 401
          ? ['UNAUTHENTICATED', 'Authentication required: the API key is missing or not valid.']
          : status === 403
            ? ['FORBIDDEN', 'Forbidden']
            : ['BAD_REQUEST', 'Bad request'];
    return respond({ status, body: { errors: [{ message, extensions: { code } }] } }, requestId);
  }

  /**
   * Everything Plain would do with one HTTP request: a POST to the storage endpoint's path is an upload, anything
   * else a GraphQL request, whose upload forms post to `storageUrl`.
   */
  async function route(request: Request, storageUrl: string): Promise<Outcome> {
    if (new URL(request.url).pathname !== STORAGE_PATH) return handle(request, storageUrl);
    const fault = request.method === 'POST' ? faults.takeNamed('AttachmentUpload') : undefined;
    return answerUpload(request, { workspace, uploads, fault });
  }

  /** Everything Plain would do with one GraphQL request. */
  async function handle(request: Request, storageUrl: string): Promise<Outcome> {
    const requestId = `fake-req-${++requestCount}`;
    let body: { query?: unknown; variables?: Record<string, unknown>; operationName?: unknown };
    try {
      const parsed: unknown = JSON.parse(await request.text());
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new TypeError('not one request');
      body = parsed;
    } catch {
      return {
        response: respond(errorAnswer(400, 'GRAPHQL_PARSE_FAILED', ['Syntax Error: invalid JSON body']), requestId),
      };
    }
    const operationName = operationNameOf(body);
    const fault = faults.take(operationName, requestCount);
    if (fault?.drop === 'refused') return { drop: 'refused' };
    requests.push({ operationName, variables: body.variables, headers: Object.fromEntries(request.headers) });
    if (fault?.delayMs && !fault.afterRecording) await wait(fault.delayMs, request.signal);
    if (fault?.drop === 'before') return { drop: 'before' };
    if (fault?.status && !fault.afterRecording) return { response: faultResponse(fault, requestId) };

    const key = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
    const permissions = key === undefined ? undefined : workspace.apiKeys.get(key);
    if (!key || !permissions) {
      return {
        response: respond(
          errorAnswer(401, 'UNAUTHENTICATED', ['Authentication required: the API key is missing or not valid.']),
          requestId,
        ),
      };
    }
    const now = Date.now();
    rollWindow(now);
    if (options.rateLimit && budget.used >= options.rateLimit.limit) {
      return {
        response: faultResponse(
          { status: 429, retryAfterSeconds: (budget.start + options.rateLimit.windowMs - now) / 1000 },
          requestId,
        ),
      };
    }
    budget.used++;

    const sentBefore = workspace.sent.length;
    const answer: Answer =
      typeof body.query === 'string' && body.query !== ''
        ? await run({
            query: body.query,
            variables: body.variables,
            operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
            rootValue: rootFor(workspace, { apiKey: key, permissions }, webhooks.conversation, {
              url: storageUrl,
              lifetimeMs: UPLOAD_URL_LIFETIME_MS,
            }),
            context: undefined,
          })
        : errorAnswer(400, 'BAD_REQUEST', ['GraphQL operations must contain a non-empty `query`.']);

    webhooks.repliesAccepted(workspace.sent.slice(sentBefore));
    webhooks.threadsChanged(workspace.changes.splice(0));
    // A fault after recording: the request was acted on, but its answer is late, an error, or never arrives.
    if (fault?.delayMs && fault.afterRecording) await wait(fault.delayMs, request.signal);
    if (fault?.drop === 'after') return { drop: 'after' };
    if (fault?.status) return { response: faultResponse(fault, requestId) };
    return { response: respond(answer, requestId, rateLimitHeaders(Date.now())) };
  }

  /** A fetch that answers as Plain would, without any network. Pass it as `new PlainClient({ fetch: fake.fetch })`. */
  async function fakeFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    const { signal } = request;
    // As fetch does: an aborted signal rejects at once, and one that fires later rejects the call while the server
    // carries on with what it already received.
    if (signal.aborted) throw signal.reason;
    const outcome = await new Promise<Outcome>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      route(request, IN_PROCESS_STORAGE_URL)
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
    if ('response' in outcome) return outcome.response;
    if (outcome.drop === 'refused') throw networkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1');
    throw networkError('UND_ERR_SOCKET', 'other side closed');
  }

  const fake = {
    /** An API key holding every permission. */
    apiKey: defaultKey,
    apiUrl,
    addApiKey,
    addCustomer,
    addThread,
    /** A user (a human) threads can be assigned to with `assignThread({ userId })`. */
    addUser,
    /** A label type for `addLabels({ labelTypeIds })`. */
    addLabelType,
    /**
     * A thread's state as Plain holds it now (status, statusDetail, assignee, labels, agentStatus, …), or undefined.
     * A copy: changing it changes nothing.
     */
    thread: (threadId: string): FakeThread | undefined => {
      const thread = workspace.threads.get(threadId);
      return thread && snapshotOf(thread);
    },
    /** Notes created on a thread, oldest first. */
    notes: (threadId: string): FakeNote[] => workspace.notes.filter((n) => n.threadId === threadId),
    /** The machine user an API key acts as (what `myMachineUser` answers, the author of its replies). */
    machineUser: (apiKey: string = defaultKey): FakeMachineUser => ({ ...workspace.machineUserFor(apiKey) }),
    /** Webhooks: `fake.webhooks.subscribe(target, { secret })`, `redeliver`, `deliveries`, `settled`. */
    webhooks: webhooks.webhooks,
    /** A customer writes on a thread; the matching `*_received` webhook is delivered. */
    customerWrites: webhooks.customerWrites,
    /** Every message on a thread, the customer's and the replies, oldest first. */
    conversation: webhooks.conversation,
    /** Whether the workspace's plan includes impersonation. */
    set impersonationAllowed(allowed: boolean) {
      workspace.impersonationAllowed = allowed;
    },
    get impersonationAllowed() {
      return workspace.impersonationAllowed;
    },
    /** Replies Plain accepted on a thread, oldest first. */
    messages: (threadId: string): FakeMessage[] => workspace.sent.filter((m) => m.threadId === threadId),
    /** Every accepted reply on every thread. */
    allMessages: (): FakeMessage[] => [...workspace.sent],
    /** Requests received, oldest first. */
    requests: requests as readonly FakeRequest[],
    /** Applies a fault to the next matching request(s). */
    failNext(fault: FakeFault): void {
      faults.push(fault);
    },
    /** Picks a fault for every request that `failNext` did not claim. */
    injectFaults(policy: FaultPolicy | undefined): void {
      faults.policy = policy;
    },
    /**
     * Where upload forms from `createAttachmentUploadUrl` post when the fake is used in-process (`fake.fetch`, MSW);
     * a fake served by `listen()` hands out `http://127.0.0.1:<port>/fake-storage/upload` instead.
     */
    storageUrl: IN_PROCESS_STORAGE_URL,
    /** POSTs the storage endpoint received, oldest first: each form's fields in order, and its answer. */
    uploads: uploads as readonly FakeUpload[],
    /** An attachment by id (uploaded or not), or undefined. A copy. */
    attachment: (attachmentId: string): FakeAttachment | undefined => {
      const attachment = workspace.attachments.get(attachmentId);
      return attachment && { ...attachment, formData: attachment.formData.map((f) => ({ ...f })) };
    },
    /** An attachment whose file has arrived, for replies and notes to carry without an upload. */
    addAttachment(init: {
      customerId: string;
      fileName?: string;
      sizeBytes?: number;
      attachmentType?: FakeAttachment['attachmentType'];
    }): FakeAttachment {
      const attachment = workspace.addAttachment(
        {
          customerId: init.customerId,
          fileName: init.fileName,
          sizeBytes: init.sizeBytes ?? 1,
          attachmentType: init.attachmentType ?? 'EMAIL',
        },
        UPLOAD_URL_LIFETIME_MS,
      );
      attachment.uploadedAt = attachment.createdAt;
      attachment.mimeType = 'text/plain';
      return { ...attachment };
    },
    /** Expires every upload form handed out so far, as if two hours had passed: the storage endpoint refuses them. */
    expireAttachmentUploadUrls(): void {
      const past = new Date(Date.now() - 1);
      for (const attachment of workspace.attachments.values()) attachment.expiresAt = past;
    },
    /** Forgets all data, requests and faults; keeps `apiKey`. */
    reset(): void {
      workspace = new FakeWorkspace(options.impersonation ?? true);
      faults.clear();
      requests.length = 0;
      uploads.length = 0;
      requestCount = 0;
      budget = { start: 0, used: 0 };
      webhooks.reset();
      addApiKey({ key: defaultKey });
    },
    fetch: fakeFetch,
    /** Answers one Request (a fetch-style handler); dropped connections reject. */
    handle: (request: Request) => fakeFetch(request),
    /**
     * Serves the fake over real HTTP on 127.0.0.1, for tools that are not in-process: GraphQL on any path, and the
     * storage endpoint upload forms post to on `/fake-storage/upload` (with CORS, for a page on another origin).
     */
    listen: (port = 0) => listen(route, port),
  };
  // The MSW handlers live in plain-client/testing/msw, so that this entry loads without msw installed. The names
  // they had here explain where they went (hidden from spreads and printing, which would otherwise throw).
  for (const name of ['handlers', 'handlersFor']) {
    Object.defineProperty(fake, name, {
      enumerable: false,
      get() {
        throw new Error(
          `fake.${name} moved to plain-client/testing/msw: import { mswHandlers } from 'plain-client/testing/msw' ` +
            'and use setupServer(...mswHandlers(fake)), or mswHandlers(fake, url) for another endpoint.',
        );
      },
    });
  }
  return fake;
}

export type FakePlain = ReturnType<typeof createFakePlain>;

/** The fake's answer to a method other than POST (and OPTIONS, a CORS preflight). */
const methodNotAllowed = (method: string) =>
  JSON.stringify({
    errors: [
      { message: `${method} is not accepted: Plain's API takes POST.`, extensions: { code: 'METHOD_NOT_ALLOWED' } },
    ],
  });

/**
 * Answers one HTTP request with the fake. Whatever the client sends (any method, any Host, a body cut short), it
 * answers or drops that one connection: nothing it does can reject.
 */
async function answerOverHttp(
  handle: (request: Request, storageUrl: string) => Promise<Outcome>,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const origin = `http://127.0.0.1:${req.socket.localPort}`;
  const cors = { 'access-control-allow-origin': '*' };
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { ...cors, 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST' }).end();
    return;
  }
  if (req.method !== 'POST') {
    res
      .writeHead(405, { ...cors, allow: 'POST', 'content-type': 'application/json' })
      .end(methodNotAllowed(String(req.method)));
    return;
  }
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer);
  } catch {
    // The client went away mid-body: there is no request to act on.
    req.socket.destroy();
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value !== 'string') continue;
    try {
      headers.set(name, value);
    } catch {
      // A header fetch cannot carry is not one the fake reads.
    }
  }
  // A fixed URL: the fake answers GraphQL on any path, and the Host header (the client's to write) builds nothing.
  const path = req.url?.split('?')[0] === STORAGE_PATH ? STORAGE_PATH : '/graphql/v1';
  const outcome = await handle(
    new Request(`${origin}${path}`, { method: 'POST', headers, body: Buffer.concat(chunks) }),
    `${origin}${STORAGE_PATH}`,
  );
  if (!('response' in outcome)) {
    req.socket.destroy();
    return;
  }
  const { response } = outcome;
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, {
    ...Object.fromEntries(response.headers),
    ...cors,
    'access-control-expose-headers': '*',
  });
  res.end(body);
}

async function listen(
  handle: (request: Request, storageUrl: string) => Promise<Outcome>,
  port: number,
): Promise<{ url: string; close: () => Promise<void> }> {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    answerOverHttp(handle, req, res).catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/graphql/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
