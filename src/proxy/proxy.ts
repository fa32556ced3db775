import { isUsableApiKey, isWhole, PLAIN_API_URL } from '../config.js';
import { requestBody } from '../operations.js';
import { readCappedText, TooLarge } from '../read-capped.js';
import { redactKey } from '../redact.js';
import { type Exchange, postGraphQL } from '../transport.js';
import { CustomerIdentifier, isNonBlankString, isRecord, parseInput, ReplyToThreadInput } from '../validation.js';
import { USER_AGENT } from '../version.js';
import {
  CUSTOMER_TIMELINE,
  customerTimelineResult,
  type TimelinePageVariables,
  timelinePageVariables,
} from './customer-timeline.js';
import { knownOperation, type ProxiedOperationName } from './operations.js';
import {
  customerLookupOf,
  DEFAULT_UPLOAD_MEMORY,
  identifierKey,
  mintedAttachmentOf,
  UploadMemory,
  type UploadMemoryLimits,
  type UploadRequest,
  uploadRefusal,
  uploadRequestOf,
} from './uploads.js';

/** The operation a browser asked for, with its variables checked. */
export type ProxyOperation =
  | { name: 'GetThread'; variables: { threadId: string } }
  | { name: 'GetThreadByRef'; variables: { ref: string } }
  | { name: 'ReplyToThread'; variables: { input: ReplyToThreadInput } }
  /** A page of a thread's timeline: answered with the customer's view only (see docs/frontend.md). */
  | { name: 'GetTimeline'; variables: TimelinePageVariables }
  // The first step of PlainClient's uploadAttachment. The customer is the grant's, so it is not shown here.
  | { name: 'CreateAttachmentUploadUrl'; variables: { input: UploadRequest } };

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
  /**
   * The key under which the proxy remembers the attachment ids it minted for this browser (e.g. your session id):
   * a reply may carry exactly the ids minted under the same key, without `allowAttachments`.
   * @default the customer named in `impersonate`
   */
  session?: string;
}

/**
 * `false` answers 403; a `Response` (e.g. a 401 for an expired session) is sent as it is, every `Set-Cookie`
 * included.
 */
export type ProxyDecision = ProxyGrant | false | Response;

export interface PlainProxyOptions {
  /** The Plain API key. It stays on the server: it is sent only to `apiUrl` and redacted from every answer. */
  apiKey: string;
  /** Plain's endpoint. @default 'https://core-api.uk.plain.com/graphql/v1' */
  apiUrl?: string;
  /**
   * Decides, per request, whether to forward it. `request` is the browser's request (its body is already read:
   * use `operation`), so you can check its session cookie or token. Behind `toNodeHandler`, `request.url` is
   * `http://localhost` and the path: the browser's `Host` header is never trusted to build a URL.
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
  /** How long to wait for Plain's whole answer, in milliseconds. @default 30000 */
  timeoutMs?: number;
  /** Largest request body accepted, in bytes. @default 1048576 (1 MiB) */
  maxBodyBytes?: number;
  /** Largest answer read from Plain, in bytes after decompression; a larger one is cancelled and answered 502. @default 4194304 (4 MiB) */
  maxResponseBytes?: number;
  /**
   * Largest file a browser may upload through `CreateAttachmentUploadUrl`, in bytes; a larger one is refused with
   * nothing sent. @default the attachment type's own limit (EMAIL 6 MiB, CHAT 100 MiB, the others 50 MiB); a larger
   * value is cut to it
   */
  maxUploadBytes?: number;
  /**
   * Bounds of what the proxy remembers about uploads: `sessions` (default 1,000, least recently used forgotten
   * first), `idsPerSession` (default 100, oldest forgotten first) and `rememberForMs`, how long a minted id may be used
   * in a reply (default 3 hours: the upload URL's 2 hours and one to finish the reply).
   */
  uploadMemory?: Partial<UploadMemoryLimits>;
}

