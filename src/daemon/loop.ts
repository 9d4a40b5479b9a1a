import type { Timers } from './clock.js';
import type { TriggerReason } from './history.js';

/** What a run tells the loop: retry it after a backoff (the API is down, a write failed transiently). */
export interface RunOutcome {
  retry: boolean;
}

/** How the loop runs reconciles. */
export interface LoopOptions {
  /** One reconcile; the reasons are every trigger it answers. */
  run: (reasons: TriggerReason[]) => Promise<RunOutcome>;
  timers: Timers;
  /** In [0, 1): jitter of the retry delays. */
  random: () => number;
  /** First retry delay and the cap (defaults 1 s and 5 min, the default schedule's interval). */
  backoff?: { initialMs: number; maxMs: number };
  /** A run that threw: a bug, since runOnce returns its failures. */
  onError: (error: unknown) => void;
  /** A retry was scheduled after `delayMs` (the `attempt`th failure in a row). */
  onRetry?: (delayMs: number, attempt: number) => void;
}

/**
 * Single flight: one reconcile at a time. Triggers that arrive during a run coalesce into exactly
 * one more run, which answers all of them. A run that asks for a retry is run again after a capped,
 * jittered exponential backoff; any other trigger in the meantime runs at once and resets nothing
 * but the timer. stop() lets the run in flight finish and starts no other.
 */
export class ReconcileLoop {
  readonly #options: LoopOptions;
  #current: Promise<void> | null = null;
  #pending: Set<TriggerReason> | null = null;
  #stopped = false;
  #failures = 0;
  #retryTimer: unknown = null;
  #idleWaiters: Array<() => void> = [];

  constructor(options: LoopOptions) {
    this.#options = options;
  }

  /** Asks for a reconcile: now when idle, else once the current one ends. */
  trigger(reason: TriggerReason): void {
    if (this.#stopped) return;
    if (this.#current !== null) {
      this.#pending ??= new Set();
      this.#pending.add(reason);
      return;
    }
    this.#start([reason]);
  }

  /** True while a reconcile runs. */
  get busy(): boolean {
    return this.#current !== null;
  }

  /** Failed runs in a row that asked for a retry. */
  get failures(): number {
    return this.#failures;
  }

  /** Resolves once no reconcile runs and none is queued (a scheduled retry does not count). */
  whenIdle(): Promise<void> {
    if (this.#current === null) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Starts nothing new and resolves when the run in flight (if any) has finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#pending = null;
    this.#cancelRetry();
    await this.whenIdle();
  }

  #start(reasons: TriggerReason[]): void {
    this.#cancelRetry();
    this.#current = this.#execute(reasons).finally(() => {
      this.#current = null;
      const next = this.#pending;
      this.#pending = null;
      if (next !== null && !this.#stopped) return this.#start([...next]);
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    });
  }

  async #execute(reasons: TriggerReason[]): Promise<void> {
    let outcome: RunOutcome;
    try {
      outcome = await this.#options.run(reasons);
    } catch (error) {
      this.#options.onError(error);
      outcome = { retry: true };
    }
    if (!outcome.retry) {
      this.#failures = 0;
      return;
    }
    this.#failures += 1;
    // a queued trigger runs right after this one anyway; it will schedule the retry if it fails too
    if (this.#pending === null && !this.#stopped) this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    const { initialMs, maxMs } = this.#options.backoff ?? { initialMs: 1000, maxMs: 300_000 };
    const exponential = initialMs * 2 ** Math.min(this.#failures - 1, 30);
    // full range jitter in [50%, 100%] of the step: daemons that lost the API together do not return together
    const delay = Math.round(Math.min(maxMs, exponential) * (0.5 + this.#options.random() * 0.5));
    this.#options.onRetry?.(delay, this.#failures);
    this.#retryTimer = this.#options.timers.setTimeout(() => {
      this.#retryTimer = null;
      this.trigger('retry');
    }, delay);
  }

  #cancelRetry(): void {
    if (this.#retryTimer !== null) this.#options.timers.clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }
}
