import { type InputIssue, invalidInput } from './errors.js';
import { isMutationError } from './mutation-error.js';
import { type Call, failed, refusedBy } from './operations/pipeline.js';
import type { Operation } from './operations.js';
import type { Result } from './result.js';
import { send } from './send.js';

/** A document that carries its result and variable types, as codegen's `TypedDocumentString` and `TypedDocumentNode` do. */
export interface TypedDocument<TData, TVariables> {
  __apiType?: (variables: TVariables) => TData;
}

/** The parts of a graphql-js `DocumentNode` that `request` reads: no graphql-js is needed to send one. */
export interface DocumentNodeLike {
  kind: string;
  definitions: readonly unknown[];
  loc?: { source: { body: string } } | undefined;
}

/** Any document `request` accepts: a string, codegen's `TypedDocumentString` (a `String`) or a `DocumentNode`. */
// biome-ignore lint/complexity/noBannedTypes: codegen's TypedDocumentString extends String (the object), not string.
export type RequestDocument = string | String | DocumentNodeLike;

/** Per-call options of `request`. */
export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  maxRetries?: number;
  /** Which operation to send, when the document holds more than one. */
  operationName?: string;
  /** Prints a `DocumentNode` that has no source text (`loc`), e.g. graphql-js's `print`. */
  print?: (document: DocumentNodeLike) => string;
}

/** One operation definition found in a document. */
interface Definition {
  type: 'query' | 'mutation' | 'subscription';
  name: string | undefined;
  /** The response key of the first root field: `alias` or field name. */
  firstField: string | undefined;
}

/**
 * The operation definitions in a GraphQL document, read without graphql-js: a small tokenizer that skips whitespace,
 * commas, comments and strings, and reads each top-level definition's keyword, name and first root field.
 */
export function operationsIn(source: string): Definition[] {
  const tokens = tokenize(source);
  const definitions: Definition[] = [];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] as string;
    let type: Definition['type'] | 'fragment' | undefined;
    if (token === '{') type = 'query';
    else if (token === 'query' || token === 'mutation' || token === 'subscription' || token === 'fragment')
      type = token;
    else return []; // not a document this reader understands; Plain will say what is wrong with it
    let name: string | undefined;
    if (token !== '{') {
      i++;
      if (isName(tokens[i])) name = tokens[i++];
      // Variables, directives and a fragment's type condition come before the selection set; parentheses hold
      // default values that may contain braces.
      let parens = 0;
      while (i < tokens.length && !(tokens[i] === '{' && parens === 0)) {
        if (tokens[i] === '(') parens++;
        else if (tokens[i] === ')') parens--;
        i++;
      }
    }
    // tokens[i] is the selection set's `{`: its first token is the first root field or its alias (or a spread).
    const first = tokens[i + 1];
    if (type !== 'fragment') definitions.push({ type, name, firstField: isName(first) ? first : undefined });
    let depth = 0;
    do {
      if (tokens[i] === '{') depth++;
      else if (tokens[i] === '}') depth--;
      i++;
    } while (depth > 0 && i < tokens.length);
  }
  return definitions;
}

const isName = (token: string | undefined): token is string =>
  token !== undefined && /^[_A-Za-z][_0-9A-Za-z]*$/.test(token);

/** Names and punctuators; strings, comments, whitespace and commas are left out, numbers kept as tokens. */
function tokenize(source: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
    } else if (source.startsWith('"""', i)) {
      const end = source.indexOf('"""', blockStringEnd(source, i + 3));
      i = end === -1 ? source.length : end + 3;
    } else if (c === '"') {
      i++;
      while (i < source.length && source[i] !== '"' && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
      i++;
    } else if (/[\s,\uFEFF]/.test(c)) {
      i++;
    } else if (source.startsWith('...', i)) {
      tokens.push('...');
      i += 3;
    } else {
      const word = /^[_0-9A-Za-z.+-]+/.exec(source.slice(i, i + 256))?.[0];
      tokens.push(word ?? c);
      i += word?.length ?? 1;
    }
  }
  return tokens;
}