/** Plain's answer headers passed on to the browser; all others (cookies included) are dropped. */
const PASSED_HEADERS = [
  'apigw-requestid',
  'x-request-id',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'retry-after',
];

/** Headers on every answer the proxy writes itself: JSON, never sniffed as anything else, never cached. */
const OWN_HEADERS = {
  'content-type': 'application/json',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

/** An error answer shaped like a GraphQL one, so that PlainClient reports its message and code. */
export const refuse = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { ...headers, ...OWN_HEADERS },
  });

/** What a ref lookup answers when there is no thread the browser may see: Plain's own answer for an unknown ref. */
const NO_THREAD_BY_REF = '{"data":{"threadByRef":null}}';

class Refusal {
  constructor(readonly response: Response) {}
}

const tooLarge = (limit: number) =>
  new Refusal(refuse(413, 'PAYLOAD_TOO_LARGE', `The request body is over ${limit} bytes.`));

/** Reads at most `limit` bytes of the browser's body; more is a 413, a body that fails to arrive a 400. */
async function readBody(request: Request, limit: number): Promise<string> {
  try {
    return await readCappedText(request, limit);
  } catch (error) {
    if (error instanceof TooLarge) throw tooLarge(limit);
    throw new Refusal(refuse(400, 'BAD_REQUEST', 'The request body could not be read.'));
  }
}

const badInput = (message: string) => new Refusal(refuse(400, 'BAD_USER_INPUT', message));

/** Checks the variables of an operation we know, the same way PlainClient checks its input. */
async function operationOf(name: ProxiedOperationName, variables: unknown): Promise<ProxyOperation> {
  const vars = isRecord(variables) ? variables : {};
  if (name === 'GetThread') {
    if (!isNonBlankString(vars.threadId)) throw badInput('GetThread needs variables.threadId, a non-empty string.');
    return { name, variables: { threadId: vars.threadId } };
  }
  if (name === 'CreateAttachmentUploadUrl') {
    const upload = uploadRequestOf(vars.input);
    if (typeof upload === 'string') throw badInput(upload);
    return { name, variables: { input: upload } };
  }
  if (name === 'GetThreadByRef') {
    if (!isNonBlankString(vars.ref)) throw badInput('GetThreadByRef needs variables.ref, a non-empty string.');
    return { name, variables: { ref: vars.ref } };
  }
  if (name === 'GetTimeline') {
    const page = timelinePageVariables(vars);
    if (typeof page === 'string') throw badInput(page);
    return { name, variables: page };
  }
  const parsed = await parseInput(ReplyToThreadInput, vars.input);
  if (!parsed.ok) {
    throw badInput(
      `Invalid ReplyToThread input: ${parsed.issues.map((i) => `input.${i.path}: ${i.message}`).join('; ')}.`,
    );
  }
  // The schema's refine has checked what the TypeScript union says (exactly one customer identifier).
  return { name, variables: { input: parsed.data as ReplyToThreadInput } };
}

const misconfigured = (message: string) =>
  new Refusal(refuse(500, 'INTERNAL_SERVER_ERROR', `The proxy is misconfigured: ${message}`));

async function threadAllowed(rule: ThreadRule, threadId: string): Promise<boolean> {
  if (rule === 'any') return true;
  if (typeof rule === 'function') return (await rule(threadId)) === true;
  return rule.includes(threadId);
}

const notAllowed = () =>
  new Refusal(refuse(403, 'FORBIDDEN', 'Refused by the proxy: this thread is not one you may use.'));

type GraphQLResult = { data?: Record<string, unknown> | null; errors?: unknown[] };

/** A JSON object of GraphQL's result shape: `data` (an object or null) and/or `errors` (a list), nothing else checked. */
const isGraphQLResult = (value: unknown): value is GraphQLResult =>
  isRecord(value) &&
  ('data' in value || 'errors' in value) &&
  (value.data === undefined || value.data === null || isRecord(value.data)) &&
  (value.errors === undefined || Array.isArray(value.errors));

