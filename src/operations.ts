import { GetThreadByRefDocument, GetThreadDocument, ReplyToThreadDocument } from './generated/graphql.js';

/** A GraphQL document the client sends, with its result and variable types. */
export interface Operation<TData, TVariables> {
  name: string;
  /** The document with its whitespace folded, so fewer bytes go out on every call. */
  query: string;
  /** The request body up to its variables, serialised once: `{"query":…,"operationName":…,"variables":`. */
  bodyHead: string;
  /** Mutations are not idempotent: they are retried only when they certainly did not run. */
  mutation: boolean;
  /** Phantom: carries the types only. */
  types?: [TData, TVariables];
}

/** Builds an Operation once, at module load. */
function operation<TData, TVariables>(
  document: { toString(): string; __apiType?: (variables: TVariables) => TData },
  name: string,
  mutation = false,
): Operation<TData, TVariables> {
  const query = String(document).replace(/\s+/g, ' ').trim();
  return { name, query, bodyHead: `{"query":${JSON.stringify(query)},"operationName":${JSON.stringify(name)},"variables":`, mutation };
}

/** The JSON body that posts `op` with `variables`: only the variables are serialised per call. */
export const bodyOf = <T, V>(op: Operation<T, V>, variables: V): string => `${op.bodyHead}${JSON.stringify(variables ?? {})}}`;

export const GET_THREAD = /* @__PURE__ */ operation(GetThreadDocument, 'GetThread');
export const GET_THREAD_BY_REF = /* @__PURE__ */ operation(GetThreadByRefDocument, 'GetThreadByRef');
export const REPLY_TO_THREAD = /* @__PURE__ */ operation(ReplyToThreadDocument, 'ReplyToThread', true);
