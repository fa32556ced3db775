import { ClientError, GraphQLClient } from 'graphql-request';
import type { PlainError } from './errors.js';
import { MAY_HAVE_BEEN_SENT, permissionIn } from './errors.js';
import { rateLimitOf, retryAfterMsOf } from './rate-limit.js';
import { MAX_DELAY } from './sleep.js';
import type { RateLimitInfo } from './result.js';

/** A GraphQL document the client sends, with its result and variable types. */
export interface Operation<TData, TVariables> {
  name: string;
  query: string;
  /** Mutations are not idempotent: they are retried only when they certainly did not run. */
  mutation: boolean;
  /** Phantom: carries the types only. */
  types?: [TData, TVariables];
}

/** Builds an Operation once, at module load: whitespace folded, so fewer bytes go out on every call. */
export function operation<TData, TVariables>(
  document: { toString(): string; __apiType?: (variables: TVariables) => TData },
  name: string,
  mutation = false,
): Operation<TData, TVariables> {
  return { name, query: String(document).replace(/\s+/g, ' ').trim(), mutation };
}

export interface TransportConfig {
  url: string;
  /** Whether requests carry a Plain API key (else they go to the caller's own backend), for the wording of errors. */
  hasApiKey: boolean;
  headers: Record<string, string>;
  fetch?: typeof fetch;
  credentials?: RequestCredentials;
}

/** What one HTTP attempt produced. */
export type Attempt<T> =
  | { ok: true; data: T; status: number; requestId?: string; rateLimit?: RateLimitInfo }
  | {
      ok: false;
      error: PlainError;
      /** True when the request certainly never reached Plain (refused connection, DNS failure). */
      notSent: boolean;
      rateLimit?: RateLimitInfo;
    };

const TIMEOUT = Symbol('timeout');
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** Node's fetch puts the socket error's code on `cause` (or on each of an AggregateError's `errors`). */
function connectionNeverOpened(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } } | undefined)?.cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return code !== undefined && NOT_SENT_CODES.has(code);
}

/**
 * A plain copy of a fetch error: name, message, code and its causes, a few levels deep. The original may hold the
 * request it failed on (a fetch wrapper's own error often does), and so the Authorization header.
 */
function plainCause(error: unknown, depth = 0): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const e = error as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown; errors?: unknown };
  const copy: { name: string; message: string; code?: string; cause?: unknown; errors?: unknown[] } = {
    name: String(e.name ?? 'Error'),
    message: String(e.message ?? ''),
  };
  if (typeof e.code === 'string') copy.code = e.code;
  if (depth < 3 && e.cause !== undefined) copy.cause = plainCause(e.cause, depth + 1);
  if (depth < 3 && Array.isArray(e.errors)) copy.errors = e.errors.slice(0, 5).map((x) => plainCause(x, depth + 1));
  return copy;
}

const requestIdOf = (headers: Headers | undefined) =>
  headers?.get('apigw-requestid') ?? headers?.get('x-request-id') ?? undefined;

type GraphQLErrorEntry = { message?: unknown; path?: unknown; extensions?: { code?: unknown } };

/** Sends one GraphQL request and classifies whatever happens. The one module that talks to the network. */
export class Transport {
  private readonly client: GraphQLClient;
  /**
   * The Response of each attempt under way, by its signal: graphql-request drops status and headers on some failures.
   * A Map that each attempt empties as it ends rather than a WeakMap: WeakMap entries are ephemerons, which cost the
   * garbage collector extra work, and each kept its Response reachable for as long as fetch held on to the signal.
   * `node bench/overhead.mjs warm` (a fetch that answers at once): 22.8 -> 20.8 µs per warm reply, 49.9 -> 42.7 µs cold.
   */
  private readonly responses = new Map<AbortSignal, Response>();
  /** Operation name by query text, so the serializer can send `operationName` without parsing. */
  private readonly names = new Map<string, string>();
  /** Attempts (by signal) whose answer was cut off while its body was read: the connection died mid-answer. */
  private readonly cut = new WeakSet<AbortSignal>();

  private readonly hasApiKey: boolean;

  constructor(config: TransportConfig) {
    this.hasApiKey = config.hasApiKey;
    const names = this.names;
    const userFetch = config.fetch;
    this.client = new GraphQLClient(config.url, {
      headers: config.headers,
      ...(config.credentials ? { credentials: config.credentials } : {}),
      // graphql-request would parse every document on every call only to find its name; we know it already.
      excludeOperationName: true,
      jsonSerializer: {
        parse: JSON.parse,
        stringify: (body: { query: string; variables?: unknown }) =>
          JSON.stringify({ query: body.query, variables: body.variables, operationName: names.get(body.query) }),
      },
      // Resolved per call, so a fetch patched after construction (MSW, tests) is the one used.
      fetch: async (url: URL | RequestInfo, init?: RequestInit) => {
        // Called on globalThis: a browser's fetch passed unbound (`fetch: window.fetch`) throws "Illegal invocation" otherwise.
        const response = await (userFetch ?? globalThis.fetch).call(globalThis, url, init);
        const signal = init?.signal;
        if (signal) {
          this.responses.set(signal, response);
          // graphql-request reads the body itself; a failure there would look like a malformed answer. Mark it, so
          // that it is classified as what it is: a connection lost after Plain may have acted.
          const text = response.text.bind(response);
          try {
            response.text = () =>
              text().catch((error: unknown) => {
                this.cut.add(signal);
                throw error;
              });
          } catch {
            // A frozen Response-like object from a custom fetch: read as is, a cut body then stays unexpected_response.
          }
        }
        return response;
      },
    });
  }

