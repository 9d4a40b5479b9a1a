import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../main.js';

/** Registers `connector-sync export`. (Placeholder until its issue lands: refuses with a clear message.) */
export function registerExport(program: Command, _ctx: CliContext): Command {
  return program
    .command('export')
    .description('not available yet')
    .action(() => {
      throw new UsageError('connector-sync export is not available in this build yet');
    });
}
