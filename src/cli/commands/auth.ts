import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../main.js';

/** Registers `connector-sync auth`. (Placeholder until its issue lands: refuses with a clear message.) */
export function registerAuth(program: Command, _ctx: CliContext): Command {
  return program
    .command('auth')
    .description('not available yet')
    .action(() => {
      throw new UsageError('connector-sync auth is not available in this build yet');
    });
}