  async attempt<T, V>(op: Operation<T, V>, variables: V, signal: AbortSignal | undefined, timeoutMs: number): Promise<Attempt<T>> {
    this.names.set(op.query, op.name);
    const controller = new AbortController();
    const abort = () => controller.abort(signal?.reason);
    // An 'abort' listener never fires for a signal that is already aborted (e.g. by an onRequest hook).
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort);
    // setTimeout fires at once for delays past 2^31 - 1 ms (Infinity included): no timer is the honest "no timeout".
    const timer = timeoutMs <= MAX_DELAY ? setTimeout(() => controller.abort(TIMEOUT), timeoutMs) : undefined;
    try {
      const res = await this.client.rawRequest<T>({
        query: op.query,
        variables: variables as Record<string, unknown>,
        signal: controller.signal,
      });
      return {
        ok: true,
        data: res.data,
        status: res.status,
        requestId: requestIdOf(res.headers),
        rateLimit: rateLimitOf(res.headers),
      };
    } catch (error) {
      return this.classify(error, op, controller.signal, timeoutMs);
    } finally {
      this.responses.delete(controller.signal);
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    }
  }

  private classify<T, V>(error: unknown, op: Operation<T, V>, signal: AbortSignal, timeoutMs: number): Attempt<T> {
    const response = error instanceof ClientError ? error.response : undefined;
    const headers = response?.headers ?? this.responses.get(signal)?.headers;
    const status = response?.status ?? this.responses.get(signal)?.status;
    const base = { requestId: requestIdOf(headers), attempts: 1, retryable: false, ...(status ? { status } : {}) };
    const uncertain = op.mutation ? MAY_HAVE_BEEN_SENT : '';
    // For a mutation that reached Plain and got no clear answer: it may have run.
    const maybe = op.mutation ? { mayHaveBeenSent: true as const } : {};
    const fail = (e: PlainError, notSent = false): Attempt<T> => ({ ok: false, error: e, notSent, rateLimit: rateLimitOf(headers) });

    if (signal.aborted && !response) {
      if (signal.reason === TIMEOUT) {
        return fail({ ...base, ...maybe, kind: 'timeout', timeoutMs, message: `${op.name} got no answer within ${timeoutMs} ms.${uncertain}` });
      }
      return fail({ ...base, ...maybe, kind: 'aborted', message: `${op.name} was aborted by the caller.${uncertain}` });
    }
    if (!response && status === undefined) {
      const notSent = connectionNeverOpened(error);
      const why = (error as Error | undefined)?.message ?? 'fetch failed';
      return fail(
        { ...base, ...(notSent ? {} : maybe), kind: 'network', cause: plainCause(error), message: `${op.name} failed to reach Plain (${why}).${notSent ? '' : uncertain}` },
        notSent,
      );
    }
    if (!response && this.cut.has(signal)) {
      const why = (error as Error | undefined)?.message ?? 'terminated';
      return fail({ ...base, ...maybe, kind: 'network', cause: plainCause(error), message: `${op.name} lost the connection while reading Plain's answer (HTTP ${status}, ${why}).${uncertain}` });
    }

    const errors: GraphQLErrorEntry[] = Array.isArray(response?.errors) ? (response.errors as GraphQLErrorEntry[]) : [];
    const codes = errors.map((e) => e?.extensions?.code);
    const serverMessage = errors.map((e) => String(e?.message)).join('; ');
    const said = serverMessage ? `: ${serverMessage}` : '';

    if (status === 429 || codes.includes('RATE_LIMITED')) {
      const retryAfterMs = retryAfterMsOf(headers);
      const when = retryAfterMs === undefined ? '' : ` Try again in ${Math.ceil(retryAfterMs / 1000)} s.`;
      return fail({ ...base, kind: 'rate_limited', retryAfterMs, message: `Plain's rate limit was reached.${when}` }, true);
    }
    if (codes.includes('FORBIDDEN') || (status === 403 && !codes.includes('UNAUTHENTICATED'))) {
      return fail({
        ...base,
        kind: 'forbidden',
        ...permissionIn(serverMessage),
        message: `${this.hasApiKey ? 'The API key lacks a permission' : 'The server refused the request'}${said || ` (HTTP ${status})`}`,
      });
    }
    if (status === 401 || codes.includes('UNAUTHENTICATED')) {
      const who = this.hasApiKey ? 'Plain rejected the API key' : 'The server refused the request as unauthenticated';
      return fail({ ...base, kind: 'unauthenticated', message: `${who} (HTTP ${status})${said}` });
    }
    if ((status ?? 0) >= 500 || codes.includes('INTERNAL_SERVER_ERROR')) {
      return fail({ ...base, ...maybe, kind: 'server_error', message: `Plain answered with a server error (HTTP ${status})${said}.${uncertain}` });
    }
    if (errors.length > 0) {
      return fail({
        ...base,
        kind: 'graphql_error',
        errors: errors.map((e) => ({
          message: String(e?.message),
          ...(typeof e?.extensions?.code === 'string' ? { code: e.extensions.code } : {}),
          ...(Array.isArray(e?.path) ? { path: e.path as (string | number)[] } : {}),
        })),
        message: `Plain returned GraphQL errors${said}`,
      });
    }
    const answered2xx = status !== undefined && status >= 200 && status < 300;
    return fail({
      ...base,
      ...(answered2xx ? maybe : {}),
      kind: 'unexpected_response',
      message: `Plain's answer (HTTP ${status}) was not a GraphQL result. Is apiUrl right?${answered2xx ? uncertain : ''}`,
    });
  }
}