/** The index of a block string's closing quotes is the first `"""` not escaped as `\"""`. */
function blockStringEnd(source: string, from: number): number {
  let at = source.indexOf('"""', from);
  while (at > 0 && source[at - 1] === '\\') at = source.indexOf('"""', at + 3);
  return at === -1 ? source.length : at;
}

const refuse = (issues: InputIssue[]) => failed(invalidInput(issues));

/** The document's text: a string as it is, a `TypedDocumentString` by `toString`, a `DocumentNode` by its source or `print`. */
function textOf(document: unknown, print: RequestOptions['print']): string | InputIssue {
  if (typeof document === 'string') return document;
  if (document instanceof String) return document.toString();
  if (typeof document !== 'object' || document === null || (document as DocumentNodeLike).kind !== 'Document') {
    return {
      path: 'document',
      message: 'must be a GraphQL document: a string, a TypedDocumentString or a DocumentNode',
    };
  }
  const node = document as DocumentNodeLike;
  const body = node.loc?.source.body;
  if (typeof body === 'string') return body;
  if (print) return print(node);
  return {
    path: 'document',
    message: "is a DocumentNode without its source text (loc); pass options.print (graphql's print)",
  };
}

/**
 * Sends any query or mutation of Plain's API through the client's pipeline. A query is retried like a lookup; a
 * mutation only when it certainly did not run, and a failure after which it may have run is flagged `mayHaveBeenSent`.
 * A MutationError in the mutation's payload (`{ error { message type code fields { … } } }`) becomes the same error
 * kinds as `replyToThread`'s.
 */
export async function request(
  call: Call,
  document: unknown,
  variables: unknown,
  options: RequestOptions | null | undefined,
): Promise<Result<unknown>> {
  const text = textOf(document, options?.print);
  if (typeof text !== 'string') return refuse([text]);
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    return refuse([{ path: 'variables', message: 'must be an object' }]);
  }
  const chosen = chooseOperation(operationsIn(text), options?.operationName);
  if ('path' in chosen) return refuse([chosen]);

  const mutationField = chosen.type === 'mutation' ? (chosen.firstField ?? '') : undefined;
  const op: Operation<unknown, unknown> = {
    name: chosen.name as string,
    query: text,
    ...(mutationField !== undefined ? { mutationField } : {}),
  };
  const out = await send(call.sender, op, variables ?? {}, call.policy);
  if (!out.ok) return out;
  const { requestId, rateLimit, attempts } = out;
  if (mutationField) {
    const payload = (out.data as Record<string, unknown>)[mutationField];
    const error = typeof payload === 'object' && payload !== null ? (payload as { error?: unknown }).error : undefined;
    if (isMutationError(error)) {
      const threadId = threadIdIn(variables);
      return refusedBy(call, error, {
        field: mutationField,
        ...(threadId ? { threadId } : {}),
        attempts,
        requestId,
        rateLimit,
      });
    }
  }
  return { ok: true, data: out.data, requestId, rateLimit };
}

function chooseOperation(definitions: Definition[], operationName: string | undefined): Definition | InputIssue {
  const listed = definitions.map((d) => d.name ?? 'anonymous').join(', ') || 'none found';
  if (definitions.length === 0) return { path: 'document', message: 'holds no query or mutation that could be read' };
  if (operationName === undefined && definitions.length > 1) {
    return {
      path: 'options.operationName',
      message: `is required: the document holds ${definitions.length} operations (${listed})`,
    };
  }
  const chosen = operationName === undefined ? definitions[0] : definitions.find((d) => d.name === operationName);
  if (!chosen) return { path: 'options.operationName', message: `names no operation in the document (${listed})` };
  if (chosen.type === 'subscription')
    return { path: 'document', message: 'is a subscription, which Plain does not serve over HTTP' };
  if (chosen.name === undefined)
    return {
      path: 'document',
      message: 'must name its operation (e.g. `query MyThreads { … }`): the name is sent as operationName',
    };
  return chosen;
}

/** `input.threadId` or `threadId` in the variables, to name the thread in `thread_not_found`. */
function threadIdIn(variables: unknown): string | undefined {
  const vars = variables as { threadId?: unknown; input?: { threadId?: unknown } } | null | undefined;
  const id = vars?.input?.threadId ?? vars?.threadId;
  return typeof id === 'string' ? id : undefined;
}
