import { PLAIN_API_URL, isUsableApiKey, isWhole } from '../config.js';
import type { GetThreadByRefQuery } from '../generated/graphql.js';
import { redactKey } from '../redact.js';
import { requestBody as bodyOf } from '../operations.js';
import { MAX_TIMER_MS as MAX_DELAY } from '../wait.js';
import { USER_AGENT } from '../version.js';
import { CustomerIdentifier, ReplyToThreadInput, isNonBlankString, parseInput } from '../validation.js';
import { type ProxiedOperationName, knownOperation } from './operations.js';

/** The operation a browser asked for, with its variables checked. */
export type ProxyOperation =
  | { name: 'GetThread'; variables: { threadId: string } }
  | { name: 'GetThreadByRef'; variables: { ref: string } }
  | { name: 'ReplyToThread'; variables: { input: ReplyToThreadInput } };

/** Thread ids this request may read or reply to: a list, a check, or `'any'` (for staff-only tools). */
export type ThreadRule = 'any' | readonly string[] | ((threadId: string) => boolean | Promise<boolean>);

/** What `authorize` allows. */
export interface ProxyGrant {
  /** Which threads the request may touch. A customer portal lists the logged-in customer's threads. */
  threads: ThreadRule;
  /**
   * Who a reply is sent as. Required for `ReplyToThread`: a customer identifier (the logged-in user, e.g.
   * `{ externalId: user.id }`), or `false` to send it as the API key's machine user. Whatever impersonation the
   * browser asked for is dropped: the browser never picks who it writes as.
   */
  impersonate?: CustomerIdentifier | false;
  /**
   * Let replies carry Cc and Bcc (`channelSpecificOptions`). Off by default: on EMAIL and API threads they make your
   * workspace send the reply to any address the browser names.
   * @default false
   */
  allowCcBcc?: boolean;
  /**
   * Let replies carry `attachmentIds`. Off by default: an id names a file anywhere in your workspace, and a browser
   * could otherwise attach one that belongs to another customer.
   * @default false
   */
  allowAttachments?: boolean;
}

/** `false` answers 403; a `Response` (e.g. a 401 for an expired session) is sent as it is. */
export type ProxyDecision = ProxyGrant | false | Response;

export interface PlainProxyOptions {
  /** The Plain API key. It stays on the server: it is sent only to `apiUrl` and redacted from every answer. */
  apiKey: string;
  /** Plain's endpoint. @default 'https://core-api.uk.plain.com/graphql/v1' */
  apiUrl?: string;
  /**
   * Decides, per request, whether to forward it. `request` is the browser's request (its body is already read:
   * use `operation`), so you can check its session cookie or token.
   * @example
   * authorize: async (request) => {
   *   const user = await userFromSession(request);
   *   if (!user) return false;
   *   return { threads: await threadIdsOf(user), impersonate: { externalId: user.id } };
   * }
   */
  authorize: (request: Request, operation: ProxyOperation) => ProxyDecision | Promise<ProxyDecision>;
  /** A fetch implementation for calls to Plain. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** How long to wait for Plain, in milliseconds. @default 30000 */
  timeoutMs?: number;
  /** Largest request body accepted, in bytes. @default 1048576 */
  maxBodyBytes?: number;
}

/** Answer headers passed on to the browser; all others (cookies included) are dropped. */
const PASSED_HEADERS = [
  'content-type',
  'apigw-requestid',
  'x-request-id',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'retry-after',
];

/** An error answer shaped like a GraphQL one, so that PlainClient reports its message and code. */
const refuse = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  Response.json(
    { errors: [{ message, extensions: { code } }] },
    { status, headers: { 'cache-control': 'no-store', ...headers } },
  );

class Refusal {
  constructor(readonly response: Response) {}
}

