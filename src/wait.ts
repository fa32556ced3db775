/** The longest delay `setTimeout` honours; a longer one would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Waits `ms` milliseconds, or less if `signal` fires. Resolves `true` when the whole time passed and `false` when
 * the signal fired. Never rejects, and leaves no timer or listener behind either way.
 */
export async function waitUnlessAborted(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return false;
  if (ms <= 0) return true;
  return new Promise((resolve) => {
    const finish = (waited: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(waited);
    };
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(true), Math.min(ms, MAX_TIMER_MS));
    signal?.addEventListener('abort', onAbort);
  });
}
