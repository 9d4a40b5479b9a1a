import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { loadDesiredState } from '../config/load.js';
import { DEFAULT_SETTINGS_FILE, loadSettings, varsFor } from '../config/settings.js';
import { readControlToken } from '../daemon/control.js';
import { startDaemon } from '../daemon/daemon.js';
import { createLogger, type LogLevel } from '../daemon/logger.js';
import { parseSchedule, scheduleSource } from '../daemon/scheduler.js';
import { onSignal, type SignalSource } from '../daemon/signals.js';
import { isConnectorSyncError } from '../errors.js';
import { readToolLock } from '../probe/lock-file.js';
import { openLedger } from '../reconcile/ledger.js';
import { version } from '../version.js';
import { oneEnvironment } from './environments.js';
import { type CliIO, EXIT, wantsColor } from './io.js';
import { planFlags, type ReconcileFlags, settingsFromFlags } from './options.js';
import { connectTarget } from './target.js';

/** Flags of `connector-sync daemon`. */
export interface DaemonFlags extends ReconcileFlags {
  host: string;
  port: number;
  allowHost?: string[];
  schedule?: string;
  readOnly?: boolean;
  debounce: number;
  controlTokenFile?: string;
  logLevel: LogLevel;
  logPretty?: boolean;
  shutdownTimeout: number;
}

/**
 * Runs `connector-sync daemon` until the CLI's signal aborts (SIGTERM/SIGINT; a second one exits at
 * once in main.ts), then shuts down cleanly. SIGHUP triggers a reconcile. Returns the exit code.
 */
export async function runDaemonCommand(
  paths: string[],
  flags: DaemonFlags,
  io: CliIO,
  signals: SignalSource,
): Promise<number> {
  const settingsInput = {
    cwd: io.cwd,
    env: io.env,
    flags: { ...settingsFromFlags(flags), schedule: flags.schedule, read_only: flags.readOnly },
    ...(flags.settings ? { file: flags.settings } : {}),
  };
  // one environment per daemon: it reconciles one workspace
  const loadChosen = async () => oneEnvironment(await loadSettings(settingsInput), flags.env, io.env);
  const settings = await loadChosen();
  // every mistake in flags and settings is reported before anything connects
  parseSchedule(settings.schedule, scheduleSource(settings));
  const controlToken = await readControlToken(flags.controlTokenFile, io.env, io.cwd);
  const logger = await createLogger({
    level: flags.logLevel,
    pretty: flags.logPretty === true,
    colorize: wantsColor(io),
    sink: io.stdout,
  });
  const desiredPaths = paths.length > 0 ? paths : settings.paths;
  const target = await connectTarget(io, settings, {
    emulator: flags.emulator === true,
    apiUrlFlag: flags.apiUrl,
    concurrency: settings.concurrency,
  });
  try {
    logger.info(
      { version: version(), api: target.displayUrl, paths: desiredPaths, stateDir: target.stateDir },
      'connector-sync daemon starting',
    );
    const daemon = await startDaemon({
      paths: desiredPaths.map((path) => resolve(io.cwd, path)),
      // watched even while absent: creating it (say with `suspend: true`) takes effect at once
      watchFiles: [settings.file ?? resolve(io.cwd, flags.settings ?? DEFAULT_SETTINGS_FILE)],
      api: target.api,
      apiId: target.id,
      apiDisplayUrl: target.displayUrl,
      openLedger: () => openLedger(target.stateDir, target.id, target.apiKey),
      loadToolLock: () => readToolLock(io.cwd),
      loadDesired: (current) =>
        loadDesiredState(desiredPaths, {
          resolve: true,
          cwd: io.cwd,
          env: io.env,
          policy: current.policy,
          vars: varsFor(current),
        }),
      loadSettings: loadChosen,
      settings,
      flags: planFlags(flags),
      host: flags.host,
      port: flags.port,
      allowHosts: flags.allowHost ?? [],
      debounceMs: flags.debounce,
      controlToken,
      logger,
      toolVersion: version(),
      notify: { env: io.env, cwd: io.cwd },
      knownSecrets: [target.apiKey.reveal()],
    });
    const stopHangup = onSignal(signals, 'SIGHUP', () => {
      logger.info('SIGHUP: reconciling');
      daemon.trigger('signal');
    });
    await aborted(io.signal);
    stopHangup();
    logger.info(
      { reason: reasonOf(io.signal), timeoutSeconds: flags.shutdownTimeout },
      'shutting down: no new reconcile, waiting for the one in flight (a second signal exits at once)',
    );
    const { finished } = await daemon.stop({ timeoutMs: flags.shutdownTimeout * 1000 });
    if (!finished) {
      logger.error(
        { timeoutSeconds: flags.shutdownTimeout },
        'the reconcile in flight did not finish in time',
      );
      return EXIT.error;
    }
    logger.info('stopped');
    return EXIT.ok;
  } catch (error) {
    if (isConnectorSyncError(error)) logStartFailure(logger, error);
    throw error;
  } finally {
    await target.close();
  }
}

function logStartFailure(logger: Logger, error: { code: string; message: string }): void {
  logger.fatal({ err: { code: error.code, message: error.message } }, 'daemon stopped by an error');
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function reasonOf(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
}
