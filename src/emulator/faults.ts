/**
 * Faults on demand. Global settings (latency, jitter, a share of 5xx, a per-second rate limit)
 * apply to every API request; rules aim one kind of fault at some requests (by method, writes
 * only, a path pattern, the next N) with a probability. Randomness comes from an injected source
 * so a test that fixes it gets the same faults every run.
 */

/** Every kind of fault a rule can inject. */
export const FAULT_KINDS = [
  'error', // a 5xx answer in Mistral's JSON error shape (status fixed or picked)
  'rate_limit', // a 429 burst with Retry-After
  'drop', // the socket is destroyed without an answer
  'slow_body', // headers at once, then the body trickled
  'html', // an HTML error page from a "proxy"
  'echo_secrets', // a 422 that quotes the request's write-only values back (message and request id)
  'truncated', // a 200 whose JSON body is cut short
  'duplicate_items', // a list page repeats the last item of the previous page
  'repeat_cursor', // a list page returns the cursor it was asked for
  'shift_listing', // the listing changes between pages (one item created, one seen item deleted)
] as const;

/** One of FAULT_KINDS. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault aimed at some requests. */
export interface FaultRule {
  kind: FaultKind;
  /** Chance (0..1) per matching request; default 1. */
  rate?: number;
  /** Fire for at most this many requests, then the rule is spent ("the next N requests"). */
  count?: number;
  /** Only these methods (upper case). */
  methods?: string[];
  /** Only POST, PUT, PATCH and DELETE. */
  writesOnly?: boolean;
  /** Only paths matching this regular expression, e.g. `^/v1/connectors$`. */
  path?: string;
  /** `error`/`html`/`echo_secrets`: the status to answer (default: one of `statuses`, or 502 for html). */
  status?: number;
  /** `error`: statuses to pick from (default 502, 503, 504). */
  statuses?: number[];
  /** `rate_limit`: the Retry-After to send, in seconds (default 1). */
  retryAfterSeconds?: number;
  /** `rate_limit`: Retry-After as delta-seconds (default) or as an HTTP date. */
  retryAfterForm?: 'seconds' | 'date';
  /** `drop`: before the request is handled (nothing happened) or after (the write happened). */
  phase?: 'before' | 'after';
  /** `slow_body`: pause between chunks, in milliseconds (default 200). */
  chunkDelayMs?: number;
  /** `slow_body`: bytes per chunk (default 16). */
  chunkBytes?: number;
}

/** All fault settings. */
export interface FaultSettings {
  latencyMs: number;
  jitterMs: number;
  /** Share (0..1) of API requests answered with one of `errorStatuses`. */
  errorRate: number;
  errorStatuses: number[];
  /** Above this many API requests in any second, answer 429; null for no limit. */
  rateLimitPerSecond: number | null;
  rules: FaultRule[];
}

/** No faults at all. */
export function noFaults(): FaultSettings {
  return {
    latencyMs: 0,
    jitterMs: 0,
    errorRate: 0,
    errorStatuses: [502, 503, 504],
    rateLimitPerSecond: null,
    rules: [],
  };
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const RULE_KEYS = new Set([
  'kind',
  'rate',
  'count',
  'methods',
  'writesOnly',
  'path',
  'status',
  'statuses',
  'retryAfterSeconds',
  'retryAfterForm',
  'phase',
  'chunkDelayMs',
  'chunkBytes',
]);

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599;
}

