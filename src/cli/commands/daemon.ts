import { type Command, InvalidArgumentError, Option } from 'commander';
import { type ConnectorSyncError, UsageError } from '../../errors.js';
import type { DaemonFlags } from '../daemon-run.js';
import type { CliContext } from '../main.js';
import { addReconcileOptions, integer, pathArguments } from '../options.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Registers `connector-sync daemon`: reconcile at start, on a schedule and on file changes; serve status. */
export function registerDaemon(program: Command, ctx: CliContext): Command {
  const command = program
    .command('daemon')
    .summary(
      'keep reconciling: at start, on a schedule and on file changes; serve health, metrics and status',
    )
    .description(
      'Reconciles at start, on a cron schedule (with jitter) and whenever the connector files change ' +
        '(editors, git-sync, a mounted ConfigMap), one run at a time. An invalid change is reported and ' +
        'ignored: the last good desired state stays. Serves /healthz, /readyz, /metrics, /status.json and a ' +
        'status page at /. SIGHUP reconciles now; SIGTERM lets the run in flight finish and exits 0.',
    )
    .argument(
      '[paths...]',
      'connector files or folders (default: ./connectors, or `paths` in the settings file)',
      pathArguments,
    )
    .option('--host <address>', 'address the status server listens on (0.0.0.0 in a container)', '127.0.0.1')
    .option('--port <n>', 'port of the status server (0 picks a free one)', integer(0, 65535), 8080)
    .option(
      '--allow-host <name>',
      'a Host name the status server answers besides its address (repeatable; on 0.0.0.0 limits it to these, IPs and localhost)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--schedule <cron>',
      'periodic reconciles, as cron or "off" (default */5 * * * *; setting: schedule)',
    )
    .option('--read-only', 'only plan and report drift, never write (setting: read_only)')
    .option(
      '--debounce <ms>',
      'wait for this much quiet after a file change before reconciling',
      integer(0, 600_000),
      1000,
    )
    .option(
      '--control-token-file <file>',
      'bearer token for POST /reconcile, /suspend, /resume (or CONNECTOR_SYNC_CONTROL_TOKEN)',
    )
    .addOption(
      new Option('--log-level <level>', 'least severe level logged').choices(LOG_LEVELS).default('info'),
    )
    .option('--log-pretty', 'human-readable logs for a terminal instead of JSON lines')
    .option(
      '--shutdown-timeout <seconds>',
      'on SIGTERM, wait this long for the reconcile in flight',
      seconds,
      30,
    );
  addReconcileOptions(command);
  return command.action(async (paths: string[], flags: DaemonFlags) => {
    if (flags.schedule !== undefined) await refuseBadSchedule(flags.schedule);
    const { runDaemonCommand } = await import('../daemon-run.js');
    ctx.result.exitCode = await runDaemonCommand(paths, flags, ctx.io, process);
  });
}

/** A --schedule that is not cron is a usage error (exit 2), like every other bad flag value. */
async function refuseBadSchedule(value: string): Promise<void> {
  // croner loads here, not at start-up
  const { parseSchedule } = await import('../../daemon/scheduler.js');
  try {
    parseSchedule(value, '--schedule');
  } catch (error) {
    const known = error as ConnectorSyncError;
    throw new UsageError(known.message, known.hint);
  }
}

function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0 || parsed > 3600)
    throw new InvalidArgumentError('expected a number of seconds from 1 to 3600');
  return parsed;
}
