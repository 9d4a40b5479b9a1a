/** Timers and a clock, passed in so tests can drive the daemon in virtual time. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's own timers. */
export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Longest delay a Node timer takes (about 24.8 days); longer waits are re-armed in steps. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
