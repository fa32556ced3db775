import { GetThreadByRefDocument, GetThreadDocument, ReplyToThreadDocument } from '../generated/graphql.js';

export type ProxiedOperationName = 'GetThread' | 'GetThreadByRef' | 'ReplyToThread';

/**
 * A document's text with insignificant whitespace removed, so that the folded text PlainClient sends
 * (`operation()` in src/transport.ts) and the generated text compare equal. Comments are not removed: a
 * document with a comment is simply not one of ours.
 */
export const canonical = (query: string) =>
  query
    .replace(/\s+/g, ' ')
    .replace(/ ?([{}():!$,[\]=@]|\.\.\.) ?/g, '$1')
    .trim();

/** Our documents as they are forwarded (folded the same way PlainClient folds them), keyed by canonical text. */
const KNOWN = new Map<string, { name: ProxiedOperationName; query: string }>(
  (
    [
      ['GetThread', GetThreadDocument],
      ['GetThreadByRef', GetThreadByRefDocument],
      ['ReplyToThread', ReplyToThreadDocument],
    ] as const
  ).map(([name, document]) => [canonical(String(document)), { name, query: String(document).replace(/\s+/g, ' ').trim() }]),
);

/**
 * Which of PlainClient's operations this query text is, by its whole text. A browser controls `operationName` and
 * `query`; only the text decides, and the proxy forwards its own copy of the document, never the browser's.
 */
export const knownOperation = (query: string) => KNOWN.get(canonical(query));
