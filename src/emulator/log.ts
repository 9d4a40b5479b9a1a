/**
 * The request log tests assert on ("no writes happened", "three pages were read") and the
 * counters benchmarks read. Bounded, so a long benchmark does not grow memory without limit.
 */
import type { EmulatorStats, RequestLogEntry } from './types.js';

/** Requests kept by default; older ones are dropped first. */
export const DEFAULT_LOG_LIMIT = 10_000;

/** The API requests answered, most recent last. */
export class RequestLog {
  readonly #limit: number;
  #entries: RequestLogEntry[] = [];
  #seq = 0;
  #requests = 0;
  #byStatus: Record<string, number> = {};
  #faults = 0;
  #rateLimited = 0;

  constructor(limit = DEFAULT_LOG_LIMIT) {
    this.#limit = Math.max(1, limit);
  }

  /** The entries kept, oldest first. */
  get entries(): readonly RequestLogEntry[] {
    return this.#entries;
  }

  /** The next sequence number (1-based). */
  nextSeq(): number {
    this.#seq += 1;
    return this.#seq;
  }

  /** Records an answered (or dropped) request. */
  add(entry: RequestLogEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.#limit) this.#entries.splice(0, this.#entries.length - this.#limit);
    this.#requests += 1;
    const status = String(entry.status);
    this.#byStatus[status] = (this.#byStatus[status] ?? 0) + 1;
    if (entry.fault !== undefined) this.#faults += 1;
    if (entry.status === 429) this.#rateLimited += 1;
  }

  /** Entries after a sequence number, for polling. */
  since(seq: number): RequestLogEntry[] {
    return this.#entries.filter((entry) => entry.seq > seq);
  }

  /** Forgets entries and counters. */
  clear(): void {
    this.#entries = [];
    this.#requests = 0;
    this.#byStatus = {};
    this.#faults = 0;
    this.#rateLimited = 0;
  }

  /** Counters, with the store's size. */
  stats(connectors: number): EmulatorStats {
    return {
      requests: this.#requests,
      byStatus: { ...this.#byStatus },
      faultsInjected: this.#faults,
      rateLimited: this.#rateLimited,
      connectors,
    };
  }
}