/** Reads at most `limit` bytes of the body; more is a 413. */
async function readBody(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length'));
  if (declared > limit) throw new Refusal(refuse(413, 'PAYLOAD_TOO_LARGE', `The request body is over ${limit} bytes.`));
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      void reader.cancel();
      throw new Refusal(refuse(413, 'PAYLOAD_TOO_LARGE', `The request body is over ${limit} bytes.`));
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

const badInput = (message: string) => new Refusal(refuse(400, 'BAD_USER_INPUT', message));
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the variables of an operation we know, the same way PlainClient checks its input. */
function operationOf(name: ProxiedOperationName, variables: unknown): ProxyOperation {
  const vars = isRecord(variables) ? variables : {};
  if (name === 'GetThread') {
    if (!isNonBlankString(vars.threadId)) throw badInput('GetThread needs variables.threadId, a non-empty string.');
    return { name, variables: { threadId: vars.threadId } };
  }
  if (name === 'GetThreadByRef') {
    if (!isNonBlankString(vars.ref)) throw badInput('GetThreadByRef needs variables.ref, a non-empty string.');
    return { name, variables: { ref: vars.ref } };
  }
  const parsed = parseInput(ReplyToThreadInput, vars.input);
  if (!parsed.ok) {
    throw badInput(`Invalid ReplyToThread input: ${parsed.issues.map((i) => `input.${i.path}: ${i.message}`).join('; ')}.`);
  }
  // The schema's refine has checked what the TypeScript union says (exactly one customer identifier).
  return { name, variables: { input: parsed.data as ReplyToThreadInput } };
}

const misconfigured = (message: string) => new Refusal(refuse(500, 'INTERNAL_SERVER_ERROR', `The proxy is misconfigured: ${message}`));

async function threadAllowed(rule: ThreadRule, threadId: string): Promise<boolean> {
  if (rule === 'any') return true;
  if (typeof rule === 'function') return (await rule(threadId)) === true;
  return rule.includes(threadId);
}

const notAllowed = () => new Refusal(refuse(403, 'FORBIDDEN', 'Refused by the proxy: this thread is not one you may use.'));

/**
 * A fetch-style handler, `(request) => Promise<Response>`, that forwards PlainClient's requests from a browser to
 * Plain with your API key. It forwards only PlainClient's own operations (GetThread, GetThreadByRef,
 * ReplyToThread, recognised by their whole query text), each only after `authorize` allowed it, with the
 * impersonation `authorize` chose. Mount it where the browser's `PlainClient({ apiUrl })` points.
 * It accepts only `POST` with `Content-Type: application/json`, which a cross-site form cannot send without
 * a CORS preflight: with cookie sessions, that is what keeps other sites from posting through it.
 */
export function createPlainProxy(options: PlainProxyOptions): (request: Request) => Promise<Response> {
  const { apiKey, apiUrl = PLAIN_API_URL, authorize, timeoutMs = 30_000, maxBodyBytes = 1_048_576 } = options;
  if (!isUsableApiKey(apiKey)) {
    throw new TypeError('createPlainProxy: apiKey must be a non-empty string without spaces or line breaks.');
  }
  if (typeof authorize !== 'function') throw new TypeError('createPlainProxy: authorize must be a function.');
  new URL(apiUrl);
  for (const [name, value] of [['timeoutMs', timeoutMs], ['maxBodyBytes', maxBodyBytes]] as const) {
    // The same rule as PlainClient's options: a whole number (or Infinity), so `timeoutMs: 0.5` is not taken as 1 ms.
    if (!isWhole(value, 1)) throw new RangeError(`createPlainProxy: ${name} must be a whole number >= 1.`);
  }
  // The key could come back in an answer as is or JSON-escaped; both are cut out.
  const hide = (text: string) => redactKey(text, apiKey);

  async function handle(request: Request): Promise<Response> {
    if (request.method !== 'POST') {
      return refuse(405, 'METHOD_NOT_ALLOWED', 'Only POST is accepted.', { allow: 'POST' });
    }
    const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      return refuse(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request must be JSON (Content-Type: application/json).');
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(request, maxBodyBytes));
    } catch (error) {
      if (error instanceof Refusal) throw error;
      return refuse(400, 'BAD_REQUEST', 'The request body is not valid JSON.');
    }
    if (!isRecord(body) || typeof body.query !== 'string') {
      return refuse(400, 'BAD_REQUEST', 'The request body must be one GraphQL request: { query, variables, operationName }.');
    }
    const known = knownOperation(body.query);
    if (!known) {
      return refuse(400, 'OPERATION_NOT_ALLOWED', 'This endpoint forwards only plain-client\'s own operations (GetThread, GetThreadByRef, ReplyToThread), and the query is none of them.');
    }
    if (body.operationName != null && body.operationName !== known.name) {
      return refuse(400, 'OPERATION_NOT_ALLOWED', `operationName ${JSON.stringify(String(body.operationName).slice(0, 100))} does not match the query, which is ${known.name}.`);
    }
    const operation = operationOf(known.name, body.variables);

    let decision: unknown;
    try {
      decision = await authorize(request, operation);
    } catch {
      // The host's error may name its user or session: none of it goes to the browser.
      return refuse(500, 'INTERNAL_SERVER_ERROR', 'The proxy could not authorize the request.');
    }
    if (decision instanceof Response) return decision;
    if (decision === false) return refuse(403, 'FORBIDDEN', 'Refused by the proxy: you may not make this request.');
    if (!isRecord(decision)) throw misconfigured('authorize() must return false, a Response, or { threads, impersonate? }.');
    const grant = decision as unknown as ProxyGrant;
    const rule = grant.threads;
    if (rule !== 'any' && typeof rule !== 'function' && !Array.isArray(rule)) {
      throw misconfigured("authorize() must say which threads are allowed: threads: [ids], a function, or 'any'.");
    }

    let variables: Record<string, unknown> = operation.variables;
    if (operation.name === 'GetThread' && !(await threadAllowed(rule, operation.variables.threadId))) throw notAllowed();
    if (operation.name === 'ReplyToThread') {
      const { input } = operation.variables;
      if (!(await threadAllowed(rule, input.threadId))) throw notAllowed();
      if (input.channelSpecificOptions && grant.allowCcBcc !== true) {
        throw new Refusal(refuse(403, 'FORBIDDEN', 'Refused by the proxy: replies from here may not add Cc or Bcc (channelSpecificOptions).'));
      }
      if (input.attachmentIds?.length && grant.allowAttachments !== true) {
        throw new Refusal(refuse(403, 'FORBIDDEN', 'Refused by the proxy: replies from here may not carry attachments (attachmentIds).'));
      }
      if (grant.impersonate === undefined) {
        throw misconfigured('for ReplyToThread, authorize() must set impersonate: a customer identifier, or false to reply as the machine user.');
      }
      let impersonation;
      if (grant.impersonate !== false) {
        const who = parseInput(CustomerIdentifier, grant.impersonate);
        if (!who.ok) throw misconfigured('authorize() returned an impersonate that is not exactly one of emailAddress, customerId or externalId.');
        impersonation = { asCustomer: { customerIdentifier: who.data } };
      }
      variables = { input: { ...input, impersonation } };
    }

    // Nothing of the browser's request is passed on: the proxy names itself, as PlainClient does with a key.
    const headers = { 'content-type': 'application/json', 'user-agent': USER_AGENT, authorization: `Bearer ${apiKey}` };

    const controller = new AbortController();
    // setTimeout fires at once past 2^31 - 1 ms (Infinity included): such a timeout means none.
    const timer = timeoutMs <= MAX_DELAY ? setTimeout(() => controller.abort(), timeoutMs) : undefined;
    const onClientGone = () => controller.abort();
    request.signal?.addEventListener('abort', onClientGone);
    let upstream: Response;
    let text: string;
    try {
      upstream = await (options.fetch ?? globalThis.fetch)(apiUrl, {
        method: 'POST',
        headers,
        body: bodyOf(known, variables),
        signal: controller.signal,
      });
      text = hide(await upstream.text());
    } catch {
      // The fetch error may carry the request (and so the key): only a fixed message goes out.
      return controller.signal.aborted
        ? refuse(504, 'GATEWAY_TIMEOUT', `Plain did not answer the proxy within ${timeoutMs} ms.`)
        : refuse(502, 'BAD_GATEWAY', 'The proxy could not reach Plain.');
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onClientGone);
    }

    // A ref names a thread only once Plain has answered: check the thread it found.
    if (operation.name === 'GetThreadByRef' && rule !== 'any') {
      let found: unknown;
      try {
        found = (JSON.parse(text) as { data?: Partial<GetThreadByRefQuery> }).data?.threadByRef;
      } catch {
        found = undefined;
      }
      const id = isRecord(found) ? found.id : undefined;
      if (typeof id === 'string' && !(await threadAllowed(rule, id))) throw notAllowed();
    }

    const out = new Headers({ 'cache-control': 'no-store' });
    for (const name of PASSED_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) out.set(name, hide(value));
    }
    return new Response(text, { status: upstream.status, headers: out });
  }

  return async (request) => {
    try {
      return await handle(request);
    } catch (error) {
      if (error instanceof Refusal) return error.response;
      return refuse(500, 'INTERNAL_SERVER_ERROR', 'The proxy failed.');
    }
  };
}
