import type { Timers } from '../../src/daemon/clock.js';

interface Pending {
  id: number;
  at: number;
  callback: () => void;
}

/** Timers in virtual time: advance() fires what falls due, letting promises settle in between. */
export class FakeTimers implements Timers {
  #now: number;
  #next = 1;
  #pending: Pending[] = [];

  constructor(start = Date.parse('2026-11-26T12:00:00Z')) {
    this.#now = start;
  }

  readonly now = (): number => this.#now;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#pending.push({ id, at: this.#now + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending = this.#pending.filter((timer) => timer.id !== handle);
  }

  /** Timers set and not yet fired, soonest first (delays from now). */
  delays(): number[] {
    return this.#pending.map((timer) => timer.at - this.#now).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing each due timer in order. */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    for (;;) {
      await settle();
      this.#pending.sort((a, b) => a.at - b.at || a.id - b.id);
      const due = this.#pending[0];
      if (due === undefined || due.at > until) break;
      this.#pending.shift();
      this.#now = due.at;
      due.callback();
    }
    this.#now = until;
    await settle();
  }
}

/** Lets every queued promise callback run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
}
