import type { RequestLogEntry } from '../src/emulator/index.js';

/** API calls by kind, as the emulator's request log saw them. */
export interface CallCounts {
  list: number;
  get: number;
  create: number;
  update: number;
  delete: number;
  other: number;
  /** Reads of agents (the listing that guards deletes runs beside the connectors' listing). */
  agents: number;
  /** Answers with status 429 (any kind). */
  rateLimited: number;
  /** Answers with another 4xx/5xx, or a dropped connection. */
  failed: number;
  total: number;
}

const WRITE_KINDS = new Set(['create', 'update', 'delete', 'other']);

/** What one request was, in the product's words. */
export function kindOf(entry: RequestLogEntry): keyof Omit<CallCounts, 'rateLimited' | 'failed' | 'total'> {
  if (entry.path.startsWith('/v1/agents')) return 'agents';
  const isCollection = /^\/v1\/connectors\/?$/.test(entry.path);
  if (entry.method === 'GET') return isCollection ? 'list' : 'get';
  if (entry.method === 'POST' && isCollection) return 'create';
  if (entry.method === 'PATCH') return 'update';
  if (entry.method === 'DELETE' && !entry.path.endsWith('/share')) return 'delete';
  return 'other';
}

/** Counts the log's requests by kind; rate-limited and failed answers are counted apart. */
export function countCalls(entries: readonly RequestLogEntry[]): CallCounts {
  const counts: CallCounts = {
    list: 0,
    get: 0,
    create: 0,
    update: 0,
    delete: 0,
    other: 0,
    agents: 0,
    rateLimited: 0,
    failed: 0,
    total: 0,
  };
  for (const entry of entries) {
    counts.total += 1;
    if (entry.status === 429) counts.rateLimited += 1;
    else if (entry.status === 0 || entry.status >= 400) counts.failed += 1;
    else counts[kindOf(entry)] += 1;
  }
  return counts;
}

/** Successful writes (create, update, delete, share) in the counts. */
export function writesOf(counts: CallCounts): number {
  return counts.create + counts.update + counts.delete + counts.other;
}

/** Milliseconds from the first request's arrival to the last answer, optionally for some kinds only. */
export function apiSpanMs(entries: readonly RequestLogEntry[], only?: 'writes'): number {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const entry of entries) {
    if (only === 'writes' && !WRITE_KINDS.has(kindOf(entry))) continue;
    const arrived = Date.parse(entry.time);
    first = Math.min(first, arrived);
    last = Math.max(last, arrived + entry.durationMs);
  }
  return Number.isFinite(first) ? last - first : 0;
}

/**
 * The round-trip floor (DESIGN "Targets"): the list pages one after another, then
 * ceil(writes / concurrency) rounds of writes, each costing the emulator's latency.
 */
export function floorMs(counts: CallCounts, concurrency: number, latencyMs: number): number {
  const rounds = Math.ceil(writesOf(counts) / concurrency);
  return (counts.list + rounds) * latencyMs;
}

/**
 * The floor as DESIGN has the applier run it: renames, creates and updates together, then the
 * deletes ("Deletes run last"), each phase in ceil(writes / concurrency) rounds of its own. No
 * applier that keeps deletes last can beat it: with 11 updates and 5 deletes at concurrency 16
 * the plain floor counts 1 write round, the order needs 2.
 */
export function phasedFloorMs(
  listPages: number,
  phases: readonly number[],
  concurrency: number,
  latencyMs: number,
): number {
  const rounds = phases.reduce((sum, writes) => sum + Math.ceil(writes / concurrency), 0);
  return (listPages + rounds) * latencyMs;
}

/** "list 1, create 1000" for the table; zero kinds left out. */
export function describeCalls(counts: CallCounts): string {
  const parts: string[] = [];
  for (const kind of ['list', 'get', 'create', 'update', 'delete', 'other', 'agents'] as const) {
    if (counts[kind] > 0) parts.push(`${kind} ${counts[kind]}`);
  }
  if (counts.rateLimited > 0) parts.push(`429 ${counts.rateLimited}`);
  if (counts.failed > 0) parts.push(`failed ${counts.failed}`);
  return parts.join(', ') || 'none';
}

/**
 * How long after `endMs` (epoch ms) the writes ran at full speed again: the start of the first
 * second, in 50 ms steps from `endMs`, in which the emulator accepted at least 90% of `rate`
 * writes, minus `endMs`; null if no such second came.
 */
export function recoveryMs(entries: readonly RequestLogEntry[], endMs: number, rate: number): number | null {
  const accepted = entries
    .filter((entry) => WRITE_KINDS.has(kindOf(entry)) && entry.status > 0 && entry.status < 400)
    .map((entry) => Date.parse(entry.time))
    .filter((time) => time >= endMs)
    .sort((a, b) => a - b);
  for (let start = endMs, first = 0, last = 0; start <= (accepted.at(-1) ?? 0); start += 50) {
    while (first < accepted.length && accepted[first]! < start) first += 1;
    while (last < accepted.length && accepted[last]! < start + 1000) last += 1;
    if (last - first >= 0.9 * rate) return start - endMs;
  }
  return null;
}

/** When the last 429 of a `rate_limit` fault rule (not of the per-second limit) was answered (epoch ms), or null. */
export function lastBurstAnswerMs(entries: readonly RequestLogEntry[]): number | null {
  const burst = entries.filter((entry) => entry.fault === 'rate_limit');
  const times = burst.map((entry) => Date.parse(entry.time) + entry.durationMs);
  return times.length === 0 ? null : Math.max(...times);
}
