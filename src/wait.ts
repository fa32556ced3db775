/** The longest delay setTimeout honours; a longer one would fire at once. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * Resolves true once `ms` have passed, false as soon as `signal` fires (at once if it already has). Leaves no timer or
 * listener behind.
 */
export function waitUnlessAborted(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (passed: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(passed);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), Math.min(Math.max(0, ms), LONGEST_TIMER_MS));
    signal?.addEventListener('abort', onAbort);
  });
}
