import type { PlainError } from './errors.js';

/** Plain's rate-limit budget as last reported (`x-ratelimit-*`). */
export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  resetAt?: Date;
}

interface ResultMeta {
  /** Plain's request id of the last request made for this call. */
  requestId?: string;
  /** The rate-limit budget as of the last answer. */
  rateLimit?: RateLimitInfo;
}

/** What every method resolves to; it never rejects. Narrow with `if (!result.ok)` or `if (result.error)`. */
export type Result<T, E extends PlainError = PlainError> =
  | ({ ok: true; data: T; error?: never } & ResultMeta)
  | ({ ok: false; error: E; data?: never } & ResultMeta);
