import type { RateHints } from './rate-hints.js';
import type { Sleep } from './retry.js';

/**
 * The pacer every request of a client passes through. Mistral limits requests per second per
 * organization (the free tier allows one), so a writer with fixed concurrency runs into 429
 * storms (decK and kong-operator did, at a thousand objects). The pacer starts unlimited, so
 * a workspace without a tight limit runs at the pool's full concurrency; the first 429 pauses
 * everyone for Retry-After and, when the pause ends, sets the rate to what the server actually
 * accepted in the window before (or to what its rate-limit headers say), a little below it.
 * A burst of 429s lowers the rate once: requests admitted before the 429 that counted were sent
 * at the old rate and say nothing about the new one (TCP's once-per-window rule). The rate is
 * raised again step by step: after a quiet spell (30 s without a 429) it probes at twice the
 * learned limit, keeps doubling every window while probes pass, and lets go entirely once the
 * limit holds no one back. A real limit costs one short pause per probe, a few percent.
 */

/** Tuning of the pacer; the defaults suit per-second limits. */
export interface PacerOptions {
  now: () => number;
  sleep: Sleep;
  /** The window rate limits are counted in, in ms (Mistral: one second). */
  windowMs?: number;
  /** Fraction of the learned limit to run at, leaving room for timing jitter. */
  margin?: number;
  /** Lowest rate, in requests per second. */
  minRatePerSecond?: number;
  /** Pause after a 429 that carries no Retry-After, in ms. */
  defaultPauseMs?: number;
  /** Longest pause honoured, in ms. */
  maxPauseMs?: number;
  /** Quiet time (no 429) after which the pacer probes a higher rate or lets go, in ms. */
  probeAfterMs?: number;
  /** A probe that passes this rate (requests per second) ends pacing altogether. */
  letGoAbovePerSecond?: number;
}

/** A permit to send one request, handed back with its outcome. */
export interface PaceTicket {
  readonly epoch: number;
  readonly startedAt: number;
}

/** What the pacer is doing, for stats and metrics. */
export interface PacerSnapshot {
  /** Requests per second it lets through, or null when it does not limit. */
  ratePerSecond: number | null;
  /** The limit it learned from the server, or null. */
  learnedLimitPerSecond: number | null;
  /** Requests it made wait, and for how long in all. */
  delayed: number;
  delayedMs: number;
}

interface PendingEstimate {
  at: number;
  hints: RateHints;
  pauseMs: number;
  previousRate: number | null;
}

/** Shared rate governor: a reservation-based token bucket whose rate follows the 429s it meets. */
export class Pacer {
  readonly #now: () => number;
  readonly #sleep: Sleep;
  readonly #windowMs: number;
  readonly #margin: number;
  readonly #minRate: number;
  readonly #defaultPauseMs: number;
  readonly #maxPauseMs: number;
  readonly #probeAfterMs: number;
  readonly #letGoAbove: number;

  #rate: number | null = null;
  #limit: number | null = null;
  /** Bumped on every change of rate or pause: a slot reserved under an older one is given up. */
  #epoch = 0;
  /** Bumped on every fresh 429: a 429 to a request admitted before it says nothing new. */
  #lossEpoch = 0;
  #nextSlot = 0;
  #pausedUntil = 0;
  #pending: PendingEstimate | null = null;
  #changedAt = 0;
  #probing = false;
  #lastDelayAt = Number.NEGATIVE_INFINITY;
  #accepted: number[] = [];
  #acceptedHead = 0;
  #delayed = 0;
  #delayedMs = 0;

  constructor(options: PacerOptions) {
    this.#now = options.now;
    this.#sleep = options.sleep;
    this.#windowMs = options.windowMs ?? 1000;
    this.#margin = options.margin ?? 0.95;
    this.#minRate = options.minRatePerSecond ?? 0.1;
    this.#defaultPauseMs = options.defaultPauseMs ?? 1000;
    this.#maxPauseMs = options.maxPauseMs ?? 60_000;
    this.#probeAfterMs = options.probeAfterMs ?? 30_000;
    this.#letGoAbove = options.letGoAbovePerSecond ?? 1000;
  }

