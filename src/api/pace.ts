import { announcedPerSecond, type RateHints } from './rate-hints.js';
import type { Sleep } from './retry.js';
import type { ClientStats } from './types.js';

/**
 * Every request takes a token from this bucket, unlimited until the server pushes back, then refilled at
 * 95% of the limit learned. Pushback is three 429s in a row, eight of the last 32 answers, or a lone
 * refused request, among those sent under the current limit: everyone pauses for Retry-After and, if the
 * server accepted requests sent beside the refused ones or more in the last second than are in flight,
 * the limit drops to what it accepted in that second (or its headers announce); a wall of 429s after a
 * few reads only pauses. A stray 429 is left to the transport's retry. Raises go by the clock: after a
 * quiet second, back to the limit that held in the last 10 s; after 30 quiet seconds, a try at double,
 * doubling every two quiet seconds while tries pass, letting go above 1,000/s. A try refused once falls
 * back at once, without a pause, and doubles the wait for the next. Waiters hold no slot: they re-read
 * the bucket when they wake.
 */

const SECOND_MS = 1000;
const MARGIN = 0.95;
const SAMPLE = 32;
const FORGET_MS = 10_000;
const PROBE_MS = 30_000;
const LET_GO_PER_SECOND = 1000;

/** `maxPauseMs`: the longest pause honoured (the client passes its retry policy's). */
export type PacerOptions = { now: () => number; sleep: Sleep; maxPauseMs?: number };
/** A permit to send one request, handed back with its outcome. */
export type PaceTicket = { readonly epoch: number; readonly startedAt: number };

export class Pacer {
  #limit: number | null = null;
  #held: { limit: number; at: number } | null = null; // the way back after a cut: the last limit to hold
  #fallback: number | null = null; // while a raised limit is on trial, the limit to fall back to
  #epoch = 0; // bumped on every change of limit: a 429 to a request sent before says nothing new
  #changedAt = 0; // when the limit changed or, after congestion, the pause ended: quiet counts from it
  #probeWaitMs = PROBE_MS;
  #refusedSince = Number.POSITIVE_INFINITY; // when the first request refused under this limit was sent
  #bucket = { tokens: 1, refilledAt: 0 };
  #pausedUntil = 0;
  #outcomes: boolean[] = []; // true: refused; the latest answers to requests sent under this limit
  #inFlight = 0;
  #accepted: Array<{ at: number; sent: number }> = []; // accepted answers, oldest first: the last few thousand
  #delays = { delayed: 0, delayedMs: 0 };

  constructor(private readonly options: PacerOptions) {}

