import { Argument, type Command, type Option } from 'commander';
import { type CompletionCommand, completionScript, SHELLS, type Shell } from '../../render/completion.js';
import type { CliContext } from '../main.js';

/** Registers `connector-sync completion SHELL`: a completion script made from the command tree. */
export function registerCompletion(program: Command, ctx: CliContext): Command {
  return program
    .command('completion')
    .summary('print a shell completion script (bash, zsh or fish)')
    .description(
      'Prints a completion script for bash, zsh or fish, made from the commands and flags of this version. ' +
        'bash: `source <(connector-sync completion bash)`; zsh: the same in ~/.zshrc; ' +
        'fish: `connector-sync completion fish > ~/.config/fish/completions/connector-sync.fish`.',
    )
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .action((shell: Shell) => {
      ctx.io.stdout.write(completionScript(shell, program.name(), commandTree(program)));
    });
}

/** The visible commands with their flags (the global ones too), as completion needs them. */
function commandTree(program: Command): CompletionCommand[] {
  const help = program.createHelp();
  const globals = program.options.map(flagOf);
  return help
    .visibleCommands(program)
    .filter((command) => command.name() !== 'help')
    .map((command) => ({
      name: command.name(),
      description: command.summary() || command.description(),
      flags: [...help.visibleOptions(command).map(flagOf), ...globals],
    }));
}

function flagOf(option: Option): CompletionCommand['flags'][number] {
  const flags = [option.short, option.long].filter((flag): flag is string => flag !== undefined);
  return {
    flags,
    description: option.description,
    ...(option.argChoices ? { choices: option.argChoices } : {}),
  };
}
