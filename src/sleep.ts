/** Waits `ms`, or less if `signal` fires; resolves true when the full time passed. Leaves no timer behind. */
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
    // setTimeout fires at once past 2^31 - 1 ms; a longer sleep ends early, and callers re-check what they waited for.
    const timer = setTimeout(() => done(true), Math.min(ms, 2 ** 31 - 1));
    signal?.addEventListener('abort', onAbort);
  });
}
