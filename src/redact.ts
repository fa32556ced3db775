/**
 * Keeps the API key out of everything that comes back from the network: the one place that removes it.
 *
 * A server, a proxy or a fetch error may echo the key: raw, or inside a JSON string where any character can be
 * written as a `\uXXXX` escape and `/`, `"` and `\` as `\/`, `\"` and `\\`. Every form is replaced by `[redacted]`.
 *
 * It never changes a result for a key that is not a real secret: a key shorter than MIN_SECRET_LENGTH (`test`, `k`,
 * what people use in tests) is not searched for at all, so ids, field names and messages stay as they are. A real key
 * is long and random: wherever its characters appear in a row, they are the key, even inside a longer word.
 */
import type { Exchange } from './transport.js';

/** Plain's keys are far longer (`plainApiKey_` and a long random part); anything shorter is not treated as a secret. */
export const MIN_SECRET_LENGTH = 12;

export const REDACTED = '[redacted]';

const patterns = new Map<string, RegExp>();

/** One character of the key in each form JSON text may spell it. */
function charPattern(char: string): string {
  const code = char.charCodeAt(0).toString(16).padStart(4, '0');
  // Hex digits of an escape may be written in either case.
  const hex = [...code].map((digit) => (/[a-f]/.test(digit) ? `[${digit}${digit.toUpperCase()}]` : digit)).join('');
  const forms = [char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'), `\\\\u${hex}`];
  if (char === '/' || char === '"' || char === '\\') forms.push(`\\\\\\${char}`);
  return `(?:${forms.join('|')})`;
}

/** The key in all its forms. */
function patternFor(key: string): RegExp {
  let pattern = patterns.get(key);
  if (!pattern) {
    pattern = new RegExp([...key].map(charPattern).join(''), 'g');
    // One client has one key; a bound keeps a process that makes many clients with many keys from growing.
    if (patterns.size > 100) patterns.clear();
    patterns.set(key, pattern);
  }
  return pattern;
}

/** `text` with every occurrence of `key` (raw or JSON-escaped) replaced by `[redacted]`. Never throws. */
export function redactKey(text: string, key: string | undefined): string {
  if (key === undefined || key.length < MIN_SECRET_LENGTH || typeof text !== 'string') return text;
  // Every form of the key holds its last character or a backslash: most texts are ruled out without the regex.
  if (!text.includes(key.slice(-1)) && !text.includes('\\')) return text;
  return text.replace(patternFor(key), REDACTED);
}

/**
 * Removes the key from the strings of a result the client built, in place, and returns it. Answers are cleaned as
 * they arrive (the transport); this catches what a result echoes of the caller's own values (a thread id that is the
 * key by mistake). Bounded: it goes at most MAX_DEPTH levels into plain objects and arrays, and never throws.
 */
export function redactResult<T>(result: T, key: string | undefined): T {
  if (key === undefined || key.length < MIN_SECRET_LENGTH) return result;
  try {
    scrub(result, key, 0);
  } catch {
    // A value that cannot be rewritten keeps its text; nothing in a result the client built is such a value.
  }
  return result;
}

/** The exchange, with the key removed in place from all it brought in: the answer's text, the request id, the cause. */
export function redactExchange(exchange: Exchange, key: string | undefined): Exchange {
  const { text, requestId } = exchange;
  if (text !== undefined) exchange.text = redactKey(text, key);
  if (requestId !== undefined) exchange.requestId = redactKey(requestId, key);
  redactResult(exchange.cause, key);
  return exchange;
}

const MAX_DEPTH = 8;

function scrub(value: unknown, key: string, depth: number): void {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    const item = record[name];
    if (typeof item === 'string') {
      const clean = redactKey(item, key);
      if (clean !== item) record[name] = clean;
    } else scrub(item, key, depth + 1);
  }
}
