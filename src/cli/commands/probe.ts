import { type Command, Option } from 'commander';
import { EXIT } from '../io.js';
import type { CliContext } from '../main.js';
import { duration, globs, integer, pathArguments } from '../options.js';

/** The flags of `connector-sync probe`. */
export interface ProbeOptions {
  resolve?: boolean;
  output: 'text' | 'json';
  updateLock?: boolean;
  timeout: string;
  concurrency: number;
  scope?: string[];
  protect?: string[];
  env?: string;
  settings?: string;
}

/** Registers `connector-sync probe [PATH...]`: speaks MCP to each declared server; exit 0 as declared, 1 not, 2 usage. */
export function registerProbe(program: Command, ctx: CliContext): Command {
  return program
    .command('probe')
    .description(
      'connect to each declared connector’s MCP server (initialize, tools/list) and check it against the file and connector-sync.lock.yaml; needs no Mistral API key',
    )
    .argument(
      '[path...]',
      `files or directories, read recursively for *.yaml and *.yml (default: ./connectors, or the paths of --env's environment)`,
      pathArguments,
    )
    .option(
      '--resolve',
      `resolve \${env:...}/\${file:...} references and send the connectors’ headers (never printed)`,
    )
    .option('--update-lock', 'write the tools found to connector-sync.lock.yaml in the working directory')
    .option('--timeout <duration>', 'deadline per server, e.g. 5s, 500ms', duration, '10s')
    .option('--concurrency <n>', 'servers probed at once', integer(1, 64), 8)
    .option('--scope <glob>', 'probe only connectors whose name matches (repeatable)', globs)
    .option('--protect <glob>', 'skip connectors whose name matches (repeatable)', globs)
    .option(
      '--env <name>',
      'environment of the settings file whose `vars` the files use (CONNECTOR_SYNC_ENV)',
    )
    .option('--settings <file>', 'settings file (default: .connector-sync.yaml when present)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (paths: string[], options: ProbeOptions, command: Command) => {
      // the MCP SDK loads here, not at start-up, so `connector-sync --version` stays fast
      const { runProbe } = await import('../probe-run.js');
      const color = command.optsWithGlobals().color !== false;
      const ok = await runProbe(paths, options, ctx.io, color);
      ctx.result.exitCode = ok ? EXIT.ok : EXIT.error;
    });
}
