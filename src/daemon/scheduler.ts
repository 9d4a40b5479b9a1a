import { Cron } from 'croner';
import { ConnectorSyncError } from '../errors.js';
import { MAX_TIMER_MS, type Timers } from './clock.js';

/** The schedule when neither --schedule nor the `schedule` setting says otherwise: every 5 minutes. */
export const DEFAULT_SCHEDULE = '*/5 * * * *';

/** Values of --schedule / `schedule` that turn periodic reconciles off (files and signals still trigger). */
const OFF = new Set(['off', 'never', 'none']);

/** Longest jitter added to a scheduled run, whatever the interval. */
const MAX_JITTER_MS = 30_000;

/**
 * Parses a cron expression (5 or 6 fields, or @hourly and friends), or null for "off". A bad
 * expression is an error naming where it came from (the flag, the variable or the settings file).
 */
export function parseSchedule(expression: string, source: string): Cron | null {
  const trimmed = expression.trim();
  if (OFF.has(trimmed.toLowerCase())) return null;
  try {
    const cron = new Cron(trimmed, { mode: '5-or-6-parts' });
    if (cron.nextRun() === null) throw new Error('it never runs');
    return cron;
  } catch (error) {
    throw new ConnectorSyncError(
      'SETTINGS_INVALID',
      `${source}: "${trimmed}" is not a cron expression: ${(error as Error).message}`,
      { hint: 'use five fields such as "*/5 * * * *" (every 5 minutes), or "off"' },
    );
  }
}

/** Where a schedule may have come from, for an error about it. */
export function scheduleSource(settings: { file: string | undefined }): string {
  const file = settings.file ? `, or schedule in ${settings.file}` : '';
  return `the schedule (--schedule, CONNECTOR_SYNC_SCHEDULE${file})`;
}

/** What the scheduler needs from outside. */
export interface SchedulerOptions {
  onFire: () => void;
  now: () => number;
  timers: Timers;
  /** In [0, 1), like Math.random: spreads the runs of many daemons on one schedule. */
  random: () => number;
}

/**
 * Fires `onFire` at each time of a cron schedule plus a jitter of up to a tenth of the interval
 * (at most 30 s), so many daemons on the same schedule do not hit the API in the same second.
 * croner only computes the times; the timers are injected.
 */
export class Scheduler {
  readonly #options: SchedulerOptions;
  #cron: Cron | null = null;
  #timer: unknown = null;
  #next: number | null = null;
  /** The cron slot last armed: the next one is searched after it, so a slot never fires twice. */
  #lastSlot = 0;
  #running = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  /** Starts (or restarts) firing on `cron`; null stops periodic runs. */
  start(cron: Cron | null): void {
    this.stop();
    this.#cron = cron;
    this.#running = true;
    this.#arm();
  }

  /** Stops firing; start() again to resume. */
  stop(): void {
    this.#running = false;
    if (this.#timer !== null) this.#options.timers.clearTimeout(this.#timer);
    this.#timer = null;
    this.#next = null;
  }

  /** When the next scheduled run fires (jitter included), or null. */
  get nextRunAt(): Date | null {
    return this.#next === null ? null : new Date(this.#next);
  }

  /** The cron pattern in use, or null when periodic runs are off. */
  get pattern(): string | null {
    return this.#cron === null ? null : (this.#cron.getPattern() ?? null);
  }

  #arm(): void {
    if (!this.#running || this.#cron === null) return;
    const from = Math.max(this.#options.now(), this.#lastSlot);
    const slot = this.#cron.nextRun(new Date(from));
    if (slot === null) return;
    this.#lastSlot = slot.getTime();
    const following = this.#cron.nextRun(slot);
    const interval = following === null ? 0 : following.getTime() - slot.getTime();
    const jitter = Math.floor(this.#options.random() * Math.min(MAX_JITTER_MS, interval / 10));
    this.#next = slot.getTime() + jitter;
    this.#wait();
  }

  #wait(): void {
    const delay = Math.max(0, (this.#next ?? 0) - this.#options.now());
    this.#timer = this.#options.timers.setTimeout(
      () => {
        this.#timer = null;
        if (!this.#running) return;
        // a wait longer than one Node timer can hold is re-armed until the time has come
        if (delay > MAX_TIMER_MS) return this.#wait();
        // armed first, so onFire already sees the next run time
        this.#arm();
        this.#options.onFire();
      },
      Math.min(delay, MAX_TIMER_MS),
    );
  }
}
