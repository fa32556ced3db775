import { MAY_HAVE_BEEN_SENT } from './errors.js';
import { GetThreadByRefDocument, GetThreadDocument, ReplyToThreadDocument } from './generated/graphql.js';

/** A GraphQL operation the client sends, with its result and variable types. */
export interface Operation<TData, TVariables> {
  /** The operation's name, sent as `operationName`. */
  name: string;
  /** The document, whitespace folded. */
  query: string;
  /**
   * For a mutation, the root field it selects (`replyToThread`). A mutation is retried only when it certainly did not
   * run, and an answer that holds this field's result shows that it ran.
   */
  mutationField?: string;
  /**
   * For a mutation that only sets state (mark as done, assign, label…): doing it twice leaves the same state, so it is
   * retried on transient failures even when it may have run. Absent for mutations that create something (a reply, a note).
   */
  idempotent?: true;
  /** For a mutation: what a failure after which it may have run adds to its message. */
  mayHaveRun?: string;
  /** Phantom: carries the types only. */
  types?: [TData, TVariables];
}

/** An operation from a codegen document; a mutation says which root field it selects, and how it may be repeated. */
export function operation<TData, TVariables>(
  document: { toString(): string; __apiType?: (variables: TVariables) => TData },
  name: string,
  mutation?: Pick<Operation<TData, TVariables>, 'mutationField' | 'idempotent' | 'mayHaveRun'>,
): Operation<TData, TVariables> {
  const query = String(document).replace(/\s+/g, ' ').trim();
  return { name, query, ...mutation };
}

/** The JSON body that posts `operation` with `variables`. */
export const requestBody = <T, V>(op: Operation<T, V>, variables: V): string =>
  JSON.stringify({ query: op.query, operationName: op.name, variables: variables ?? {} });

export const GET_THREAD = /* @__PURE__ */ operation(GetThreadDocument, 'GetThread');
export const GET_THREAD_BY_REF = /* @__PURE__ */ operation(GetThreadByRefDocument, 'GetThreadByRef');
export const REPLY_TO_THREAD = /* @__PURE__ */ operation(ReplyToThreadDocument, 'ReplyToThread', {
  mutationField: 'replyToThread',
  mayHaveRun: MAY_HAVE_BEEN_SENT,
});
