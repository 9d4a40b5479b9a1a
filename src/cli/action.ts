/**
 * The GitHub Action's entry (action.yml runs `connector-sync action`). Its inputs arrive as
 * INPUT_* variables and are read here rather than by the shell: bash would expand `--scope team-*`
 * to a file of the repository that happens to match, and empty a `--protect` list the same way.
 * They are split on whitespace with shell-like quotes, and nothing is expanded.
 */
import { appendFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConnectorSyncError, UsageError } from '../errors.js';
import { forTerminal, forWorkflowMessage } from '../render/escape.js';
import { type CliIO, EXIT } from './io.js';

const MODES = ['plan', 'sync'] as const;

/**
 * Words of an input the way a person quotes them in a shell: whitespace (newlines too) separates,
 * '...' keeps everything, "..." keeps everything but `\"` and `\\`, a backslash keeps the next
 * character. No glob, no variable, no command substitution: `team-*` stays `team-*`.
 */
export function splitWords(input: string, name: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < input.length; i++) {
    const char = input[i]!;
    const next = input[i + 1];
    if (quote === "'") {
      if (char === "'") quote = null;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = null;
      else if (char === '\\' && (next === '"' || next === '\\')) word += input[++i];
      else word += char;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      inWord = true;
      if (char === "'" || char === '"') quote = char;
      else if (char === '\\' && next !== undefined) word += input[++i];
      else word += char;
    }
  }
  if (quote !== null)
    throw new UsageError(
      `the ${name} input has an unclosed ${quote} quote`,
      'close it, or quote the whole word the other way',
    );
  if (inWord) words.push(word);
  return words;
}

/** The `connector-sync` arguments the action's inputs stand for; an unknown mode is an error. */
export function actionArgv(env: Record<string, string | undefined>): string[] {
  const mode = (env.INPUT_MODE ?? '').trim();
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new UsageError(
      `the mode input is ${JSON.stringify(mode)}: it must be plan (dry-run, changes nothing) or sync (applies)`,
      'set `mode: plan` on pull requests and `mode: sync` on merge; nothing was run',
    );
  }
  const args = splitWords(env.INPUT_ARGS ?? '', 'args');
  const paths = splitWords(env.INPUT_PATHS ?? '', 'paths');
  return ['sync', '--detailed-exitcode', ...(mode === 'plan' ? ['--dry-run'] : []), ...args, ...paths];
}

/**
 * Runs the action: checks the inputs before anything runs (exit 1), shows the command line it
 * runs, runs it, and sets the `changes` output from the detailed exit code (2: changes, a success).
 */
export async function runAction(io: CliIO): Promise<number> {
  let argv: string[];
  try {
    argv = actionArgv(io.env);
  } catch (error) {
    if (!(error instanceof ConnectorSyncError)) throw error;
    io.stderr.write(`::error title=connector-sync::${forWorkflowMessage(error.message)}\n`);
    io.stderr.write(`error: ${forTerminal(error.message)}\nhint: ${error.hint ?? ''}\n`);
    return EXIT.error;
  }
  io.stderr.write(`Running: connector-sync ${argv.map(shellWord).join(' ')}\n`);
  const { runCli } = await import('./main.js');
  const code = await runCli(argv, io);
  const output = io.env.GITHUB_OUTPUT;
  if (output) await appendFile(resolve(io.cwd, output), `changes=${code === EXIT.changes}\n`);
  return code === EXIT.changes ? EXIT.ok : code;
}

/** A word as a person would type it back into a shell (quoted when it needs to be). */
function shellWord(word: string): string {
  const shown = forTerminal(word);
  return /^[\w@%+=:,./-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}
