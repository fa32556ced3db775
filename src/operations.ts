import {
  GetThreadByRefDocument,
  GetThreadDocument,
  ReplyToThreadDocument,
} from './generated/graphql.js';
import { operation } from './transport.js';

export const GET_THREAD = /* @__PURE__ */ operation(GetThreadDocument, 'GetThread');
export const GET_THREAD_BY_REF = /* @__PURE__ */ operation(GetThreadByRefDocument, 'GetThreadByRef');
export const REPLY_TO_THREAD = /* @__PURE__ */ operation(ReplyToThreadDocument, 'ReplyToThread', true);
