import type { InputIssue } from './errors.js';

/**
 * How `replyToThread` confirms a reply after an ambiguous failure (see README, "Exactly-once replies"). Every field is
 * optional; `confirm: true` takes the defaults.
 */
export interface ConfirmReplyOptions {
  /**
   * How long to wait after a failure flagged `mayHaveBeenSent` before looking the reply up on the thread's timeline,
   * so that a reply Plain is still writing has time to appear. Never longer than the call's `maxRetryDelayMs`.
   * @default 1500
   */
  settleMs?: number;
  /**
   * When the first look does not find the reply, look once more this much later before sending it again (`0`: no
   * second look). Never longer than the call's `maxRetryDelayMs`.
   * @default 3000
   */
  secondLookMs?: number;
  /**
   * The lookup counts messages from (the moment just before the first send − this tolerance) on, to allow for a clock
   * here that runs ahead of Plain's. A message with the same text by the same author within this tolerance before
   * the call is taken for this reply. At most 300000 (five minutes).
   * @default 5000
   */
  sinceToleranceMs?: number;
}

/** Confirmation settings with every default filled in; `undefined` when confirmation is off. */
export type ConfirmSettings = Required<ConfirmReplyOptions>;

export const CONFIRM_DEFAULTS: ConfirmSettings = { settleMs: 1500, secondLookMs: 3000, sinceToleranceMs: 5000 };

/** Each option's largest value: the tolerance is findReply's `clockSkewMs`, at most five minutes. */
const MAX_MS: ConfirmSettings = { settleMs: 2 ** 31 - 1, secondLookMs: 2 ** 31 - 1, sinceToleranceMs: 300_000 };
const FIELDS = ['settleMs', 'secondLookMs', 'sinceToleranceMs'] as const;

/**
 * Reads a `confirm` option (`true`, `false` or a ConfirmReplyOptions) over `base`, the settings it starts from (the
 * client's, or the defaults). Resolves the settings, `undefined` for off, or the issues that make it invalid, named
 * under `path`.
 */
export function readConfirmOption(
  value: unknown,
  path: string,
  base: ConfirmSettings | undefined,
): { settings: ConfirmSettings | undefined } | { issues: InputIssue[] } {
  if (value === undefined) return { settings: base };
  if (value === false) return { settings: undefined };
  if (value === true) return { settings: base ?? CONFIRM_DEFAULTS };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { issues: [{ path, message: 'must be true, false or { settleMs?, secondLookMs?, sinceToleranceMs? }' }] };
  }
  const settings: ConfirmSettings = { ...(base ?? CONFIRM_DEFAULTS) };
  const issues: InputIssue[] = [];
  for (const field of FIELDS) {
    const given = (value as ConfirmReplyOptions)[field];
    if (given === undefined) continue;
    if (Number.isInteger(given) && given >= 0 && given <= MAX_MS[field]) settings[field] = given;
    else
      issues.push({
        path: `${path}.${field}`,
        message: `must be a whole number of milliseconds from 0 to ${MAX_MS[field]}`,
      });
  }
  return issues.length > 0 ? { issues } : { settings };
}
