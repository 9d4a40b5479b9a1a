import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../main.js';

/** Registers `connector-sync validate`. (Placeholder until its issue lands: refuses with a clear message.) */
export function registerValidate(program: Command, _ctx: CliContext): Command {
  return program
    .command('validate')
    .description('not available yet')
    .action(() => {
      throw new UsageError('connector-sync validate is not available in this build yet');
    });
}