function ruleProblems(rule: unknown, where: string): string[] {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule))
    return [`${where}: expected an object`];
  const value = rule as Record<string, unknown>;
  const problems = Object.keys(value)
    .filter((key) => !RULE_KEYS.has(key))
    .map((key) => `${where}.${key}: unknown setting`);
  if (!(FAULT_KINDS as readonly unknown[]).includes(value.kind)) {
    problems.push(`${where}.kind: expected one of ${FAULT_KINDS.join(', ')}`);
  }
  if (value.rate !== undefined && !(isNonNegative(value.rate) && value.rate <= 1)) {
    problems.push(`${where}.rate: expected a number from 0 to 1`);
  }
  if (value.count !== undefined && !(Number.isInteger(value.count) && (value.count as number) >= 1)) {
    problems.push(`${where}.count: expected a whole number of at least 1`);
  }
  if (
    value.methods !== undefined &&
    !(Array.isArray(value.methods) && value.methods.every((m) => typeof m === 'string'))
  ) {
    problems.push(`${where}.methods: expected a list of HTTP methods`);
  }
  if (value.path !== undefined) {
    try {
      new RegExp(String(value.path));
    } catch {
      problems.push(`${where}.path: not a valid regular expression`);
    }
  }
  if (value.status !== undefined && !isStatus(value.status))
    problems.push(`${where}.status: expected 400..599`);
  if (
    value.statuses !== undefined &&
    !(Array.isArray(value.statuses) && value.statuses.length > 0 && value.statuses.every(isStatus))
  ) {
    problems.push(`${where}.statuses: expected a non-empty list of statuses 400..599`);
  }
  for (const key of ['retryAfterSeconds', 'chunkDelayMs', 'chunkBytes'] as const) {
    if (value[key] !== undefined && !isNonNegative(value[key]))
      problems.push(`${where}.${key}: expected a number >= 0`);
  }
  if (
    value.retryAfterForm !== undefined &&
    value.retryAfterForm !== 'seconds' &&
    value.retryAfterForm !== 'date'
  ) {
    problems.push(`${where}.retryAfterForm: expected 'seconds' or 'date'`);
  }
  if (value.phase !== undefined && value.phase !== 'before' && value.phase !== 'after') {
    problems.push(`${where}.phase: expected 'before' or 'after'`);
  }
  return problems;
}

/** Checks a partial settings object (options, control endpoint); returns every problem found. */
export function checkFaultSettings(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return ['faults: expected an object'];
  const settings = value as Record<string, unknown>;
  const known = new Set([
    'latencyMs',
    'jitterMs',
    'errorRate',
    'errorStatuses',
    'rateLimitPerSecond',
    'rules',
  ]);
  const problems = Object.keys(settings)
    .filter((key) => !known.has(key))
    .map((key) => `faults.${key}: unknown setting`);
  for (const key of ['latencyMs', 'jitterMs'] as const) {
    if (settings[key] !== undefined && !isNonNegative(settings[key]))
      problems.push(`faults.${key}: expected a number >= 0`);
  }
  if (settings.errorRate !== undefined && !(isNonNegative(settings.errorRate) && settings.errorRate <= 1)) {
    problems.push('faults.errorRate: expected a number from 0 to 1');
  }
  const statuses = settings.errorStatuses;
  if (
    statuses !== undefined &&
    !(Array.isArray(statuses) && statuses.length > 0 && statuses.every(isStatus))
  ) {
    problems.push('faults.errorStatuses: expected a non-empty list of statuses 400..599');
  }
  const limit = settings.rateLimitPerSecond;
  if (
    limit !== undefined &&
    limit !== null &&
    !(typeof limit === 'number' && Number.isInteger(limit) && limit >= 1)
  ) {
    problems.push('faults.rateLimitPerSecond: expected a whole number of at least 1, or null');
  }
  if (settings.rules !== undefined) {
    if (!Array.isArray(settings.rules)) problems.push('faults.rules: expected a list');
    else
      settings.rules.forEach((rule, index) => {
        problems.push(...ruleProblems(rule, `faults.rules[${index}]`));
      });
  }
  return problems;
}

interface ArmedRule {
  rule: FaultRule;
  pattern: RegExp | null;
  remaining: number | null;
}

/** A request as far as fault rules care. */
export interface FaultTarget {
  method: string;
  path: string;
}

/** Decides, per request, which faults apply. */
export class FaultEngine {
  #settings: FaultSettings = noFaults();
  #armed: ArmedRule[] = [];
  /** Arrival times of admitted requests in the last second (the rate limit's window). */
  #window: number[] = [];
  readonly #random: () => number;
  readonly #now: () => number;