  /** Waits until a request may start; rejects when the signal aborts. Without a limit it does not wait at all. */
  async acquire(signal?: AbortSignal): Promise<PaceTicket> {
    const calledAt = this.#now();
    let slotEpoch = -1;
    let slotAt = 0;
    for (;;) {
      const now = this.#now();
      if (this.#pending !== null && now >= this.#pausedUntil) this.#settleEstimate(now);
      this.#maybeProbe(now);
      let wakeAt: number;
      if (now < this.#pausedUntil) {
        wakeAt = this.#pausedUntil;
        slotEpoch = -1;
      } else if (this.#rate === null || (slotEpoch === this.#epoch && now >= slotAt)) {
        return this.#admit(calledAt, now);
      } else if (slotEpoch === this.#epoch) {
        // woke a little before its slot (timers count whole milliseconds, slots are 1000 / rate
        // apart): keep the slot; reserving anew would send it behind every other waiter
        wakeAt = slotAt;
      } else {
        // a slot reserved under an older rate is given up: the limit changed while this request waited
        const start = Math.max(now, this.#nextSlot);
        this.#nextSlot = start + 1000 / this.#rate;
        if (start <= now) return this.#admit(calledAt, now);
        slotEpoch = this.#epoch;
        slotAt = start;
        wakeAt = start;
      }
      this.#lastDelayAt = now;
      signal?.throwIfAborted();
      await this.#sleep(wakeAt - now, signal);
    }
  }

  #admit(calledAt: number, now: number): PaceTicket {
    if (now > calledAt) {
      this.#delayed += 1;
      this.#delayedMs += now - calledAt;
    }
    return { epoch: this.#lossEpoch, startedAt: now };
  }

  /** Reports how a request went: its status (null for a network failure) and its rate-limit headers. */
  record(ticket: PaceTicket, status: number | null, hints: RateHints): void {
    const now = this.#now();
    if (status === 429) {
      this.#onRateLimited(ticket, now, hints);
      return;
    }
    if (status === null) return;
    this.#accepted.push(ticket.startedAt);
    this.#trimAccepted(now);
    // the server says the window is used up: wait for its reset instead of meeting a 429
    if (hints.remaining === 0 && hints.resetMs !== null && hints.resetMs > 0) {
      this.#pausedUntil = Math.max(this.#pausedUntil, now + Math.min(hints.resetMs, this.#maxPauseMs));
    }
  }

  /** The current rate and how much it held requests back. */
  snapshot(): PacerSnapshot {
    return {
      ratePerSecond: this.#rate,
      learnedLimitPerSecond: this.#limit,
      delayed: this.#delayed,
      delayedMs: this.#delayedMs,
    };
  }

  #onRateLimited(ticket: PaceTicket, now: number, hints: RateHints): void {
    const pauseMs = Math.min(this.#maxPauseMs, hints.retryAfterMs ?? this.#defaultPauseMs);
    this.#pausedUntil = Math.max(this.#pausedUntil, now + pauseMs);
    this.#changedAt = now;
    if (ticket.epoch !== this.#lossEpoch) return; // sent before the last 429 counted: already accounted for
    this.#lossEpoch += 1;
    this.#epoch += 1;
    this.#pending = { at: now, hints, pauseMs, previousRate: this.#rate };
  }

  /** Runs once the pause after a fresh 429 is over, when every answer of that burst has arrived. */
  #settleEstimate(now: number): void {
    const pending = this.#pending!;
    this.#pending = null;
    const { hints } = pending;
    let estimate: number;
    if (hints.limit !== null && hints.windowMs !== null) {
      estimate = (hints.limit * 1000) / hints.windowMs;
    } else {
      const from = pending.at - this.#windowMs;
      const accepted = this.#accepted
        .slice(this.#acceptedHead)
        .filter((t) => t > from && t <= pending.at).length;
      // the server asked for a pause of pauseMs: it will take at least one request per pause
      const floor = 1000 / Math.max(pending.pauseMs, this.#windowMs);
      estimate = Math.max((accepted * 1000) / this.#windowMs, floor);
      if (pending.previousRate !== null) estimate = Math.min(estimate, pending.previousRate);
    }
    this.#limit = Math.max(this.#minRate, estimate);
    this.#rate = Math.max(this.#minRate, this.#limit * this.#margin);
    this.#epoch += 1;
    this.#nextSlot = now;
    this.#changedAt = now;
    this.#probing = false;
  }

  /**
   * After a quiet spell (no 429), tries twice the learned limit; while such probes keep passing
   * it doubles every window (a lifted limit is found in seconds), and it lets go entirely once
   * the limit held no one back for a window or passed `letGoAbovePerSecond`.
   */
  #maybeProbe(now: number): void {
    if (this.#rate === null || this.#pending !== null) return;
    const quiet = this.#probing ? this.#windowMs : this.#probeAfterMs;
    if (now - this.#changedAt < quiet) return;
    const next = (this.#limit ?? this.#rate) * 2;
    if (now - this.#lastDelayAt >= quiet || next > this.#letGoAbove) {
      this.#rate = null;
      this.#limit = null;
      this.#probing = false;
    } else {
      this.#limit = next;
      this.#rate = next * this.#margin;
      this.#probing = true;
    }
    this.#epoch += 1;
    this.#changedAt = now;
  }

  #trimAccepted(now: number): void {
    const horizon = now - 2 * this.#windowMs - this.#maxPauseMs;
    while (this.#acceptedHead < this.#accepted.length && this.#accepted[this.#acceptedHead]! < horizon) {
      this.#acceptedHead += 1;
    }
    if (this.#acceptedHead > 1024) {
      this.#accepted = this.#accepted.slice(this.#acceptedHead);
      this.#acceptedHead = 0;
    }
  }
}
