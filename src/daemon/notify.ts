import { nodeLoaderFs } from '../config/fs.js';
import { resolveReferences, scanReferences } from '../config/references.js';
import type { DesiredConnector } from '../config/types.js';
import { SecretSet } from '../redact.js';
import type { Timers } from './clock.js';
import type { NotifyEvent, NotifyEventKind } from './notify-events.js';

/** One webhook of `notify:`; `url` is the reference (`${env:...}`), resolved only to send. */
export interface NotifyTarget {
  url: string;
  format: 'slack' | 'json';
  events: NotifyEventKind[];
}

/** How one message went, for /metrics and the status page (never the URL: it is a secret). */
export interface DeliveryOutcome {
  result: 'delivered' | 'failed';
  event: NotifyEventKind;
  /** Which webhook: its place in `notify:`, from 1. */
  webhook: number;
  /** Why it failed: an HTTP status, `timeout`, `network`, or an unresolvable reference. */
  reason?: string;
}

export interface NotifierOptions {
  targets: () => readonly NotifyTarget[];
  /** The webhook's URL from its reference; throws (with the reference, never a value) when it cannot. */
  resolveUrl: (reference: string) => Promise<string>;
  fetch: typeof fetch;
  timers: Timers;
  now: () => number;
  /** Values that must never leave in a message (header and auth values, the API key). */
  secrets: () => Iterable<string>;
  /** The workspace, as people read it. */
  workspace: string;
  onOutcome: (outcome: DeliveryOutcome) => void;
  retry?: Partial<RetryPolicy>;
}

export interface RetryPolicy {
  attempts: number;
  initialDelayMs: number;
  /** One request's limit: a receiver that hangs is given up on. */
  attemptTimeoutMs: number;
  /** The whole delivery's limit, retries included. */
  totalMs: number;
}

const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  initialDelayMs: 1000,
  attemptTimeoutMs: 5000,
  totalMs: 30_000,
};
/** Messages waiting for one webhook; past it the oldest news is dropped (and counted as failed). */
const MAX_QUEUED = 20;

/**
 * Sends events to the webhooks that want them, off the reconcile's path: send() returns at once.
 * Each webhook gets its messages in order (a failure before its recovery), each retried with
 * backoff on a network error, a timeout, 408, 429 or 5xx, within RetryPolicy's bounds.
 */
export class Notifier {
  readonly #options: NotifierOptions;
  readonly #retry: RetryPolicy;
  readonly #queues = new Map<number, { chain: Promise<void>; waiting: number }>();
  /** Aborted when a shutdown stops waiting: requests in flight end, backoffs end, queued messages are dropped. */
  readonly #abandon = new AbortController();

  constructor(options: NotifierOptions) {
    this.#options = options;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  send(events: readonly NotifyEvent[], at: Date): void {
    if (events.length === 0) return;
    const secrets = new SecretSet(this.#options.secrets());
    this.#options.targets().forEach((target, index) => {
      const webhook = index + 1;
      for (const event of events) {
        if (!target.events.includes(event.kind)) continue;
        const body = messageBody(target.format, event, this.#options.workspace, at, secrets);
        this.#enqueue(webhook, event.kind, () => this.#deliver(target, webhook, event.kind, body, secrets));
      }
    });
  }

