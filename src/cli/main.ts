import { Command, CommanderError, Option } from 'commander';
import { asInternalError, type ConnectorSyncError, isConnectorSyncError } from '../errors.js';
import { forTerminal } from '../render/escape.js';
import { version } from '../version.js';
import { registerAction } from './commands/action.js';
import { registerAuth } from './commands/auth.js';
import { registerCompletion } from './commands/completion.js';
import { registerDaemon } from './commands/daemon.js';
import { registerDiff } from './commands/diff.js';
import { registerEmulator } from './commands/emulator.js';
import { registerExport } from './commands/export.js';
import { registerProbe } from './commands/probe.js';
import { registerSync } from './commands/sync.js';
import { registerValidate } from './commands/validate.js';
import { type CliIO, EXIT } from './io.js';

/** What a command's action reports back: its exit code. */
export interface CommandResult {
  exitCode: number;
}

/** Shared by every command registration: the io and a slot for the exit code. */
export interface CliContext {
  io: CliIO;
  result: CommandResult;
}

/** Builds the commander program. Command modules import their heavy dependencies lazily in their actions. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('connector-sync')
    .description(
      'GitOps for Mistral AI Connectors: keep the connectors of a workspace exactly as your repository says.',
    )
    .version(version(), '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show help for a command')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
    })
    .exitOverride();
  program.addOption(
    new Option('--no-color', 'disable colour (NO_COLOR, FORCE_COLOR and TERM=dumb are honoured too)'),
  );
  // every command's styling asks wantsColor(io), which sees the flag here
  program.hook('preAction', (_program, command) => {
    if (command.optsWithGlobals().color === false) ctx.io = { ...ctx.io, noColor: true };
  });
  for (const register of [
    registerValidate,
    registerSync,
    registerDiff,
    registerAuth,
    registerExport,
    registerProbe,
    registerEmulator,
    registerDaemon,
    registerCompletion,
    registerAction,
  ]) {
    const command = register(program, ctx);
    command.exitOverride().configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
    });
    command.showHelpAfterError('(run with --help for usage)');
  }
  return program;
}

/** Runs the CLI and returns the exit code; never throws, never calls process.exit. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const ctx: CliContext = { io, result: { exitCode: EXIT.ok } };
  const detailed = argv.includes('--detailed-exitcode');
  try {
    await buildProgram(ctx).parseAsync(argv, { from: 'user' });
    return ctx.result.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version "errors" are how commander says it printed and is done
      if (error.exitCode === 0) return EXIT.ok;
      return detailed ? EXIT.usageDetailed : EXIT.usage;
    }
    const known = isConnectorSyncError(error) ? error : asInternalError(error);
    reportError(known, io);
    if (known.code === 'USAGE') return detailed ? EXIT.usageDetailed : EXIT.usage;
    return EXIT.error;
  }
}

/** Prints an error for a person: the message, the hint; a stack only for bugs and only on request. */
export function reportError(error: ConnectorSyncError, io: CliIO): void {
  // messages quote names, files and API answers: shown, never obeyed, by the terminal
  io.stderr.write(`error: ${forTerminal(error.message)}\n`);
  if (error.hint) io.stderr.write(`hint: ${forTerminal(error.hint)}\n`);
  if (error.code === 'INTERNAL' && io.env.CONNECTOR_SYNC_DEBUG && error.cause instanceof Error) {
    io.stderr.write(`${error.cause.stack ?? ''}\n`);
  }
}

/** Process entry point used by bin/connector-sync.js. */
export async function main(argv: string[]): Promise<void> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (name: NodeJS.Signals) => {
    signals += 1;
    // a second signal means "now": the user has already waited once
    if (signals > 1) process.exit(130);
    controller.abort(new Error(`received ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const io: CliIO = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  };
  const code = await runCli(argv, io);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.exitCode = code;
}
