/** One pending deadline; pass it back to `Deadlines.clear` when its attempt ends in time. */
export interface Deadline {
  readonly at: number;
  readonly onTimeout: () => void;
}

type Timer = ReturnType<typeof setTimeout>;
/** A clock that never steps back (the wall clock does, on an NTP correction or when a VM resumes). */
const clock = () => (typeof performance === 'object' ? performance.now() : Date.now());
/** Node's timers can be kept from holding the process open; a browser's are plain numbers. */
const ref = (timer: Timer | undefined, on: boolean) => {
  if (typeof timer === 'object' && timer !== null) (on ? timer.ref : timer.unref)?.call(timer);
};

/**
 * The per-attempt timeouts of one client, on a single timer. A `setTimeout` and `clearTimeout` per attempt took
 * 0.6 µs of a 12 µs warm reply in a CPU profile of bench/overhead.mjs: Node rebuilds a duration's timer list each
 * time it empties, which a caller sending one reply after another does on every attempt. Here an attempt costs a
 * Set insertion and removal. The timer holds the process open only while an attempt is
 * pending, so a script whose replies are all done exits at once.
 */
export class Deadlines {
  readonly #pending = new Set<Deadline>();
  #timer: Timer | undefined;
  /** When the timer fires; Infinity when there is none. */
  #timerAt = Infinity;

  /** Calls `onTimeout` once `ms` have passed, unless `clear` is called first. `ms` at most 2^31 - 1. */
  add(ms: number, onTimeout: () => void): Deadline {
    const deadline: Deadline = { at: clock() + ms, onTimeout };
    this.#pending.add(deadline);
    if (deadline.at < this.#timerAt) this.#schedule(deadline.at);
    else if (this.#pending.size === 1) ref(this.#timer, true);
    return deadline;
  }

  clear(deadline: Deadline): void {
    // The timer may stay scheduled: when it fires with nothing due it simply ends.
    if (this.#pending.delete(deadline) && this.#pending.size === 0) ref(this.#timer, false);
  }

  #schedule(at: number): void {
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(1, at - clock()));
  }

  #fire(): void {
    // The timer fired, so the moment it was set for has come, whatever a clock says (fake timers in tests move
    // setTimeout without moving performance.now).
    const now = Math.max(clock(), this.#timerAt);
    this.#timer = undefined;
    this.#timerAt = Infinity;
    let next = Infinity;
    for (const deadline of this.#pending) {
      if (deadline.at <= now) {
        this.#pending.delete(deadline);
        try {
          deadline.onTimeout();
        } catch {
          // One attempt's failure must not keep the others from timing out.
        }
      } else if (deadline.at < next) next = deadline.at;
    }
    if (next !== Infinity) this.#schedule(next);
  }
}
