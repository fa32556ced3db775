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
export function redact<T>(value: T, secret: string, seen = new Set<unknown>()): T {
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
    const after = redact(before, secret, seen);
    cleaned.set(key, after);
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
