import type { Logger } from 'pino';
import type { ConnectorsApi } from '../api/types.js';
import type { Settings } from '../config/settings.js';
import type { LoadResult } from '../config/types.js';
import type { ToolLock } from '../probe/lock.js';
import type { SecretLedger } from '../reconcile/ledger.js';
import { realTimers, type Timers } from './clock.js';
import { ControlToken } from './control.js';
import type { TriggerReason } from './history.js';
import { ReconcileLoop } from './loop.js';
import { DaemonMetrics } from './metrics.js';
import { desiredSecretValues, Notifier, type RetryPolicy, resolveWebhookUrl } from './notify.js';
import { type NotifyState, notifyTransition, QUIET_STATE } from './notify-events.js';
import { createReconciler, type DaemonPlanFlags } from './reconciler.js';
import { parseSchedule, Scheduler, scheduleSource } from './scheduler.js';
import { type StatusServer, startServer } from './server.js';
import { DaemonStatus } from './status.js';
import { type DesiredStateWatcher, watchDesiredState } from './watcher.js';

/** How long a shutdown waits for webhook messages still queued or being retried. */
const NOTIFY_FLUSH_MS = 5000;

/** Everything the daemon is made of, built by the CLI (or a test) and handed over. */
export interface DaemonParts {
  /** Files and folders of the desired state, watched for changes. */
  paths: string[];
  /** Other files whose change triggers a reconcile (the settings file). */
  watchFiles: string[];
  api: ConnectorsApi;
  /** Workspace identity (the secret ledger is tied to it). */
  apiId: string;
  /** The API as people should read it. */
  apiDisplayUrl: string;
  openLedger: () => Promise<SecretLedger>;
  /** The committed tool lock, read at each reconcile (absent: tools are not checked against one). */
  loadToolLock?: () => Promise<ToolLock | null>;
  loadDesired: (settings: Settings) => Promise<LoadResult>;
  /** Reads the settings again; called before every reconcile. */
  loadSettings: () => Promise<Settings>;
  settings: Settings;
  flags: DaemonPlanFlags;
  host: string;
  port: number;
  /** Host names the status server answers besides its address (see host-check.ts). */
  allowHosts?: string[];
  debounceMs: number;
  controlToken: string | null;
  logger: Logger;
  toolVersion: string;
  clock?: { now: () => number; timers: Timers; random: () => number };
  backoff?: { initialMs: number; maxMs: number };
  /** Webhook delivery (notify:): the fetch, the retry bounds, where `${file:...}` URLs start. */
  notify?: {
    fetch?: typeof fetch;
    retry?: Partial<RetryPolicy>;
    env?: Record<string, string | undefined>;
    cwd?: string;
  };
  /** Values no message may carry besides the desired state's (the API key). */
  knownSecrets?: string[];
  /** Node process metrics in /metrics (default true; tests running several daemons turn them off). */
  processMetrics?: boolean;
}

/** A running daemon. */
export interface RunningDaemon {
  url: string;
  status: DaemonStatus;
  metrics: DaemonMetrics;
  loop: ReconcileLoop;
  /** Webhook messages in flight (tests wait on notifier.idle()). */
  notifier: Notifier;
  trigger(reason: TriggerReason): void;
  /**
   * Stops scheduling and watching, lets the reconcile in flight finish (no new write starts) for
   * at most `timeoutMs`, then closes the server. `finished` is false when it gave up waiting.
   */
  stop(options: { timeoutMs: number }): Promise<{ finished: boolean }>;
}

