import type { Command } from 'commander';
import type { CliContext } from '../main.js';

/** Registers `connector-sync action`, the GitHub Action's entry (hidden: action.yml is its only caller). */
export function registerAction(program: Command, ctx: CliContext): Command {
  return program
    .command('action', { hidden: true })
    .description(
      'Runs sync as the GitHub Action: INPUT_MODE (plan or sync), INPUT_ARGS and INPUT_PATHS split like shell words, never globbed.',
    )
    .action(async () => {
      const { runAction } = await import('../action.js');
      ctx.result.exitCode = await runAction(ctx.io);
    });
}