/** A GraphQL result written anew for the browser, with Plain's passed-on headers and the proxy's own. */
function written(
  result: { data?: unknown; errors?: unknown[] },
  status: number,
  headers: Record<string, string>,
): Response {
  let json: string;
  try {
    json = JSON.stringify(result);
  } catch {
    // Nested deeper than JSON.stringify can go.
    return refuse(502, 'BAD_GATEWAY', 'Plain answered with something other than a GraphQL result.', headers);
  }
  return new Response(json, { status, headers: { ...headers, ...OWN_HEADERS } });
}

/**
 * Plain's own answer to a file over the limit or of a banned type, with the proxy's message: the browser reports it as
 * it reports Plain's refusal.
 */
const refusedFile = ({ status, message }: { status: 'too_large' | 'banned_extension'; message: string }) => {
  const [code, field] =
    status === 'too_large'
      ? ['attachment_file_size_too_large', 'fileSizeBytes']
      : ['attachment_file_type_not_allowed', 'fileName'];
  const error = { message, type: 'VALIDATION', code, fields: [{ field, message, type: 'VALIDATION' }] };
  return { data: { createAttachmentUploadUrl: { attachmentUploadUrl: null, error } } };
};

/** The customer a grant impersonates, checked; undefined for `false` or none. */
async function impersonatedCustomer(grant: ProxyGrant): Promise<CustomerIdentifier | undefined> {
  if (grant.impersonate === undefined || grant.impersonate === false) return undefined;
  const who = await parseInput(CustomerIdentifier, grant.impersonate);
  if (!who.ok)
    throw misconfigured(
      'authorize() returned an impersonate that is not exactly one of emailAddress, customerId or externalId.',
    );
  return who.data as CustomerIdentifier;
}

/** Why the proxy has no answer of Plain's to pass on, as the browser is told. */
function failedExchange(exchange: Exchange, limits: { timeoutMs: number; maxResponseBytes: number }): Response {
  switch (exchange.ending) {
    case 'timeout':
    case 'aborted':
      return refuse(504, 'GATEWAY_TIMEOUT', `Plain did not answer the proxy within ${limits.timeoutMs} ms.`);
    case 'too_large':
      return refuse(502, 'BAD_GATEWAY', `Plain's answer was larger than ${limits.maxResponseBytes} bytes.`);
    case 'redirected':
      return refuse(502, 'BAD_GATEWAY', 'Plain answered with a redirect, which the proxy does not follow.');
    default:
      // The fetch error may carry the request (and so the key): only a fixed message goes out.
      return refuse(502, 'BAD_GATEWAY', 'The proxy could not reach Plain.');
  }
}

/**
 * A fetch-style handler, `(request) => Promise<Response>`, that forwards PlainClient's requests from a browser to
 * Plain with your API key. It forwards only PlainClient's own operations (GetThread, GetThreadByRef,
 * ReplyToThread, GetTimeline, recognised by their whole query text), each only after `authorize` allowed it, with the
 * impersonation `authorize` chose. A timeline is answered with what the thread's customer may see: their messages and
 * the replies, never notes, Bcc recipients or staff ids. Mount it where the browser's `PlainClient({ apiUrl })` points.
 * It accepts only `POST` with `Content-Type: application/json`, which a cross-site form cannot send without
 * a CORS preflight: with cookie sessions, that is what keeps other sites from posting through it.
 * What goes back is always JSON: Plain's answer parsed, checked to be a GraphQL result and written anew, or the
 * proxy's own error. It never rejects.
 */