  /** Resolves when every message queued so far has been delivered or given up on. */
  async idle(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((queue) => queue.chain));
  }

  /** Messages not yet delivered or given up on. */
  get pending(): number {
    let waiting = 0;
    for (const queue of this.#queues.values()) waiting += queue.waiting;
    return waiting;
  }

  /**
   * At shutdown: waits up to `withinMs` for every message queued so far, then gives up on the rest
   * (each counted as failed, reason `shutdown`) so a receiver that never answers cannot hold the
   * process. Returns how many were given up on.
   */
  async flush(withinMs: number): Promise<number> {
    let timer: unknown;
    const settled = await Promise.race([
      this.idle().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = this.#options.timers.setTimeout(() => resolve(false), withinMs);
      }),
    ]);
    this.#options.timers.clearTimeout(timer);
    if (settled) return 0;
    const abandoned = this.pending;
    this.#abandon.abort();
    await this.idle();
    return abandoned;
  }

  #enqueue(webhook: number, event: NotifyEventKind, task: () => Promise<void>): void {
    const queue = this.#queues.get(webhook) ?? { chain: Promise.resolve(), waiting: 0 };
    this.#queues.set(webhook, queue);
    queue.waiting++;
    const overflow = queue.waiting > MAX_QUEUED;
    queue.chain = queue.chain.then(async () => {
      try {
        if (this.#abandon.signal.aborted)
          this.#options.onOutcome({ result: 'failed', event, webhook, reason: 'shutdown' });
        else if (!overflow) await task();
      } finally {
        queue.waiting--;
      }
    });
    if (overflow)
      this.#options.onOutcome({ result: 'failed', event: 'failure', webhook, reason: 'queue full' });
  }

  async #deliver(
    target: NotifyTarget,
    webhook: number,
    event: NotifyEventKind,
    body: string,
    secrets: SecretSet,
  ): Promise<void> {
    const report = (outcome: Omit<DeliveryOutcome, 'event' | 'webhook'>) =>
      this.#options.onOutcome({ ...outcome, event, webhook });
    let url: string;
    try {
      url = await this.#options.resolveUrl(target.url);
    } catch (error) {
      report({ result: 'failed', reason: secrets.redact((error as Error).message) });
      return;
    }
    const deadline = this.#options.now() + this.#retry.totalMs;
    let reason = 'no attempt';
    for (let attempt = 0; attempt < this.#retry.attempts; attempt++) {
      if (attempt > 0) {
        const delay = this.#retry.initialDelayMs * 2 ** (attempt - 1);
        if (this.#options.now() + delay >= deadline) break;
        await this.#sleep(delay);
        if (this.#abandon.signal.aborted) {
          reason = 'shutdown';
          break;
        }
      }
      const outcome = await this.#post(
        url,
        body,
        Math.min(this.#retry.attemptTimeoutMs, deadline - this.#options.now()),
      );
      if (outcome === 'ok') return report({ result: 'delivered' });
      reason = outcome.reason;
      if (!outcome.retry) break;
    }
    report({ result: 'failed', reason });
  }

  async #post(
    url: string,
    body: string,
    timeoutMs: number,
  ): Promise<'ok' | { reason: string; retry: boolean }> {
    const controller = new AbortController();
    const timer = this.#options.timers.setTimeout(() => controller.abort(), Math.max(1, timeoutMs));
    try {
      const response = await this.#options.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.any([controller.signal, this.#abandon.signal]),
        redirect: 'error',
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return 'ok';
      const status = response.status;
      return { reason: `HTTP ${status}`, retry: status >= 500 || status === 408 || status === 429 };
    } catch {
      // the error's text may hold the URL (a secret): only its kind is kept
      if (this.#abandon.signal.aborted) return { reason: 'shutdown', retry: false };
      return { reason: controller.signal.aborted ? 'timeout' : 'network', retry: true };
    } finally {
      this.#options.timers.clearTimeout(timer);
    }
  }

  /** A backoff, cut short when the shutdown gives up waiting. */
  #sleep(ms: number): Promise<void> {
    const signal = this.#abandon.signal;
    return new Promise((resolve) => {
      const done = () => {
        this.#options.timers.clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = this.#options.timers.setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

const TITLES: Record<NotifyEventKind, string> = {
  failure: 'Reconcile failing',
  recovered: 'Reconcile recovered',
  drift: 'Drift found',
  pending_auth: 'Waiting for authentication',
  tool_change: 'Tools changed',
  config_invalid: 'Desired state invalid',
};

/** The request body for a format; every remote or file string is redacted, and escaped for Slack. */
export function messageBody(
  format: NotifyTarget['format'],
  event: NotifyEvent,
  workspace: string,
  at: Date,
  secrets: SecretSet,
): string {
  // a line break in a remote string would fake a line of the message
  const clean = (text: string) => secrets.redact(text).replace(/\p{Cc}+/gu, ' ');
  const summary = clean(event.summary);
  const details = event.details.map(clean);
  if (format === 'json')
    return JSON.stringify({
      version: 1,
      source: 'connector-sync',
      event: event.kind,
      workspace: clean(workspace),
      at: at.toISOString(),
      summary,
      details,
    });
  const lines = [
    `*connector-sync: ${TITLES[event.kind]}* (${slackEscape(clean(workspace))})`,
    slackEscape(summary),
    ...details.map((line) => `• ${slackEscape(line)}`),
  ];
  return JSON.stringify({ text: lines.join('\n') });
}

/**
 * Slack mrkdwn's three control characters: `<` would start a link or a mention (`<!channel>`),
 * so a remote string could ping everyone or hide a link behind innocent text.
 */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The values a message must never carry: the desired connectors' secret header and auth values. */
export function desiredSecretValues(connectors: readonly DesiredConnector[]): string[] {
  const values: string[] = [];
  for (const connector of connectors) {
    for (const header of Object.values(connector.global_headers ?? {}))
      if (header.is_secret) values.push(header.value.reveal());
    for (const value of Object.values(connector.headers ?? {})) values.push(value.reveal());
    if (connector.auth_data) {
      values.push(connector.auth_data.client_id.reveal());
      if (connector.auth_data.client_secret) values.push(connector.auth_data.client_secret.reveal());
    }
  }
  return values;
}

/** Resolves a webhook's `${env:...}`/`${file:...}`; the error names the reference, never a value. */
export async function resolveWebhookUrl(
  reference: string,
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<string> {
  const resolved = await resolveReferences(
    scanReferences(reference),
    { env, fs: nodeLoaderFs, baseDir: cwd, cache: new Map() },
    'a notify webhook',
  );
  if (!resolved.ok) throw new Error(resolved.failures.map((failure) => failure.message).join('; '));
  if (!/^https?:\/\//i.test(resolved.value)) throw new Error(`${reference} is not an http(s) URL`);
  return resolved.value;
}
