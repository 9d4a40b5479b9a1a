import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { folder, globs } from '../options.js';

/** Flags of `connector-sync export`. */
export interface ExportFlags {
  apiUrl?: string;
  emulator?: boolean;
  settings?: string;
  force?: boolean;
  scope?: string[];
  protect?: string[];
  env?: string;
}

/** Registers `connector-sync export`: the remote connectors as connector files, to adopt a workspace. */
export function registerExport(program: Command, ctx: CliContext): Command {
  return program
    .command('export')
    .summary('write the remote connectors as connector files (adopt an existing workspace)')
    .description(
      'Lists every remote connector (except Mistral built-ins and names outside --scope or in --protect) and writes ' +
        'one YAML file per connector into DIR. `validate` accepts them and `sync` then reports no changes. ' +
        'Write-only fields (headers, auth_data) cannot be exported: OAuth connectors get commented-out environment placeholders.',
    )
    .argument('[dir]', 'folder to write into', folder, 'connectors')
    .option(
      '--api-url <url>',
      'base URL of the Connectors API (default: MISTRAL_API_URL, else https://api.mistral.ai)',
    )
    .option('--emulator', 'export from the embedded local emulator (state in .connector-sync/ here)')
    .option('--settings <file>', 'settings file (default: .connector-sync.yaml when present)')
    .option('--env <name>', 'environment of the settings file to work on (CONNECTOR_SYNC_ENV)')
    .option('--scope <glob>', 'export only names that match (repeatable)', globs)
    .option('--protect <glob>', 'skip names that match (repeatable)', globs)
    .option('--force', 'overwrite files that already exist')
    .action(async (dir: string, flags: ExportFlags) => {
      const { runExportCommand } = await import('../export-run.js');
      ctx.result.exitCode = await runExportCommand(dir, flags, ctx.io);
    });
}
