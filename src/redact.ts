/** Replaces every occurrence of `secret` in the strings of a plain value (objects, arrays), in place. */
export function redact<T>(value: T, secret: string, seen = new Set<unknown>()): T {
  if (typeof value === 'string') return (value.includes(secret) ? value.split(secret).join('[redacted]') : value) as T;
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = redact(record[key], secret, seen);
  if (value instanceof Error) record.message = redact(value.message, secret, seen);
  return value;
}
