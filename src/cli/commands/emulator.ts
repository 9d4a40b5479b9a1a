import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../main.js';

/** Registers `connector-sync emulator`. (Placeholder until its issue lands: refuses with a clear message.) */
export function registerEmulator(program: Command, _ctx: CliContext): Command {
  return program
    .command('emulator')
    .description('not available yet')
    .action(() => {
      throw new UsageError('connector-sync emulator is not available in this build yet');
    });
}
