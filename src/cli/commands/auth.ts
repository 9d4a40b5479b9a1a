import { type Command, Option } from 'commander';
import type { CliContext } from '../main.js';
import { globs } from '../options.js';

/** Flags of `connector-sync auth`. */
export interface AuthFlags {
  apiUrl?: string;
  emulator?: boolean;
  settings?: string;
  urls?: boolean;
  returnUrl?: string;
  output: 'text' | 'json';
  failOnPending?: boolean;
  scope?: string[];
  protect?: string[];
  env?: string;
}

/** Registers `connector-sync auth`: the connectors that still need someone to complete OAuth. */
export function registerAuth(program: Command, ctx: CliContext): Command {
  return program
    .command('auth')
    .summary('list the connectors still waiting for OAuth, with fresh links on request')
    .description(
      'Lists the remote connectors in scope whose OAuth has not been completed (is_authenticated false). ' +
        'With --urls, fetches a fresh authorization link for each, with its expiry. Passing tokens programmatically ' +
        'is not supported by the API: a person opens the link.',
    )
    .argument('[names...]', 'only these connectors (default: every connector in scope)')
    .option('--urls', 'fetch a fresh auth link (and its expiry) for each')
    .option('--return-url <url>', 'where the OAuth flow returns afterwards (app_return_url)')
    .addOption(new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .option('--fail-on-pending', 'exit 1 when any connector still waits for OAuth')
    .option(
      '--api-url <url>',
      'base URL of the Connectors API (default: MISTRAL_API_URL, else https://api.mistral.ai)',
    )
    .option('--emulator', 'use the embedded local emulator (state in .connector-sync/ here)')
    .option('--settings <file>', 'settings file (default: .connector-sync.yaml when present)')
    .option('--env <name>', 'environment of the settings file to work on (CONNECTOR_SYNC_ENV)')
    .option('--scope <glob>', 'only names that match (repeatable)', globs)
    .option('--protect <glob>', 'skip names that match (repeatable)', globs)
    .action(async (names: string[], flags: AuthFlags) => {
      const { runAuthCommand } = await import('../auth-run.js');
      ctx.result.exitCode = await runAuthCommand(names, flags, ctx.io);
    });
}
