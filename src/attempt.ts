import { MAX_TIMER_MS } from './wait.js';

/**
 * One request attempt's cancellation, shared by the GraphQL transport and the upload form: one AbortController that
 * the deadline and the caller's signal both fire, and a `stopped` promise that rejects at that moment, so that no await
 * of the attempt (a fetch or a body that ignores its signal) outlasts it.
 */
export interface Attempt {
  /** The signal to give fetch. */
  readonly signal: AbortSignal;
  /** Rejects once the attempt is stopped; race every await of the attempt against it (`untilStopped`). */
  readonly stopped: Promise<never>;
  /** Whether the deadline, not the caller, stopped the attempt. */
  readonly timedOut: boolean;
  /** Clears the timer and the listener; with `cancel`, aborts whatever of the attempt still runs. Call it in `finally`. */
  end(options: { cancel: boolean }): void;
}

/** Starts an attempt that stops after `timeoutMs` or when `signal` fires (at once if it already has). */
export function startAttempt(options: { signal?: AbortSignal; timeoutMs: number }): Attempt {
  const controller = new AbortController();
  let stop = (_reason: unknown) => {};
  const stopped = new Promise<never>((_, reject) => {
    stop = reject;
  });
  stopped.catch(() => {});
  const abort = () => {
    controller.abort();
    stop(new Error('stopped'));
  };
  let timedOut = false;
  const timer =
    options.timeoutMs <= MAX_TIMER_MS
      ? setTimeout(() => {
          timedOut = true;
          abort();
        }, options.timeoutMs)
      : undefined;
  const { signal } = options;
  if (signal?.aborted) abort();
  else signal?.addEventListener('abort', abort);
  return {
    signal: controller.signal,
    stopped,
    get timedOut() {
      return timedOut;
    },
    end({ cancel }) {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
      if (cancel) controller.abort();
    },
  };
}
