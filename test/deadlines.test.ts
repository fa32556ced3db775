import { afterEach, describe, expect, it, vi } from 'vitest';
import { Deadlines } from '../src/deadlines.js';

// The per-attempt timeouts share one timer (src/deadlines.ts). Fake timers order events; nothing is timed.

afterEach(() => vi.useRealTimers());

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('Deadlines', () => {
  it('fires each deadline once it is due, in order, and never one that was cleared', () => {
    vi.useFakeTimers();
    const deadlines = new Deadlines();
    const fired: string[] = [];
    deadlines.add(300, () => fired.push('300'));
    const cleared = deadlines.add(200, () => fired.push('200'));
    deadlines.add(100, () => fired.push('100')); // shorter than the one the timer was set for: it is brought forward

    vi.advanceTimersByTime(99);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['100']);
    deadlines.clear(cleared);
    vi.advanceTimersByTime(150);
    expect(fired).toEqual(['100']);
    vi.advanceTimersByTime(50);
    expect(fired).toEqual(['100', '300']);
    vi.advanceTimersByTime(10_000);
    expect(fired).toEqual(['100', '300']);
  });

  it('a deadline added after the others were cleared still fires', () => {
    vi.useFakeTimers();
    const deadlines = new Deadlines();
    deadlines.clear(deadlines.add(50, () => {}));
    const fired = vi.fn();
    deadlines.add(500, fired);
    vi.advanceTimersByTime(499);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('one throwing callback does not stop the others', () => {
    vi.useFakeTimers();
    const deadlines = new Deadlines();
    const after = vi.fn();
    deadlines.add(10, () => {
      throw new Error('boom');
    });
    deadlines.add(10, after);
    vi.advanceTimersByTime(10);
    expect(after).toHaveBeenCalledTimes(1);
  });

  it('holds the process open only while something is pending', () => {
    const before = timers();
    const deadlines = new Deadlines();
    const first = deadlines.add(60_000, () => {});
    expect(timers()).toBe(before + 1);
    const second = deadlines.add(90_000, () => {});
    deadlines.clear(first);
    expect(timers()).toBe(before + 1);
    deadlines.clear(second);
    expect(timers()).toBe(before);
    const third = deadlines.add(120_000, () => {}); // the old timer, still scheduled, holds the process again
    expect(timers()).toBe(before + 1);
    deadlines.clear(third);
    expect(timers()).toBe(before);
  });
});

describe('Deadlines and the wall clock', () => {
  it('a wall clock stepped back (NTP, a resumed VM) does not delay a deadline', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const deadlines = new Deadlines();
    const fired = vi.fn();
    deadlines.add(1_000, fired);
    vi.setSystemTime(Date.now() - 60_000);
    vi.advanceTimersByTime(1_000);
    expect(fired).toHaveBeenCalledTimes(1);
  });
});
