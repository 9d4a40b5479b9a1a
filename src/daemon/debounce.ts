import type { Timers } from './clock.js';

/** How long to wait for quiet, and the longest a stream of changes may postpone a run. */
export interface DebounceOptions {
  quietMs: number;
  maxWaitMs: number;
  timers: Timers;
  now: () => number;
  onFire: () => void;
}

/**
 * Trailing debounce: fires once changes have been quiet for `quietMs`, or `maxWaitMs` after the
 * first of them, whichever comes first. A burst of saves (an editor, a git checkout, a ConfigMap
 * swap) becomes one reconcile; a file rewritten every second still gets reconciled.
 */
export class Debouncer {
  readonly #options: DebounceOptions;
  #timer: unknown = null;
  #firstAt: number | null = null;

  constructor(options: DebounceOptions) {
    this.#options = options;
  }

  /** Notes a change. */
  poke(): void {
    const { timers, now, quietMs, maxWaitMs } = this.#options;
    const at = now();
    this.#firstAt ??= at;
    if (this.#timer !== null) timers.clearTimeout(this.#timer);
    const left = Math.max(0, Math.min(quietMs, this.#firstAt + maxWaitMs - at));
    this.#timer = timers.setTimeout(() => this.#fire(), left);
  }

  /** Forgets pending changes without firing. */
  cancel(): void {
    if (this.#timer !== null) this.#options.timers.clearTimeout(this.#timer);
    this.#timer = null;
    this.#firstAt = null;
  }

  #fire(): void {
    this.#timer = null;
    this.#firstAt = null;
    this.#options.onFire();
  }
}
