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

/**
 * Reads a per-call `confirm` option (`true`, `false` or a ConfirmReplyOptions) over `base`, the client's settings (or
 * the defaults), each field at most its `max` (config.ts's CONFIRM_MAX, which the client option is checked against).
 * Resolves the settings, `undefined` for off, or the issues that make it invalid, named under `options.confirm`.
 * Loaded by replyToThread only for a call that gives `confirm`.
 */
export function readConfirmOption(
  value: unknown,
  limits: { base: ConfirmSettings; max: ConfirmSettings },
): { settings: ConfirmSettings | undefined } | { issues: InputIssue[] } {
  const { base, max } = limits;
  if (value === false) return { settings: undefined };
  if (value === true) return { settings: base };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      issues: [
        { path: 'options.confirm', message: 'must be true, false or { settleMs?, secondLookMs?, sinceToleranceMs? }' },
      ],
    };
  }
  const settings = { ...base };
  const issues: InputIssue[] = [];
  for (const field of Object.keys(settings) as (keyof ConfirmSettings)[]) {
    const given = (value as ConfirmReplyOptions)[field];
    if (given === undefined) continue;
    if (Number.isInteger(given) && given >= 0 && given <= max[field]) settings[field] = given;
    else
      issues.push({
        path: `options.confirm.${field}`,
        message: `must be a whole number of milliseconds from 0 to ${max[field]}`,
      });
  }
  return issues.length > 0 ? { issues } : { settings };
}
