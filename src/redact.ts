const read = (record: Record<string, unknown>, key: string): unknown => {
  try {
    return record[key];
  } catch {
    return undefined;
  }
};

/**
 * Replaces every occurrence of `secret` in the strings of a value: objects and arrays are cleaned in place, including
 * an Error's non-enumerable `message`, `stack` and `cause`. An object that cannot be rewritten (frozen, or a
 * getter-only `message` as on DOMException) is replaced by a cleaned copy. Never throws.
 */
export function redact<T>(value: T, secret: string): T {
  // Nearly every result holds no trace of the key: a read-only look first, so that those allocate nothing.
  return mayHold(value, secret) ? scrubbed(value, secret, new Set()) : value;
}

/** Whether `secret` may occur in a string reachable from `value` (false only when it certainly does not). Never throws. */
export function mayHold(value: unknown, secret: string): boolean {
  try {
    return mentions(value, secret, 0);
  } catch {
    return true; // a Proxy or getter that throws: let the full walk, which never throws, decide
  }
}

/**
 * Whether `secret` may occur in a string reachable from `value`. Errors (hidden `message`, `stack`, `cause`), and
 * anything nested deeper than a result ever is, count as "may": the full walk then decides.
 */
function mentions(value: unknown, secret: string, depth: number): boolean {
  if (typeof value === 'string') return value.includes(secret);
  if (value === null || typeof value !== 'object') return false;
  if (depth > 8) return true;
  if (Array.isArray(value)) return value.some((item) => mentions(item, secret, depth + 1));
  if (value instanceof Date) return false;
  // Errors (`message` behind a getter on DOMException, `stack`, `cause`) and other class instances may keep strings
  // on their prototype: the full walk handles those.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return true;
  // Own names, hidden ones included: an input's non-enumerable `threadId` is still read by validation.
  for (const key of Object.getOwnPropertyNames(value)) {
    if (key.includes(secret) || mentions(read(value as Record<string, unknown>, key), secret, depth + 1)) return true;
  }
  return false;
}

function scrubbed<T>(value: T, secret: string, seen: Set<unknown>): T {
  if (typeof value === 'string') return (value.includes(secret) ? value.split(secret).join('[redacted]') : value) as T;
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  const record = value as Record<string, unknown>;
  const keys = new Set(Object.getOwnPropertyNames(value));
  // DOMException and some other errors keep `message` behind a getter on their prototype.
  if (value instanceof Error) keys.add('message');
  let stuck = false;
  const cleaned = new Map<string, unknown>();
  for (const key of keys) {
    const before = read(record, key);
    const after = scrubbed(before, secret, seen);
    // A property named with the key (an answer can use any name) is renamed.
    const name = scrubbed(key, secret, seen);
    cleaned.set(name, after);
    if (name !== key) {
      try {
        delete record[key];
        record[name] = after;
      } catch {
        // Not configurable: handled below.
      }
      if (Object.prototype.hasOwnProperty.call(record, key) || read(record, name) !== after) stuck = true;
      continue;
    }
    if (after === before) continue;
    try {
      record[key] = after;
    } catch {
      // Read-only: handled below.
    }
    if (read(record, key) !== after) stuck = true;
  }
  if (!stuck) return value;
  const copy = (value instanceof Error ? new Error(String(cleaned.get('message'))) : Array.isArray(value) ? [] : {}) as Record<string, unknown>;
  for (const [key, v] of cleaned) copy[key] = v;
  if (value instanceof Error) copy.name = value.name;
  return copy as T;
}
