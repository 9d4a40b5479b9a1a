import { type Command, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../config/duration.js';
import type { SettingsInput } from '../config/settings.js';
import { DELETE_GUARD_MINIMUM, type PlanFlags } from '../reconcile/run-settings.js';

/** Options shared by `sync` and `daemon`: where the API is, what is in scope, what is allowed. */
export interface ReconcileFlags {
  apiUrl?: string;
  emulator?: boolean;
  settings?: string;
  stateDir?: string;
  concurrency?: number;
  timeout?: string;
  prune?: boolean;
  allowEmpty?: boolean;
  allowReplace?: boolean;
  allowBreakingAgents?: boolean;
  forceDeletes?: boolean;
  maxDeletes?: number;
  maxDeletePercent?: number;
  scope?: string[];
  protect?: string[];
  pushSecrets?: string[] | true;
  authReturnUrl?: string;
  /** `--env`: environments of the settings file (CONNECTOR_SYNC_ENV otherwise). */
  env?: string;
}

/** Adds the reconcile options to a command. */
export function addReconcileOptions(command: Command): Command {
  return command
    .option(
      '--api-url <url>',
      'base URL of the Connectors API (default: MISTRAL_API_URL, else https://api.mistral.ai)',
    )
    .option(
      '--emulator',
      'run against the embedded local emulator (state in .connector-sync/ here) instead of the API',
    )
    .option('--settings <file>', 'settings file (default: .connector-sync.yaml when present)')
    .option(
      '--env <names>',
      'environment(s) of the settings file: a name, names separated by commas, or all (CONNECTOR_SYNC_ENV)',
    )
    .option('--state-dir <dir>', 'folder outside the repo for secret fingerprints (CONNECTOR_SYNC_STATE_DIR)')
    .option(
      '--concurrency <n>',
      'writes in flight at once (default 16; slowed down by itself on 429)',
      integer(1, 64),
    )
    .option(
      '--timeout <duration>',
      'total time of a run, e.g. 90s, 15m, 1h (default 15m); then it stops with RUN_TIMEOUT',
      duration,
    )
    .option('--prune', 'delete remote connectors in scope that the desired state no longer declares')
    .option('--allow-empty', 'let --prune run with an empty desired state (deletes everything in scope)')
    .option('--allow-replace', 'allow visibility changes that need a delete and a create')
    .option(
      '--allow-breaking-agents',
      'allow deleting, replacing or renaming connectors that agents use (setting: allow_breaking_agents)',
    )
    .option('--force-deletes', 'allow more deletes than --max-deletes / --max-delete-percent')
    .option(
      '--max-deletes <n>',
      'refuse a plan with more deletes than this (default 50)',
      integer(0, 1_000_000),
    )
    .option(
      '--max-delete-percent <p>',
      `refuse deleting more than this % of at least ${DELETE_GUARD_MINIMUM} managed connectors (default 30)`,
      percent,
    )
    .option('--scope <glob>', 'manage only connectors whose name matches (repeatable; default all)', globs)
    .option('--protect <glob>', 'never change or delete connectors whose name matches (repeatable)', globs)
    .addOption(
      new Option(
        '--push-secrets [names]',
        'send headers/auth_data again (all, or a comma-separated list of names)',
      ).argParser(nameList),
    )
    .option('--auth-return-url <url>', 'where the OAuth flow returns (app_return_url of auth links)');
}

/** The settings-file keys the reconcile flags override. */
export function settingsFromFlags(flags: ReconcileFlags): SettingsInput {
  return {
    api_url: flags.apiUrl,
    state_dir: flags.stateDir,
    concurrency: flags.concurrency,
    timeout: flags.timeout,
    prune: flags.prune,
    allow_breaking_agents: flags.allowBreakingAgents,
    max_deletes: flags.maxDeletes,
    max_delete_percent: flags.maxDeletePercent,
    scope: flags.scope,
    protect: flags.protect,
    auth_return_url: flags.authReturnUrl,
  };
}

/** What the reconcile flags allow a run (the rest of a run's settings comes from loadSettings). */
export function planFlags(flags: ReconcileFlags): PlanFlags {
  return {
    allowEmpty: flags.allowEmpty === true,
    allowReplace: flags.allowReplace === true,
    forceDeletes: flags.forceDeletes === true,
    pushSecrets: flags.pushSecrets === true ? ['*'] : (flags.pushSecrets ?? []),
  };
}

/** Parses an integer flag within bounds, or says what is wrong. */
export function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return parsed;
  };
}

/** Parses a duration flag (500ms, 90s, 15m, 1h), or says what is wrong. */
export function duration(value: string): string {
  if (parseDuration(value) === null)
    throw new InvalidArgumentError('expected a duration such as 500ms, 90s, 15m or 1h');
  return value.trim();
}

function percent(value: string): number {
  const parsed = Number(value.replace(/%$/, ''));
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 100)
    throw new InvalidArgumentError('expected a percentage from 0 to 100');
  return parsed;
}

// A blank list value is a mistake (an unset CI variable, a stray comma), never a list: an empty
// scope would mean every name, an empty protect nothing, a blank path the working directory.
function refuseBlank(value: string, what: string): string {
  if (value.trim() === '')
    throw new InvalidArgumentError(`${what} is blank; a blank value is never read as "all" or "none"`);
  return value;
}

/** Collects a repeatable name glob (--scope, --protect); no default, so help shows none. */
export function globs(value: string, previous: string[] = []): string[] {
  // an unclosed [ matches no name at all: a scope that silently manages nothing
  if (/\[(?![^\]]*\])/.test(value))
    throw new InvalidArgumentError(
      `the pattern '${value}' has a [ without its ]: close the set (team-[ab]) or match a literal [ with [[]`,
    );
  return [...previous, refuseBlank(value, 'the pattern')];
}

/** Collects the path arguments of a command. */
export function pathArguments(value: string, previous: string[] = []): string[] {
  return [...previous, refuseBlank(value, 'the path')];
}

/** One folder argument. */
export function folder(value: string): string {
  return refuseBlank(value, 'the folder');
}

/** A comma-separated list of names (--push-secrets a,b): no entry may be blank. */
export function nameList(value: string): string[] {
  const names = value.split(',').map((name) => name.trim());
  if (names.includes('')) refuseBlank('', `an entry of "${value}"`);
  return names;
}