/** Starts the daemon: server, schedule and watcher, then the first reconcile. */
export async function startDaemon(parts: DaemonParts): Promise<RunningDaemon> {
  const clock = parts.clock ?? { now: Date.now, timers: realTimers, random: Math.random };
  const { logger } = parts;
  const shutdown = new AbortController();
  let settings = parts.settings;
  const status = new DaemonStatus({
    now: () => new Date(clock.now()),
    apiUrl: parts.apiDisplayUrl,
    toolVersion: parts.toolVersion,
    readOnly: settings.readOnly,
  });
  status.setSuspension({ setting: settings.suspend });
  const metrics = new DaemonMetrics({
    apiStats: () => parts.api.stats(),
    gauges: () => status.gauges(),
    processMetrics: parts.processMetrics ?? true,
  });

  const scheduler = new Scheduler({
    onFire: () => {
      loop.trigger('schedule');
      status.setSchedule(scheduler.pattern, scheduler.nextRunAt);
    },
    ...clock,
  });
  const setSchedule = (expression: string, source: string) => {
    const cron = parseSchedule(expression, source);
    if ((cron?.getPattern() ?? null) === scheduler.pattern) return;
    scheduler.start(cron);
    status.setSchedule(scheduler.pattern, scheduler.nextRunAt);
    logger.info({ schedule: scheduler.pattern, nextRunAt: scheduler.nextRunAt }, 'schedule set');
  };
  setSchedule(settings.schedule, scheduleSource(settings));

  let lastSecrets: string[] = [];
  const notifier = new Notifier({
    targets: () => settings.notify,
    resolveUrl: (reference) =>
      resolveWebhookUrl(reference, parts.notify?.env ?? process.env, parts.notify?.cwd ?? process.cwd()),
    fetch: parts.notify?.fetch ?? fetch,
    timers: clock.timers,
    now: clock.now,
    secrets: () => [...lastSecrets, ...(parts.knownSecrets ?? [])],
    workspace: parts.apiDisplayUrl,
    onOutcome: (outcome) => {
      metrics.observeNotification(outcome.result, outcome.event);
      status.recordNotification(outcome);
      if (outcome.result === 'failed')
        logger.warn(
          { webhook: outcome.webhook, event: outcome.event, reason: outcome.reason },
          'notification failed',
        );
    },
    ...(parts.notify?.retry ? { retry: parts.notify.retry } : {}),
  });
  let notified: NotifyState = QUIET_STATE;

  const loop: ReconcileLoop = new ReconcileLoop({
    run: createReconciler(
      {
        api: parts.api,
        apiUrl: parts.apiId,
        openLedger: parts.openLedger,
        ...(parts.loadToolLock ? { loadToolLock: parts.loadToolLock } : {}),
        loadDesired: parts.loadDesired,
        loadSettings: parts.loadSettings,
        flags: parts.flags,
        status,
        metrics,
        logger,
        now: () => new Date(clock.now()),
        signal: shutdown.signal,
        onSettings: (next) => {
          setSchedule(next.schedule, scheduleSource(next));
          settings = next;
        },
        onRun: (report, invalid, current) => {
          const { state, events } = notifyTransition(notified, report, invalid);
          notified = state;
          if (current.notify.length === 0 || events.length === 0) return;
          if (report.desired.length > 0) lastSecrets = desiredSecretValues(report.desired);
          notifier.send(events, new Date(clock.now()));
        },
      },
      settings,
    ),
    timers: clock.timers,
    random: clock.random,
    ...(parts.backoff ? { backoff: parts.backoff } : {}),
    onError: (error) =>
      logger.error({ err: { message: (error as Error).message } }, 'reconcile crashed (a bug); retrying'),
    onRetry: (delayMs, attempt) =>
      logger.warn({ delayMs, attempt }, 'reconcile failed; retrying after a backoff'),
  });

  const server: StatusServer = await startServer(
    {
      status,
      metrics,
      token: new ControlToken(parts.controlToken),
      control: {
        reconcile: () => loop.trigger('control'),
        suspend: () => {
          status.setSuspension({ control: true });
          logger.warn('suspended: reconciles plan and report drift, write nothing');
        },
        resume: () => {
          status.setSuspension({ control: false });
          if (status.suspended)
            return {
              resumed: false,
              message: `still suspended by the suspend setting${settings.file ? ` in ${settings.file}` : ''}`,
            };
          logger.info('resumed');
          loop.trigger('resume');
          return { resumed: true, message: 'resumed: a reconcile runs now' };
        },
      },
      authUrl: async (id) =>
        (
          await parts.api.getAuthUrl(
            id,
            settings.authReturnUrl ? { appReturnUrl: settings.authReturnUrl } : {},
          )
        ).authUrl,
      logger,
    },
    { host: parts.host, port: parts.port, allowHosts: parts.allowHosts ?? [] },
  ).catch((error: unknown) => {
    scheduler.stop();
    throw error;
  });

  let watcher: DesiredStateWatcher | null = null;
  try {
    watcher = await watchDesiredState({
      paths: parts.paths,
      extraFiles: parts.watchFiles,
      debounceMs: parts.debounceMs,
      onChange: (changed) => {
        logger.info({ changed: changed.slice(0, 20), count: changed.length }, 'files changed');
        loop.trigger('files');
      },
      onError: (error) => logger.warn({ err: { message: error.message } }, 'file watcher error'),
      timers: clock.timers,
      now: clock.now,
    });
  } catch (error) {
    scheduler.stop();
    await server.close();
    throw error;
  }
  logger.info({ url: server.url }, `listening on ${server.url}`);
  loop.trigger('start');

  return {
    url: server.url,
    status,
    metrics,
    loop,
    notifier,
    trigger: (reason) => loop.trigger(reason),
    stop: async ({ timeoutMs }) => {
      scheduler.stop();
      await watcher?.close();
      shutdown.abort(new Error('shutting down'));
      let timer: unknown;
      const finished = await Promise.race([
        loop.stop().then(() => true),
        new Promise<boolean>((resolve) => {
          timer = clock.timers.setTimeout(() => resolve(false), timeoutMs);
        }),
      ]);
      clock.timers.clearTimeout(timer);
      // the last reconcile's news goes out before the process ends, as long as the receivers answer
      const abandoned = await notifier.flush(NOTIFY_FLUSH_MS);
      if (abandoned > 0)
        logger.warn(
          { abandoned, withinMs: NOTIFY_FLUSH_MS },
          'notifications not delivered before shutdown: a webhook did not answer in time',
        );
      await server.close();
      return { finished };
    },
  };
}