  /** Waits until a request may start; rejects when the signal aborts. Without a limit it does not wait at all. */
  async acquire(signal?: AbortSignal): Promise<PaceTicket> {
    const calledAt = this.options.now();
    for (let now = calledAt; ; now = this.options.now()) {
      const waitMs = this.#waitMs(now);
      if (waitMs === 0) {
        this.#delays.delayed += now > calledAt ? 1 : 0;
        this.#delays.delayedMs += now - calledAt;
        this.#inFlight += 1;
        return { epoch: this.#epoch, startedAt: now };
      }
      signal?.throwIfAborted();
      await this.options.sleep(waitMs, signal);
    }
  }

  /** Reports how a request went: its status (null for a network failure) and its rate-limit headers. */
  record(ticket: PaceTicket, status: number | null, hints: RateHints): void {
    const now = this.options.now();
    const current = ticket.epoch === this.#epoch;
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (status === 429 && current) this.#refused(now, ticket.startedAt, hints);
    if (status === 429 || status === null) return;
    if (current && this.#outcomes.push(false) > SAMPLE) this.#outcomes.shift();
    if (this.#accepted.push({ at: now, sent: ticket.startedAt }) > 4096) this.#accepted.splice(0, 2048);
    // the server says the window is used up: wait for its reset instead of meeting a 429
    if (hints.remaining === 0 && hints.resetMs !== null && hints.resetMs > 0) this.#pause(now, hints.resetMs);
  }

  snapshot(): NonNullable<ClientStats['pacing']> {
    const rate = this.#limit === null ? null : this.#limit * MARGIN;
    return { ratePerSecond: rate, learnedLimitPerSecond: this.#limit, ...this.#delays };
  }

  /** 0 when a request may start now (taking its token), else how long to sleep before asking again. */
  #waitMs(now: number): number {
    if (now < this.#pausedUntil) return this.#pausedUntil - now;
    this.#raise(now);
    if (this.#limit === null) return 0;
    const perMs = (this.#limit * MARGIN) / SECOND_MS;
    // a burst within the margin, so that timers firing in whole milliseconds lose nothing
    const burst = Math.max(1, this.#limit * (1 - MARGIN));
    this.#bucket.tokens = Math.min(burst, this.#bucket.tokens + (now - this.#bucket.refilledAt) * perMs);
    this.#bucket.refilledAt = now;
    if (this.#bucket.tokens < 1) return Math.ceil((1 - this.#bucket.tokens) / perMs);
    this.#bucket.tokens -= 1;
    return 0;
  }

  #refused(now: number, sent: number, hints: RateHints): void {
    if (this.#outcomes.push(true) > SAMPLE) this.#outcomes.shift();
    this.#refusedSince = Math.min(this.#refusedSince, sent);
    if (this.#fallback !== null) {
      // a raised limit refused: back at once; the refused request waits out its own Retry-After
      if (this.#limit! > this.#held!.limit) this.#probeWaitMs = Math.max(PROBE_MS, 2 * this.#probeWaitMs);
      this.#change(now, this.#fallback);
      return;
    }
    this.#accepted = this.#accepted.filter((answer) => answer.at > now - SECOND_MS);
    const accepted = this.#accepted.length;
    const streak = this.#outcomes.length >= 3 && this.#outcomes.slice(-3).every(Boolean);
    const lone = accepted === 0 && this.#inFlight === 0;
    if (!lone && !streak && this.#outcomes.filter(Boolean).length < SAMPLE / 4) return;
    this.#pause(now, hints.retryAfterMs ?? SECOND_MS);
    this.#probeWaitMs = PROBE_MS;
    // what the server accepted says its limit only if it was not just what a few reads asked of it
    const beside = this.#accepted.some((answer) => answer.sent >= this.#refusedSince);
    const took = beside || accepted > this.#inFlight ? accepted : 0;
    const learned =
      announcedPerSecond(hints) ?? Math.min(took, (this.#limit ?? Number.POSITIVE_INFINITY) * MARGIN);
    this.#change(this.#pausedUntil, learned > 0 ? learned : this.#limit); // quiet counts from the pause's end
  }

  #raise(now: number): void {
    const limit = this.#limit;
    // a raised limit is judged on two quiet seconds: a token bucket's burst can carry it through one
    if (limit === null || now - this.#changedAt < (this.#fallback === null ? 1 : 2) * SECOND_MS) return;
    if (this.#held !== null && limit < this.#held.limit && now - this.#held.at <= FORGET_MS) {
      this.#change(now, this.#held.limit, limit);
      return;
    }
    if (this.#held !== null && limit > this.#held.limit) this.#probeWaitMs = 0;
    this.#fallback = null;
    this.#held = { limit, at: now };
    if (now - this.#changedAt < this.#probeWaitMs) return;
    this.#change(now, 2 * limit > LET_GO_PER_SECOND ? null : 2 * limit, limit);
  }

  #change(now: number, limit: number | null, fallback: number | null = null): void {
    this.#limit = limit;
    this.#fallback = limit === null ? null : fallback;
    this.#changedAt = now;
    this.#outcomes = [];
    this.#refusedSince = Number.POSITIVE_INFINITY;
    this.#epoch += 1;
  }

  #pause(now: number, ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, now + Math.min(ms, this.options.maxPauseMs ?? 60_000));
  }
}
