import type * as z from 'zod/mini';

/**
 * The path (as zod gives paths) of the property whose reading threw while `schema` read `value`: the schema runs again
 * on a view of `value` that notes each property before reading it, so the last one noted is the one that threw. Empty
 * when the input itself cannot be inspected, or when the second run does not throw. parseInput loads this module only
 * when a parse threw, which only hostile input (a throwing getter or Proxy trap) makes it do.
 */
export function unreadablePath(schema: z.ZodMiniType, value: unknown): PropertyKey[] {
  let reading: PropertyKey[] = [];
  const view = (target: unknown, path: PropertyKey[]): unknown => {
    if (typeof target !== 'object' || target === null) return target;
    const pathTo = (key: PropertyKey) => [...path, typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : key];
    return new Proxy(target, {
      has(t, key) {
        reading = pathTo(key);
        return Reflect.has(t, key);
      },
      get(t, key) {
        reading = pathTo(key);
        const read = Reflect.get(t, key);
        // A frozen property must read as itself (a Proxy invariant), so what lies under it is not followed.
        const own = Reflect.getOwnPropertyDescriptor(t, key);
        return own?.configurable === false && own.writable === false ? read : view(read, reading);
      },
    });
  };
  try {
    schema.safeParse(view(value, []));
    return [];
  } catch {
    return reading;
  }
}
