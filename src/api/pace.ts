import type { RateHints } from './rate-hints.js';
import type { Sleep } from './retry.js';

/**
 * The pacer every request of a client passes through. Mistral limits requests per second per
 * organization (the free tier allows one), so a writer with fixed concurrency runs into 429
 * storms (decK and kong-operator did, at a thousand objects). The pacer starts unlimited, so
 * a workspace without a tight limit runs at the pool's full concurrency.
 *
 * Not every 429 is about the rate. A 429 counts as congestion only when the server refuses
 * in earnest: several in a row across requests, or a quarter of the latest answers. A few
 * refused at random among many accepted are left to the transport, which retries each after
 * its Retry-After, and neither pause anyone else nor lower the rate (TCP stacks that shrink
 * their window for every random loss crawl on lossy links; BBR tolerates a small loss rate for
 * the same reason). Congestion pauses everyone for Retry-After and, when the pause ends, sets
 * the rate once per episode (requests admitted before it were sent at the old rate and say
 * nothing about the new one): to the rate-limit headers, or to what the server accepted in the
 * window before, but at most halving the rate, never below half of what was accepted over a
 * longer span, nor below `minRatePerSecond`. When nothing was accepted yet (a burst of 429s at
 * the start) there is nothing to learn from: the pause is honoured and the rate left alone, so
 * the next requests probe the limit afresh instead of crawling at one a second.
 * The rate recovers at two speeds: after a short quiet spell it doubles every window back to
 * the highest rate that held without congestion (TCP's slow start up to its threshold); beyond that, after a long quiet
 * spell, it probes at twice the learned limit, doubles while probes pass, and lets go entirely
 * once the limit holds no one back. A real limit costs one short pause per probe, a few percent.
 */

/** Tuning of the pacer; the defaults suit per-second limits. */
export interface PacerOptions {
  now: () => number;
  sleep: Sleep;
  /** The window rate limits are counted in, in ms (Mistral: one second). */
  windowMs?: number;
  /** Fraction of the learned limit to run at, leaving room for timing jitter. */
  margin?: number;
  /** Lowest rate, in requests per second; a Retry-After pause may still hold requests back longer. */
  minRatePerSecond?: number;
  /** Share of the latest answers that must be 429s for a 429 to count as congestion. */
  congestionShare?: number;
  /** How many of the latest answers that share is judged on (fewer only when none is in flight). */
  congestionSample?: number;
  /** 429s in a row that count as congestion whatever their share. */
  congestionStreak?: number;
  /** The span the sustained rate is measured over, in windows: the rate never drops below half of it. */
  sustainedWindows?: number;
  /** Quiet time (no congestion) after which the rate climbs back toward what held before, in ms. */
  recoverAfterMs?: number;
  /** Pause after a 429 that carries no Retry-After, in ms. */
  defaultPauseMs?: number;
  /** Longest pause honoured, in ms. */
  maxPauseMs?: number;
  /** Quiet time (no congestion) after which the pacer probes above what held before, or lets go, in ms. */
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
  readonly #congestionShare: number;
  readonly #minSample: number;
  readonly #minStreak: number;
  readonly #sustainedWindows: number;
  readonly #recoverAfterMs: number;
  readonly #defaultPauseMs: number;
  readonly #maxPauseMs: number;
  readonly #probeAfterMs: number;
  readonly #letGoAbove: number;

  #rate: number | null = null;
  #limit: number | null = null;
  /** Bumped on every change of rate or pause: a slot reserved under an older one is given up. */
  #epoch = 0;
  /** Bumped on every congestion: a 429 to a request admitted before it says nothing new. */
  #lossEpoch = 0;
  #nextSlot = 0;
  #pausedUntil = 0;
  #pending: PendingEstimate | null = null;
  #changedAt = 0;
  #probing = false;
  /** When the last congestion began; quiet spells are counted from it. */
  #congestedAt = Number.NEGATIVE_INFINITY;
  /** The highest rate that held `sustainedWindows` windows without congestion: recovery climbs back to it. */
  #sustained: number | null = null;
  /** Set while the rate climbs back to #sustained, until it holds there. */
  #recovering = false;
  /** Quiet time before the climb back starts; doubles each time a climb meets congestion. */
  #recoverWaitMs: number;
  /** Outcomes (true: 429) of the latest answers to requests sent since the last congestion. */
  #outcomes: boolean[] = [];
  /** 429s in a row among them, across requests. */
  #streak = 0;
  /** Requests admitted and not yet recorded. */
  #inFlight = 0;
  #lastDelayAt = Number.NEGATIVE_INFINITY;
  /** When acceptances arrived, oldest first (the clock only moves on), for the estimates. */
  #accepted: number[] = [];
  #delayed = 0;
  #delayedMs = 0;

