import { GET_THREAD_BY_REF } from '../operations/threads.js';
import { GET_TIMELINE } from '../operations/timeline.js';
import { GET_THREAD, type Operation, REPLY_TO_THREAD } from '../operations.js';
import { CREATE_ATTACHMENT_UPLOAD_URL } from './uploads.js';

export type ProxiedOperationName =
  | 'GetThread'
  | 'GetThreadByRef'
  | 'ReplyToThread'
  | 'GetTimeline'
  | 'CreateAttachmentUploadUrl';

/**
 * A document's text with insignificant whitespace removed, so that however a browser lays out one of our documents,
 * it compares equal to the folded text PlainClient sends (src/operations.ts). Comments are not removed: a
 * document with a comment is simply not one of ours.
 */
export const canonical = (query: string) =>
  query
    .replace(/\s+/g, ' ')
    .replace(/ ?([{}():!$,[\]=@]|\.\.\.) ?/g, '$1')
    .trim();

/**
 * Our operations, keyed by their canonical text: the proxy forwards these, never the browser's text. (GetTimeline is
 * recognised here and answered with the proxy's own customer document: src/proxy/customer-timeline.ts.)
 */
const KNOWN = new Map<string, Operation<unknown, unknown> & { name: ProxiedOperationName }>(
  [GET_THREAD, GET_THREAD_BY_REF, REPLY_TO_THREAD, GET_TIMELINE, CREATE_ATTACHMENT_UPLOAD_URL].map((op) => [
    canonical(op.query),
    op as Operation<unknown, unknown> & { name: ProxiedOperationName },
  ]),
);

/**
 * Which of PlainClient's operations this query text is, by its whole text. A browser controls `operationName` and
 * `query`; only the text decides, and the proxy forwards its own copy of the document, never the browser's.
 */
export const knownOperation = (query: string) => KNOWN.get(canonical(query));
