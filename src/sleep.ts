/** The longest delay setTimeout honours; longer ones fire at once. */
export const MAX_DELAY = 2 ** 31 - 1;

/** Waits `ms` (at most MAX_DELAY), or less if `signal` fires; resolves true when the full time passed. Leaves no timer behind. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (slept: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(slept);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), Math.min(ms, MAX_DELAY));
    signal?.addEventListener('abort', onAbort);
  });
}
