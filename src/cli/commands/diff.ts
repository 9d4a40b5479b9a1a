import { type Command, Option } from 'commander';
import type { CliContext } from '../main.js';
import { pathArguments } from '../options.js';

/** Flags of `connector-sync diff`. */
export interface DiffFlags {
  env?: string[];
  offline?: boolean;
  emulator?: boolean;
  output: 'text' | 'json' | 'markdown';
  settings?: string;
}

/** Registers `connector-sync diff --env A --env B`: how two environments differ; read-only. */
export function registerDiff(program: Command, ctx: CliContext): Command {
  return program
    .command('diff')
    .summary('show how two environments differ, as declared and as they are (read-only)')
    .description(
      'Compares two environments of the settings file by connector name: their connector files (as declared, ' +
        'vars substituted) and, unless --offline, their workspaces (as they are). Differences that only their vars ' +
        'explain are marked expected. Never writes. Exit 0 when they are equivalent, 1 when they differ, 2 on a ' +
        'usage error or when either side cannot be read (as diff(1)).',
    )
    .argument(
      '[paths...]',
      "connector files or folders for both environments (default: each environment's `paths`)",
      pathArguments,
    )
    .option(
      '--env <names>',
      'an environment of the settings file; give exactly two (--env staging --env prod, or --env staging,prod)',
      collect,
    )
    .option('--offline', 'compare only as declared: no API key, no request')
    .option(
      '--emulator',
      "compare each environment's embedded emulator workspace (.connector-sync/env/NAME/)",
    )
    .addOption(
      new Option('-o, --output <format>', 'text, json or markdown')
        .choices(['text', 'json', 'markdown'])
        .default('text'),
    )
    .option('--settings <file>', 'settings file (default: .connector-sync.yaml when present)')
    .action(async (paths: string[], flags: DiffFlags) => {
      const { runDiffCommand } = await import('../diff-run.js');
      ctx.result.exitCode = await runDiffCommand(paths, flags, ctx.io);
    });
}

// the same spelling as sync's --env (a,b) as well as the flag given twice; a blank is kept for the check
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((name) => name.trim())];
}
