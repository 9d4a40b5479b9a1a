import type { Sleep } from '../../src/api/retry.js';

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

/**
 * Virtual time for tests: `sleep` registers a timer, `run` advances the clock from timer to timer
 * (letting every promise settle in between) until the awaited work is done. A minute of simulated
 * rate limiting runs in milliseconds and gives the same answer every time.
 */
export class VirtualClock {
  #now = 0;
  #seq = 0;
  #timers: Timer[] = [];

  readonly now = (): number => this.#now;

  readonly sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fire: () => {} };
      const onAbort = () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        reject(signal?.reason);
      };
      timer.fire = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
    });

  /** Timers not yet fired. */
  pending(): number {
    return this.#timers.length;
  }

  /** Advances virtual time until `work` settles; throws if it waits on nothing (a deadlock). */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    work.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return work;
      if (this.#timers.length === 0) throw new Error('virtual clock: work is pending but no timer is set');
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.#timers.shift()!;
      this.#now = Math.max(this.#now, next.at);
      next.fire();
    }
  }

  /** Advances virtual time by `ms`, firing the timers due on the way. */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.#timers[0];
      if (next === undefined || next.at > until) break;
      this.#timers.shift();
      this.#now = Math.max(this.#now, next.at);
      next.fire();
    }
    this.#now = until;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