  constructor(options: PacerOptions) {
    this.#now = options.now;
    this.#sleep = options.sleep;
    this.#windowMs = options.windowMs ?? 1000;
    this.#margin = options.margin ?? 0.95;
    this.#minRate = options.minRatePerSecond ?? 1;
    this.#congestionShare = options.congestionShare ?? 0.25;
    this.#minSample = options.congestionSample ?? 32;
    this.#minStreak = options.congestionStreak ?? 4;
    this.#sustainedWindows = options.sustainedWindows ?? 5;
    this.#recoverAfterMs = options.recoverAfterMs ?? 2000;
    this.#recoverWaitMs = this.#recoverAfterMs;
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
      this.#maybeRaise(now);
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
    this.#inFlight += 1;
    return { epoch: this.#lossEpoch, startedAt: now };
  }

  /** Reports how a request went: its status (null for a network failure) and its rate-limit headers. */
  record(ticket: PaceTicket, status: number | null, hints: RateHints): void {
    const now = this.#now();
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (status === 429) {
      this.#onRateLimited(ticket, now, hints);
      return;
    }
    if (status === null) return;
    this.#accepted.push(now);
    this.#trimAccepted(now);
    this.#noteOutcome(ticket, false);
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
    if (ticket.epoch !== this.#lossEpoch) {
      // sent before the last congestion counted: part of that burst, already accounted for
      this.#pausedUntil = Math.max(this.#pausedUntil, now + pauseMs);
      return;
    }
    this.#noteOutcome(ticket, true);
    // a few refusals among many acceptances are not about the rate: the transport retries
    // this one after its Retry-After, and everyone else carries on at the current rate
    if (!this.#congested()) return;
    // a climb back that met congestion: the limit may really have dropped, so the next climb
    // waits twice as long (at most as long as a probe), like backoff
    if (this.#recovering) this.#recoverWaitMs = Math.min(2 * this.#recoverWaitMs, this.#probeAfterMs);
    this.#recovering = false;
    this.#pausedUntil = Math.max(this.#pausedUntil, now + pauseMs);
    this.#changedAt = now;
    this.#congestedAt = now;
    this.#lossEpoch += 1;
    this.#epoch += 1;
    this.#outcomes = [];
    this.#streak = 0;
    this.#pending = { at: now, hints, pauseMs, previousRate: this.#rate };
  }

  /** Keeps the latest outcomes of requests sent since the last congestion: only they judge the next one. */
  #noteOutcome(ticket: PaceTicket, refused: boolean): void {
    if (ticket.epoch !== this.#lossEpoch) return;
    this.#outcomes.push(refused);
    if (this.#outcomes.length > this.#minSample) this.#outcomes.shift();
    this.#streak = refused ? this.#streak + 1 : 0;
  }

  /**
   * Whether the 429s say the rate is too high. A limit met at full concurrency shows as a run of
   * refusals across requests; a rate a little above the limit as a steady share of them. Random
   * refusals make neither, but do cluster by chance, so the share is judged on `minSample`
   * answers and set well above the few percent an unwell server refuses. A lone request refused
   * with nothing accepted and nothing else in flight is all there is to go by.
   */
  #congested(): boolean {
    if (this.#streak >= this.#minStreak) return true;
    const answers = this.#outcomes.length;
    const refused = this.#outcomes.filter(Boolean).length;
    if (refused === answers && this.#inFlight === 0) return true;
    return answers >= this.#minSample && refused >= this.#congestionShare * answers;
  }

  /** Runs once the pause after congestion is over, when every answer of that burst has arrived. */
  #settleEstimate(now: number): void {
    const pending = this.#pending!;
    this.#pending = null;
    this.#epoch += 1;
    this.#nextSlot = now;
    this.#changedAt = now;
    this.#probing = false;
    const { hints } = pending;
    let estimate: number;
    if (hints.limit !== null && hints.windowMs !== null) {
      estimate = (hints.limit * 1000) / hints.windowMs;
    } else {
      const inWindow = this.#countSince(this.#accepted, pending.at - this.#windowMs, pending.at);
      // refused before anything got through (a burst at the start, another client's spike):
      // there is no rate to learn; the pause was honoured and the next requests probe afresh
      if (inWindow === 0) return;
      const spanMs = this.#windowMs * this.#sustainedWindows;
      const inSpan = this.#countSince(this.#accepted, pending.at - spanMs, pending.at);
      // one bad second (or one that a pause took half of) does not undo what the server took
      // over several, and one episode at most halves the rate: a mistaken decrease costs little
      estimate = Math.max((inWindow * 1000) / this.#windowMs, (0.5 * inSpan * 1000) / spanMs);
      if (pending.previousRate !== null) {
        estimate = Math.min(Math.max(estimate, pending.previousRate * 0.5), pending.previousRate);
      }
    }
    // a failed probe falls back to the rate that held, not to what a burst let through
    if (this.#sustained !== null) estimate = Math.min(estimate, this.#sustained / this.#margin);
    this.#limit = Math.max(this.#minRate, estimate);
    this.#rate = Math.max(this.#minRate, this.#limit * this.#margin);
  }

  /**
   * Raises the rate after quiet spells (no congestion). Below the highest rate that held before
   * it doubles every window once `recoverAfterMs` passed (a transient spike or a mistaken
   * decrease must not leave a sync crawling). Above it, after `probeAfterMs`, it tries twice the
   * learned limit; while such probes keep passing it doubles every window (a lifted limit is
   * found in seconds), and it lets go entirely once the limit held no one back for a window or
   * passed `letGoAbovePerSecond`.
   */
  #maybeRaise(now: number): void {
    if (this.#rate === null || this.#pending !== null) return;
    const held = now - this.#changedAt;
    const spanMs = this.#windowMs * this.#sustainedWindows;
    if (held >= spanMs && now - this.#congestedAt >= spanMs) {
      // held for several windows (a token bucket's burst can carry a probe through one), and
      // measured by what the server took: demand may be lower than the rate allowed
      const took = (this.#countSince(this.#accepted, now - spanMs) * 1000) / spanMs;
      this.#sustained = Math.max(this.#sustained ?? 0, Math.min(this.#rate, took));
      this.#recovering = false;
      this.#recoverWaitMs = this.#recoverAfterMs;
    }
    if (this.#sustained !== null && this.#sustained > this.#rate) {
      if (now - this.#congestedAt < this.#recoverWaitMs || held < this.#windowMs) return;
      this.#rate = Math.min(this.#sustained, this.#rate * 2);
      this.#limit = this.#rate / this.#margin;
      this.#recovering = true;
    } else {
      const quiet = this.#probing ? this.#windowMs : this.#probeAfterMs;
      if (held < quiet) return;
      const next = (this.#limit ?? this.#rate) * 2;
      if (now - this.#lastDelayAt >= quiet || next > this.#letGoAbove) {
        this.#rate = null;
        this.#limit = null;
        this.#sustained = null;
        this.#probing = false;
      } else {
        this.#limit = next;
        this.#rate = next * this.#margin;
        this.#probing = true;
      }
    }
    this.#epoch += 1;
    this.#changedAt = now;
  }

  /** How many of the sorted times fall in (from, to]. */
  #countSince(times: number[], from: number, to = Number.POSITIVE_INFINITY): number {
    let count = 0;
    for (let i = times.length - 1; i >= 0 && times[i]! > from; i -= 1) if (times[i]! <= to) count += 1;
    return count;
  }

  /** Forgets acceptances older than any estimate looks back (the longest span, plus a pause). */
  #trimAccepted(now: number): void {
    const horizon = now - this.#windowMs * this.#sustainedWindows - this.#maxPauseMs;
    // dropped in batches: shifting one at a time would copy the array on every answer
    if (!(this.#accepted[1024]! < horizon)) return;
    const stale = this.#accepted.findIndex((t) => t >= horizon);
    this.#accepted.splice(0, stale === -1 ? this.#accepted.length : stale);
  }
}
