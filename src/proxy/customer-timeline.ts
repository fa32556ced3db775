import { GetCustomerTimelineDocument } from '../generated/customer-timeline.js';
import { operation } from '../operations.js';
import { customerTimelineAnswer } from '../timeline-entries.js';
import { isNonBlankString, isRecord } from '../validation.js';

/**
 * What the proxy sends Plain when a browser asks for GetTimeline: its own document (operations/customer-timeline.graphql),
 * whose filter is fixed to the message entries a customer sees and which selects no Bcc and no llmText.
 */
export const CUSTOMER_TIMELINE = /* @__PURE__ */ operation(GetCustomerTimelineDocument, 'GetCustomerTimeline');

/** A page of a thread's timeline, as the browser may ask for it. Nothing else it sends is forwarded. */
export type TimelinePageVariables = {
  threadId: string;
  first?: number;
  after?: string;
  last?: number;
  before?: string;
};

/** The largest page the proxy asks Plain for. */
export const MAX_TIMELINE_PAGE = 100;

const isPageSize = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_TIMELINE_PAGE;

/**
 * The variables the proxy forwards for a browser's GetTimeline: the thread id and the page (`first`/`after` or
 * `last`/`before`), checked. Any other variable (`filters` above all) is dropped: the proxy's document has its own.
 * Returns a sentence for the browser when they are not usable.
 */
export function timelinePageVariables(variables: unknown): TimelinePageVariables | string {
  const vars = isRecord(variables) ? variables : {};
  if (!isNonBlankString(vars.threadId)) return 'GetTimeline needs variables.threadId, a non-empty string.';
  const page: TimelinePageVariables = { threadId: vars.threadId };
  for (const name of ['first', 'last'] as const) {
    const value = vars[name];
    if (value === undefined || value === null) continue;
    if (!isPageSize(value)) return `GetTimeline's ${name} must be a whole number from 1 to ${MAX_TIMELINE_PAGE}.`;
    page[name] = value as number;
  }
  for (const name of ['after', 'before'] as const) {
    const value = vars[name];
    if (value === undefined || value === null) continue;
    if (!isNonBlankString(value)) return `GetTimeline's ${name} must be a cursor (a non-empty string).`;
    page[name] = value;
  }
  if (page.first !== undefined && page.last !== undefined) return 'GetTimeline takes first or last, not both.';
  if (page.first === undefined && page.last === undefined)
    return 'GetTimeline needs variables.first or variables.last.';
  return page;
}

/** The answer's `errors`, each cut to what PlainClient reads: message, path and code. */
function customerErrors(errors: unknown[]): unknown[] {
  return errors.map((error) => {
    const { message, path, extensions } = isRecord(error) ? error : {};
    const code = isRecord(extensions) ? extensions.code : undefined;
    return {
      message: typeof message === 'string' ? message : 'Plain returned an error.',
      ...(Array.isArray(path) ? { path: path.filter((p) => typeof p === 'string' || typeof p === 'number') } : {}),
      ...(typeof code === 'string' ? { extensions: { code } } : {}),
    };
  });
}

/** Staff authors' id fields: the browser learns that support wrote, not which user, machine user or workflow. */
const STAFF_ID_FIELDS = ['userId', 'machineUserId', 'systemId'];

/** The customer view's edges with every staff author's id emptied (a customer's own id stays: it is theirs). */
function withoutStaffIds(thread: Record<string, unknown>): Record<string, unknown> {
  const timeline = thread.timelineEntries as { edges: { node: { actor: Record<string, unknown> } }[] };
  for (const { node } of timeline.edges) {
    for (const field of STAFF_ID_FIELDS) if (field in node.actor) node.actor[field] = '';
  }
  return thread;
}

/**
 * Plain's answer to GetCustomerTimeline rebuilt for the browser: the customer view of each entry
 * (`customerTimelineAnswer`: customer-visible messages only, each rebuilt from its typed fields, no Bcc), staff
 * authors without their ids, and the errors' messages, paths and codes; nothing else of Plain's answer. Returns
 * undefined when the answer is about another thread than the one `authorize` allowed.
 */
export function customerTimelineResult(
  result: { data?: Record<string, unknown> | null; errors?: unknown[] },
  threadId: string,
): { data?: unknown; errors?: unknown[] } | undefined {
  const out: { data?: unknown; errors?: unknown[] } = {};
  if (result.errors !== undefined) out.errors = customerErrors(result.errors);
  if (result.data === null) out.data = null;
  if (isRecord(result.data)) {
    const { thread } = result.data;
    if (thread !== null && thread !== undefined && (!isRecord(thread) || thread.id !== threadId)) return undefined;
    const view = customerTimelineAnswer(result.data);
    out.data = { thread: view.thread && withoutStaffIds(view.thread) };
  }
  return out;
}