  constructor(random: () => number, now: () => number) {
    this.#random = random;
    this.#now = now;
  }

  /** The current settings; rule counts show what is left of them. */
  get settings(): FaultSettings {
    return structuredClone({
      ...this.#settings,
      rules: this.#armed.map(({ rule, remaining }) =>
        remaining === null ? rule : { ...rule, count: remaining },
      ),
    });
  }

  /** Merges checked settings; `rules`, when given, replaces the rules. Throws on invalid settings. */
  update(partial: Partial<FaultSettings>): void {
    const problems = checkFaultSettings(partial);
    if (problems.length > 0) throw new Error(`invalid fault settings: ${problems.join('; ')}`);
    const { rules, ...rest } = partial;
    this.#settings = { ...this.#settings, ...rest };
    if (rules !== undefined) {
      this.#settings.rules = structuredClone(rules);
      this.#armed = rules.map((rule) => ({
        rule: structuredClone(rule),
        pattern: rule.path === undefined ? null : new RegExp(rule.path),
        remaining: rule.count ?? null,
      }));
    }
  }

  /** Back to no faults. */
  clear(): void {
    this.#settings = noFaults();
    this.#armed = [];
    this.#window = [];
  }

  /** This request's delay: the fixed latency plus up to `jitterMs` more. */
  delayMs(): number {
    const { latencyMs, jitterMs } = this.#settings;
    return latencyMs + (jitterMs > 0 ? this.#random() * jitterMs : 0);
  }

  /** The first rule of this kind (and passing `also`) that fires for the request; its count is consumed. */
  take(
    kind: FaultKind,
    target: FaultTarget,
    also: (rule: FaultRule) => boolean = () => true,
  ): FaultRule | null {
    for (const armed of this.#armed) {
      if (armed.rule.kind !== kind || !also(armed.rule) || !this.#matches(armed, target)) continue;
      if (this.#random() >= (armed.rule.rate ?? 1)) continue;
      if (armed.remaining !== null) {
        armed.remaining -= 1;
        if (armed.remaining <= 0) this.#armed = this.#armed.filter((candidate) => candidate !== armed);
      }
      return armed.rule;
    }
    return null;
  }

  /** The status of a random 5xx under `errorRate`, or null. */
  randomError(): number | null {
    const { errorRate, errorStatuses } = this.#settings;
    if (errorRate <= 0 || this.#random() >= errorRate) return null;
    return this.pick(errorStatuses);
  }

  /** One of the statuses, chosen by the random source. */
  pick(statuses: number[]): number {
    return statuses[Math.min(statuses.length - 1, Math.floor(this.#random() * statuses.length))]!;
  }

  /**
   * The per-second rate limit: admits the request, or returns how many seconds until a slot frees.
   * Refused requests do not count, as with a token bucket refilled every second.
   */
  admit(): number | null {
    const limit = this.#settings.rateLimitPerSecond;
    if (limit === null) return null;
    const now = this.#now();
    while (this.#window.length > 0 && this.#window[0]! <= now - 1000) this.#window.shift();
    if (this.#window.length >= limit) {
      return Math.max(1, Math.ceil((this.#window[0]! + 1000 - now) / 1000));
    }
    this.#window.push(now);
    return null;
  }

  #matches(armed: ArmedRule, target: FaultTarget): boolean {
    const { rule } = armed;
    if (rule.methods && !rule.methods.map((m) => m.toUpperCase()).includes(target.method)) return false;
    if (rule.writesOnly && !WRITE_METHODS.has(target.method)) return false;
    if (armed.pattern && !armed.pattern.test(target.path)) return false;
    return true;
  }
}

/** Formats Retry-After as delta-seconds or as an HTTP date. */
export function retryAfterValue(seconds: number, form: 'seconds' | 'date', now: number): string {
  return form === 'date' ? new Date(now + seconds * 1000).toUTCString() : String(Math.ceil(seconds));
}

/** A small seeded random source (mulberry32) for reproducible faults. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
