import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../main.js';

/** Registers `connector-sync sync`. (Placeholder until its issue lands: refuses with a clear message.) */
export function registerSync(program: Command, _ctx: CliContext): Command {
  return program
    .command('sync')
    .description('not available yet')
    .action(() => {
      throw new UsageError('connector-sync sync is not available in this build yet');
    });
}
