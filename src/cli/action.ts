/**
 * The GitHub Action's entry (action.yml's bundle runs `connector-sync action`). Its inputs arrive
 * as INPUT_* variables, GitHub's way (`api-key` is INPUT_API-KEY), and are read here rather than by
 * a shell: bash would expand `--scope team-*` to a file of the repository that happens to match,
 * and empty a `--protect` list the same way. They are split on whitespace with shell-like quotes,
 * and nothing is expanded. An input left unset sets nothing: .connector-sync.yaml stays in charge.
 */
import { appendFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConnectorSyncError, UsageError } from '../errors.js';
import type { RunReport } from '../reconcile/run-once.js';
import { forTerminal, forWorkflowMessage } from '../render/escape.js';
import type { PlannedRun } from '../render/pr-comment.js';
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

type Env = Readonly<Record<string, string | undefined>>;

/** An input as the runner passes it: INPUT_ and the name upper-cased, spaces as underscores; blank is unset. */
export function actionInput(env: Env, name: string): string | undefined {
  const value = env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`]?.trim();
  return value === '' ? undefined : value;
}

/** A true/false input (YAML 1.2's spellings, as GitHub's own toolkit reads them), or undefined when unset. */
export function booleanInput(env: Env, name: string): boolean | undefined {
  const value = actionInput(env, name);
  if (value === undefined) return undefined;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new UsageError(
    `the ${name} input is ${JSON.stringify(value)}: it must be true or false`,
    `set \`${name}: true\` or \`${name}: false\`, or leave it out; nothing was run`,
  );
}

// input → the variable connector-sync reads; set only when the input is, so an unset input leaves
// the settings file (.connector-sync.yaml) and the defaults in charge
const INPUT_VARIABLES = [
  ['api-key', 'MISTRAL_API_KEY'],
  ['api-url', 'MISTRAL_API_URL'],
  ['state-dir', 'CONNECTOR_SYNC_STATE_DIR'],
] as const;

/** The environment `sync` runs with: the process's, plus what the inputs that were set stand for. */
export function actionEnv(env: Env): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  for (const [input, variable] of INPUT_VARIABLES) {
    const value = actionInput(env, input);
    if (value !== undefined) out[variable] = value;
  }
  const prune = booleanInput(env, 'prune');
  if (prune !== undefined) out.CONNECTOR_SYNC_PRUNE = String(prune);
  return out;
}

/** The `connector-sync` arguments the action's inputs stand for; an unknown mode is an error. */
export function actionArgv(env: Env): string[] {
  const mode = actionInput(env, 'mode') ?? '';
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new UsageError(
      `the mode input is ${JSON.stringify(mode)}: it must be plan (dry-run, changes nothing) or sync (applies)`,
      'set `mode: plan` on pull requests and `mode: sync` on merge; nothing was run',
    );
  }
  const args = splitWords(actionInput(env, 'args') ?? '', 'args');
  const paths = splitWords(actionInput(env, 'paths') ?? '', 'paths');
  const environments = environmentArgs(actionInput(env, 'env'));
  return [
    'sync',
    '--detailed-exitcode',
    ...(mode === 'plan' ? ['--dry-run'] : []),
    ...environments,
    ...args,
    ...paths,
  ];
}

/**
 * The `env` input as sync's `--env`: one name, a comma-separated list, or `all`. A blank entry (a
 * stray comma, an unset matrix value) is refused: it is never read as "every environment".
 */
export function environmentArgs(input: string | undefined): string[] {
  if (input === undefined) return [];
  const names = input.split(',').map((name) => name.trim());
  if (names.includes(''))
    throw new UsageError(
      `the env input ${JSON.stringify(input)} has a blank entry`,
      'name the environments of the settings file (`env: staging`, `env: staging,prod`) or `env: all`; nothing was run',
    );
  // sync's --env takes one value, a list separated by commas: a second --env would replace the first
  return ['--env', names.join(',')];
}

/**
 * Runs the action: checks the inputs before anything runs (exit 1), shows the command line it
 * runs, runs it, sets the `changes` output from the detailed exit code (2: changes, a success),
 * and with `comment: true` posts the report on the pull request.
 */
export async function runAction(io: CliIO): Promise<number> {
  let argv: string[];
  let env: Record<string, string | undefined>;
  let comment: boolean | undefined;
  try {
    argv = actionArgv(io.env);
    env = actionEnv(io.env);
    comment = booleanInput(io.env, 'comment');
  } catch (error) {
    if (!(error instanceof ConnectorSyncError)) throw error;
    io.stderr.write(`::error title=connector-sync::${forWorkflowMessage(error.message)}\n`);
    io.stderr.write(`error: ${forTerminal(error.message)}\nhint: ${error.hint ?? ''}\n`);
    return EXIT.error;
  }
  io.stderr.write(`Running: connector-sync ${argv.map(shellWord).join(' ')}\n`);
  const { runCli } = await import('./main.js');
  // every report: `env: all` runs one per environment, and the comment shows each
  const seen: PlannedRun[] = [];
  // sync names the environment of each run when several run; a matrix job's one is the env input
  const one = actionInput(io.env, 'env');
  const sole = one !== undefined && !one.includes(',') && one !== 'all' ? one : undefined;
  const onReport = (report: RunReport, apiUrl: string, environment = sole) => {
    seen.push(environment === undefined ? { report, apiUrl } : { report, apiUrl, environment });
  };
  const code = await runCli(argv, { ...io, env, onReport });
  if (comment && seen.length > 0) {
    const { commentOnPullRequest } = await import('../action/pull-request.js');
    const token = actionInput(io.env, 'github-token') ?? io.env.GITHUB_TOKEN;
    await commentOnPullRequest(seen, io.env, token, io.stderr);
  }
  const output = io.env.GITHUB_OUTPUT;
  if (output) await appendFile(resolve(io.cwd, output), `changes=${code === EXIT.changes}\n`);
  return code === EXIT.changes ? EXIT.ok : code;
}

/** A word as a person would type it back into a shell (quoted when it needs to be). */
function shellWord(word: string): string {
  const shown = forTerminal(word);
  return /^[\w@%+=:,./-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}
