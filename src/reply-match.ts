// Whether a timeline entry is a given reply: the rules `findReply` applies, as pure functions over typed entries so
// that any caller holding entries (a page it already read, the exactly-once confirmation) applies the same ones.
//
// The rules (README "Reading the conversation"):
// - author: the entry's author is exactly the one given (kind and id): the machine user that sent the reply, or the
//   customer it was sent as (impersonation). Any other author never counts, whatever the text.
// - kind: a message (email, chat, Slack, Teams, Discord). A note or any other entry never counts.
// - time: the entry's timestamp is at or after `since` minus `clockSkewMs` (default 5 s): our clock and Plain's
//   may disagree by that much. An entry older than that never counts, whatever its text.
// - text: the reply's text and the entry's text (or its markdown, where Plain keeps one) are equal once both are
//   normalised: Unicode NFC, every run of whitespace (spaces, tabs, line breaks, zero-width spaces and word joiners) one space, no
//   leading or trailing whitespace. Nothing else is forgiven: no case folding, no prefix match, except for an email
//   whose text Plain cut short (`truncated`): then the reply's text must begin with what Plain kept.
//
// Where this is a heuristic: Plain's API gives no id of the message a reply created, so a match says a message with
// that author and text landed in that window, not that it came from this very call. Two identical replies by the same
// author inside the window are indistinguishable; so are, for a truncated email, two replies that begin alike. And a
// message whose stored text differs from what was sent (a channel that rewrites text) does not match.

import { type TimelineAuthor, type TimelineEntry, textsOf } from './timeline-entries.js';

/** How far before `since` an entry may be stamped and still count: the clocks' disagreement allowed for. */
export const DEFAULT_CLOCK_SKEW_MS = 5_000;

/** The reply looked for. `since` is when it was sent (or just before): a Date, an ISO 8601 string or epoch ms. */
export interface ReplyCriteria {
  textContent: string;
  since: Date | string | number;
  /** Who the reply shows as: the machine user that sent it, or the customer it impersonated. */
  author: { kind: TimelineAuthor['kind']; id: string };
  /** Default `DEFAULT_CLOCK_SKEW_MS`. */
  clockSkewMs?: number;
}

/** The text as compared: NFC, every run of whitespace (zero-width spaces included) one space, trimmed. */
export const normaliseText = (text: string): string =>
  text
    .normalize('NFC')
    .replace(/[\s\u200b\u2060\ufeff]+/gu, ' ')
    .trim();

/** Epoch ms of a Date, an ISO 8601 string or a number; NaN when it is none of them. */
export const timeOf = (value: Date | string | number): number =>
  value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : value;

/** The earliest moment an entry may be stamped and count for `criteria`. */
export const earliestMatchTime = (criteria: ReplyCriteria): number =>
  timeOf(criteria.since) - (criteria.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS);

/** Whether one entry is the reply `criteria` describes (author, message kind, time, text: see the rules above). */
export const isReply = (entry: TimelineEntry, criteria: ReplyCriteria): boolean => matcherFor(criteria)(entry);

/** The first entry (in the order given) that is the reply, or undefined. */
export const findReplyIn = (entries: readonly TimelineEntry[], criteria: ReplyCriteria): TimelineEntry | undefined =>
  entries.find(matcherFor(criteria));

/** The test of one entry against `criteria`, whose text and earliest time are worked out once for every entry. */
function matcherFor(criteria: ReplyCriteria): (entry: TimelineEntry) => boolean {
  const { author } = criteria;
  const earliest = earliestMatchTime(criteria);
  const wanted = normaliseText(criteria.textContent);
  return (entry) => {
    if (entry.author.kind !== author.kind || entry.author.id !== author.id) return false;
    if (!(Date.parse(entry.timestamp) >= earliest)) return false;
    const content = entry.entry;
    // A long email's text comes cut short: its beginning must be the reply's beginning.
    if (content.kind === 'email' && content.truncated && content.text !== null) {
      const start = normaliseText(content.text);
      if (start !== '' && wanted.startsWith(start)) return true;
    }
    return textsOf(content).some((text) => normaliseText(text) === wanted);
  };
}
