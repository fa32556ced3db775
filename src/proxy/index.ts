/**
 * plain-client/proxy: the server half of using plain-client from a browser. The browser's PlainClient has no API
 * key and points `apiUrl` at your backend; this handler checks each request with your `authorize`, adds the key
 * and forwards it to Plain. See docs/frontend.md.
 */

export { type NodeRequestLike, type NodeResponseLike, toNodeHandler } from './node.js';
export {
  createPlainProxy,
  type PlainProxyOptions,
  type ProxyDecision,
  type ProxyGrant,
  type ProxyOperation,
  type ThreadRule,
} from './proxy.js';

import type * as validation from '../validation.js';

// Type aliases, not `export type { … }`: the declaration bundler turns a type-only re-export of a name that is also
// a value (the zod schema) into a value export, which this entry does not have at run time.
export type CustomerIdentifier = validation.CustomerIdentifier;
export type ReplyToThreadInput = validation.ReplyToThreadInput;

// A thread's timeline as a customer may see it (messages only, no Bcc), for a backend that shows the conversation
// through its own API. The main entry does not export it: there it would load the timeline's mapping on every page.
export { CUSTOMER_ENTRY_TYPES, toCustomerView } from '../timeline-entries.js';
