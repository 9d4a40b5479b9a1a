import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliContext } from '../main.js';
import { addReconcileOptions, pathArguments, type ReconcileFlags } from '../options.js';

/** Flags of `connector-sync sync`. */
export interface SyncFlags extends ReconcileFlags {
  dryRun?: boolean;
  detailedExitcode?: boolean;
  output: 'text' | 'json' | 'markdown';
  planOut?: string;
  plan?: string;
  authUrls?: boolean;
  failOnPendingAuth?: boolean;
  failOnToolDrift?: boolean;
}

/** Registers `connector-sync sync`: plan, and apply unless --dry-run. */
export function registerSync(program: Command, ctx: CliContext): Command {
  const command = program
    .command('sync')
    .summary('plan and apply the desired connectors (--dry-run only plans)')
    .description(
      'Loads the connector files, lists every remote connector, plans create/update/rename/delete, and applies the plan ' +
        'unless --dry-run. Deletes only with --prune. Reports the connectors still waiting for OAuth.',
    )
    .argument(
      '[paths...]',
      'connector files or folders (default: ./connectors, or `paths` in the settings file)',
      pathArguments,
    )
    .option('--dry-run', 'plan and report, change nothing')
    .option(
      '--detailed-exitcode',
      'exit 0 when nothing changes, 2 when changes are pending or applied, 1 on error (usage errors: 64)',
    )
    .addOption(
      new Option('-o, --output <format>', 'text, json or markdown')
        .choices(['text', 'json', 'markdown'])
        .default('text'),
    )
    .option(
      '--plan-out <file>',
      'save the plan as versioned JSON (no secret values) to apply later with --plan',
    )
    .option('--plan <file>', 'apply this saved plan exactly as reviewed; refuses if the remote changed since')
    .option('--auth-urls', 'fetch a fresh OAuth link (and its expiry) for each connector waiting for auth')
    .option('--fail-on-pending-auth', 'exit 1 when a connector still waits for OAuth')
    .option(
      '--fail-on-tool-drift',
      "exit 1 when a connector's tools differ from connector-sync.lock.yaml (a warning otherwise)",
    );
  addReconcileOptions(command);
  return command.action(async (paths: string[], flags: SyncFlags) => {
    const { runSyncCommand } = await import('../sync-run.js');
    ctx.result.exitCode = await runSyncCommand(paths, flags, ctx.io);
  });
}
