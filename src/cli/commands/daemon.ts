import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../main.js';

/** Registers `connector-sync daemon`. (Placeholder until its issue lands: refuses with a clear message.) */
export function registerDaemon(program: Command, _ctx: CliContext): Command {
  return program
    .command('daemon')
    .description('not available yet')
    .action(() => {
      throw new UsageError('connector-sync daemon is not available in this build yet');
    });
}