export function createPlainProxy(options: PlainProxyOptions): (request: Request) => Promise<Response> {
  const {
    apiKey,
    apiUrl = PLAIN_API_URL,
    authorize,
    timeoutMs = 30_000,
    maxBodyBytes = 1_048_576,
    maxResponseBytes = 4 * 1_048_576,
  } = options;
  if (!isUsableApiKey(apiKey)) {
    throw new TypeError('createPlainProxy: apiKey must be a non-empty string without spaces or line breaks.');
  }
  if (typeof authorize !== 'function') throw new TypeError('createPlainProxy: authorize must be a function.');
  new URL(apiUrl);
  const limits = { timeoutMs, maxBodyBytes, maxResponseBytes };
  const given = options.uploadMemory;
  const memoryLimits: UploadMemoryLimits = {
    sessions: given?.sessions ?? DEFAULT_UPLOAD_MEMORY.sessions,
    idsPerSession: given?.idsPerSession ?? DEFAULT_UPLOAD_MEMORY.idsPerSession,
    rememberForMs: given?.rememberForMs ?? DEFAULT_UPLOAD_MEMORY.rememberForMs,
  };
  const { maxUploadBytes } = options;
  for (const [name, value] of Object.entries({
    ...limits,
    ...(maxUploadBytes !== undefined ? { maxUploadBytes } : {}),
    ...memoryLimits,
  })) {
    // The same rule as PlainClient's options: a whole number (or Infinity), so `timeoutMs: 0.5` is not taken as 1 ms.
    if (!isWhole(value, 1)) throw new RangeError(`createPlainProxy: ${name} must be a whole number >= 1.`);
  }
  // What the proxy remembers stays bounded: no Infinity for these two.
  if (!Number.isFinite(memoryLimits.sessions) || !Number.isFinite(memoryLimits.idsPerSession))
    throw new RangeError('createPlainProxy: uploadMemory.sessions and idsPerSession must be finite.');
  // Nothing of the browser's request is passed on: the proxy names itself, as PlainClient does with a key, and asks
  // for an uncompressed answer (one that comes compressed anyway is counted after inflating).
  const transport = {
    url: apiUrl,
    headers: {
      'content-type': 'application/json',
      'accept-encoding': 'identity',
      'user-agent': USER_AGENT,
      authorization: `Bearer ${apiKey}`,
    },
    fetch: options.fetch,
    apiKey,
    maxResponseBytes,
  };
  const uploads = new UploadMemory(memoryLimits);

  /** Sends one of our documents to Plain: its GraphQL result with the headers passed on, or the answer for the browser. */
  async function askPlain(
    op: Parameters<typeof requestBody>[0],
    variables: unknown,
    signal: AbortSignal,
  ): Promise<{ answer: Response } | { result: GraphQLResult; status: number; headers: Record<string, string> }> {
    // The transport reads the answer with the size cap and the deadline, follows no redirect, and has already cut
    // the key out of the text (in every JSON spelling); the browser going away cancels the call.
    const exchange = await postGraphQL(transport, requestBody(op, variables), { signal, timeoutMs });
    const headers: Record<string, string> = {};
    for (const name of PASSED_HEADERS) {
      const value = exchange.headers?.get(name);
      if (value !== null && value !== undefined) headers[name] = redactKey(value, apiKey);
    }
    if (exchange.ending !== 'answered') return { answer: failedExchange(exchange, limits) };
    let result: unknown;
    try {
      result = JSON.parse(exchange.text ?? '');
    } catch {
      result = undefined;
    }
    if (!isGraphQLResult(result))
      return {
        answer: refuse(502, 'BAD_GATEWAY', 'Plain answered with something other than a GraphQL result.', headers),
      };
    return { result, status: exchange.status ?? 502, headers };
  }

  /** Plain's id of the customer a grant impersonates: as given, or looked up once and remembered for a while. */
  async function customerIdOf(who: CustomerIdentifier, signal: AbortSignal): Promise<string> {
    const found = customerLookupOf(who);
    if ('customerId' in found) return found.customerId;
    const key = identifierKey(who);
    const known = uploads.customerId(key);
    if (known !== undefined) return known;
    const asked = await askPlain(found.lookup, found.variables, signal);
    if ('answer' in asked) throw new Refusal(asked.answer);
    const { result, status, headers } = asked;
    // Plain's own refusal of the lookup (rate limit, permission) goes to the browser as it came, key removed.
    if (status !== 200 || result.errors !== undefined) throw new Refusal(written(result, status, headers));
    const customer = result.data?.[found.field];
    if (customer === null) {
      throw new Refusal(
        refuse(
          403,
          'FORBIDDEN',
          'Refused by the proxy: the customer this session acts as is not in Plain, so it may not upload.',
        ),
      );
    }
    const id = isRecord(customer) ? customer.id : undefined;
    if (!isNonBlankString(id))
      throw new Refusal(
        refuse(502, 'BAD_GATEWAY', "Plain's answer to the customer lookup had no customer id.", headers),
      );
    uploads.rememberCustomer(key, id);
    return id;
  }

  async function handle(request: Request): Promise<Response> {
    if (request.method !== 'POST') {
      return refuse(405, 'METHOD_NOT_ALLOWED', 'Only POST is accepted.', { allow: 'POST' });
    }
    const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      return refuse(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request must be JSON (Content-Type: application/json).');
    }
    const text = await readBody(request, maxBodyBytes);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return refuse(400, 'BAD_REQUEST', 'The request body is not valid JSON.');
    }
    if (!isRecord(body) || typeof body.query !== 'string') {
      return refuse(
        400,
        'BAD_REQUEST',
        'The request body must be one GraphQL request: { query, variables, operationName }.',
      );
    }
    const known = knownOperation(body.query);
    if (!known) {
      return refuse(
        400,
        'OPERATION_NOT_ALLOWED',
        "This endpoint forwards only plain-client's own operations (GetThread, GetThreadByRef, ReplyToThread, GetTimeline, CreateAttachmentUploadUrl), and the query is none of them.",
      );
    }
    const { operationName } = body;
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
      return refuse(400, 'BAD_REQUEST', 'operationName must be a string.');
    }
    if (typeof operationName === 'string' && operationName !== known.name) {
      const shown = JSON.stringify(operationName.slice(0, 100));
      return refuse(
        400,
        'OPERATION_NOT_ALLOWED',
        `operationName ${shown} does not match the query, which is ${known.name}.`,
      );
    }
    const operation = await operationOf(known.name, body.variables);

    let decision: unknown;
    try {
      decision = await authorize(request, operation);
    } catch {
      // The host's error may name its user or session: none of it goes to the browser.
      return refuse(500, 'INTERNAL_SERVER_ERROR', 'The proxy could not authorize the request.');
    }
    if (decision instanceof Response) return decision;
    if (decision === false) return refuse(403, 'FORBIDDEN', 'Refused by the proxy: you may not make this request.');
    if (!isRecord(decision))
      throw misconfigured('authorize() must return false, a Response, or { threads, impersonate? }.');
    const grant = decision as unknown as ProxyGrant;
    const rule = grant.threads;
    if (rule !== 'any' && typeof rule !== 'function' && !Array.isArray(rule)) {
      throw misconfigured("authorize() must say which threads are allowed: threads: [ids], a function, or 'any'.");
    }

    let variables: Record<string, unknown> = operation.variables;
    // Who a reply or an upload is for, and the session whose uploads a reply may carry: the grant's own key, else
    // the customer it impersonates. Read only for those two, so that a lookup's grant needs neither.
    let impersonated: CustomerIdentifier | undefined;
    let session: string | undefined;
    if (operation.name === 'ReplyToThread' || operation.name === 'CreateAttachmentUploadUrl') {
      impersonated = await impersonatedCustomer(grant);
      if (grant.session !== undefined && !isNonBlankString(grant.session))
        throw misconfigured('authorize() returned a session that is not a non-empty string.');
      if (grant.session !== undefined) session = `session:${grant.session}`;
      else if (impersonated !== undefined) session = `customer:${identifierKey(impersonated)}`;
    }
    if (
      (operation.name === 'GetThread' || operation.name === 'GetTimeline') &&
      !(await threadAllowed(rule, operation.variables.threadId))
    )
      throw notAllowed();
    if (operation.name === 'ReplyToThread') {
      const { input } = operation.variables;
      if (!(await threadAllowed(rule, input.threadId))) throw notAllowed();
      if (input.channelSpecificOptions && grant.allowCcBcc !== true) {
        throw new Refusal(
          refuse(
            403,
            'FORBIDDEN',
            'Refused by the proxy: replies from here may not add Cc or Bcc (channelSpecificOptions).',
          ),
        );
      }
      const foreign = grant.allowAttachments === true ? [] : uploads.notMinted(session, input.attachmentIds ?? []);
      if (foreign.length > 0) {
        const shown = foreign.slice(0, 5).map((id) => JSON.stringify(id.slice(0, 100)));
        throw new Refusal(
          refuse(
            403,
            'FORBIDDEN',
            'Refused by the proxy: replies from here may not carry attachments (attachmentIds) other than files ' +
              `uploaded through it in this session within the last ${Math.round(memoryLimits.rememberForMs / 60_000)} minutes: ` +
              `${shown.join(', ')}${foreign.length > 5 ? ` and ${foreign.length - 5} more` : ''}.`,
          ),
        );
      }
      if (grant.impersonate === undefined) {
        throw misconfigured(
          'for ReplyToThread, authorize() must set impersonate: a customer identifier, or false to reply as the machine user.',
        );
      }
      const impersonation =
        impersonated === undefined ? undefined : { asCustomer: { customerIdentifier: impersonated } };
      variables = { input: { ...input, impersonation } };
    }
    if (operation.name === 'CreateAttachmentUploadUrl') {
      if (impersonated === undefined) {
        throw new Refusal(
          refuse(
            403,
            'FORBIDDEN',
            'Refused by the proxy: uploads from here need a customer to upload for, and authorize() named none (impersonate).',
          ),
        );
      }
      const { input } = operation.variables;
      const refusal = uploadRefusal(input, maxUploadBytes);
      if (refusal?.status === 'forbidden') throw new Refusal(refuse(403, 'FORBIDDEN', refusal.message));
      // Answered as Plain answers such a file, so that the browser's PlainClient reports the same error.
      if (refusal) return written(refusedFile(refusal), 200, {});
      // The file is always for the grant's customer, whatever customerId the browser sent.
      variables = { input: { customerId: await customerIdOf(impersonated, request.signal), ...input } };
    }

    // A timeline is never asked for with the browser's document: the proxy's own one fixes the filter and the fields.
    const asked = await askPlain(
      operation.name === 'GetTimeline' ? CUSTOMER_TIMELINE : known,
      variables,
      request.signal,
    );
    if ('answer' in asked) return asked.answer;
    const { result, headers } = asked;

    // A ref names a thread only once Plain has answered. A thread the browser may not see is answered exactly as a
    // ref that does not exist, so that the answers tell nothing about threads of others.
    if (operation.name === 'GetThreadByRef' && result.data && 'threadByRef' in result.data) {
      const found = result.data.threadByRef;
      const id = isRecord(found) ? found.id : undefined;
      // A check that throws fails closed, as "no such thread", for the same reason.
      const hidden = found !== null && !(typeof id === 'string' && (await threadAllowed(rule, id).catch(() => false)));
      if (hidden || (found === null && result.errors === undefined)) {
        return new Response(NO_THREAD_BY_REF, { status: 200, headers: { ...headers, ...OWN_HEADERS } });
      }
    }
    if (operation.name === 'CreateAttachmentUploadUrl' && session !== undefined) {
      const minted = mintedAttachmentOf(result.data);
      if (minted) uploads.remember(session, minted.id);
    }

    // A timeline goes back rebuilt from an allowlist: customer-visible messages and their allowed fields only.
    if (operation.name === 'GetTimeline') {
      const customerView = customerTimelineResult(result, operation.variables.threadId);
      if (!customerView) return refuse(502, 'BAD_GATEWAY', 'Plain answered about another thread.', headers);
      return written(customerView, asked.status, headers);
    }
    return written(result, asked.status, headers);
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
