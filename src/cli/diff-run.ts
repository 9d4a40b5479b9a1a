import { randomBytes } from 'node:crypto';
import { loadDesiredState } from '../config/load.js';
import { loadSettings, type Settings, settingsForEnvironment, varsFor } from '../config/settings.js';
import { asInternalError, ConnectorSyncError, isConnectorSyncError, UsageError } from '../errors.js';
import {
  compareEnvironments,
  type EnvironmentSide,
  isEquivalent,
} from '../reconcile/compare-environments.js';
import { renderIssuesText } from '../render/diagnostics.js';
import {
  environmentDiffJson,
  renderEnvironmentDiffMarkdown,
  renderEnvironmentDiffText,
} from '../render/environment-diff.js';
import { makeStyle } from '../render/style.js';
import type { DiffFlags } from './commands/diff.js';
import { type CliIO, EXIT, wantsColor } from './io.js';
import { reportError } from './main.js';
import { connectTarget } from './target.js';

/** One environment of the settings file, as `diff` needs it: its effective settings and its vars. */
export interface OpenedEnvironment {
  name: string;
  settings: Settings;
  vars: Record<string, string>;
  /** The process environment with this environment's key (absent offline: no key is needed). */
  env?: CliIO['env'];
}

/**
 * Runs `connector-sync diff` and returns its exit code, as diff(1) does: 0 equivalent, 1 they
 * differ, 2 trouble (a usage error, an invalid file, a workspace that cannot be read), so a CI
 * step never mistakes "could not compare" for "they differ". Read-only: it only lists.
 */
export async function runDiffCommand(paths: string[], flags: DiffFlags, io: CliIO): Promise<number> {
  try {
    const names = twoEnvironments(flags.env ?? []);
    const settings = await loadSettings({
      cwd: io.cwd,
      env: io.env,
      flags: {},
      ...(flags.settings ? { file: flags.settings } : {}),
    });
    // both names are checked before anything is read; each environment is its own: flags and
    // CONNECTOR_SYNC_* over its block over the file's top level
    const environments = names.map((name) => {
      const opened = { name, ...settingsForEnvironment(settings, name) };
      // both keys are found before either workspace is asked anything
      return flags.offline ? opened : { ...opened, env: environmentKeyEnv(opened, io.env) };
    });
    const sides: EnvironmentSide[] = [];
    for (const environment of environments) {
      const side = await readSide(environment, paths, flags, io);
      if (side === null) return EXIT.usage;
      sides.push(side);
    }
    // a key for this comparison only: the fingerprints mean nothing outside it
    const comparison = compareEnvironments(sides[0]!, sides[1]!, randomBytes(32));
    if (flags.output === 'json')
      io.stdout.write(`${JSON.stringify(environmentDiffJson(comparison), null, 2)}\n`);
    else if (flags.output === 'markdown') io.stdout.write(renderEnvironmentDiffMarkdown(comparison));
    else io.stdout.write(renderEnvironmentDiffText(comparison, makeStyle(wantsColor(io))));
    return isEquivalent(comparison) ? EXIT.ok : EXIT.error;
  } catch (error) {
    reportError(isConnectorSyncError(error) ? error : asInternalError(error), io);
    return EXIT.usage;
  }
}

function twoEnvironments(names: string[]): [string, string] {
  const [a, b] = names;
  if (names.length !== 2 || a === undefined || b === undefined)
    throw new UsageError(
      `diff compares exactly two environments; ${names.length === 0 ? 'none was' : `${names.length} were`} given`,
      'name them: connector-sync diff --env staging --env prod',
    );
  if (a === b || a === 'all' || b === 'all')
    throw new UsageError(
      `diff compares two different environments, not ${a === b ? `${a} with itself` : 'all'}`,
      'name two environments of the settings file: --env staging --env prod',
    );
  return [a, b];
}

/** Reads one side: its files (vars substituted, references as written) and, unless offline, its workspace. */
async function readSide(
  environment: OpenedEnvironment,
  paths: string[],
  flags: DiffFlags,
  io: CliIO,
): Promise<EnvironmentSide | null> {
  const { settings } = environment;
  const loaded = await loadDesiredState(paths.length > 0 ? paths : settings.paths, {
    // secrets are compared as the files declare them: no value is needed, none is read
    resolve: false,
    cwd: io.cwd,
    env: io.env,
    policy: settings.policy,
    vars: varsFor(settings),
  });
  if (!loaded.ok) {
    io.stderr.write(`error: the connector files of ${environment.name} are invalid:\n`);
    io.stderr.write(renderIssuesText(loaded.issues, { color: wantsColor(io, 'stderr') }));
    return null;
  }
  const side: EnvironmentSide = {
    name: environment.name,
    desired: loaded.state.connectors,
    scope: { include: settings.scope, protect: settings.protect },
    vars: environment.vars,
  };
  if (flags.offline) return side;
  return { ...side, remote: await listWorkspace(environment, io) };
}

async function listWorkspace(environment: OpenedEnvironment, io: CliIO) {
  const keyed = { ...io, env: environment.env ?? io.env };
  const target = await connectTarget(keyed, environment.settings, { emulator: false, concurrency: 4 });
  try {
    const listing = await target.api.listConnectors({ signal: io.signal });
    // a listing that misses a connector would show a difference that is not there
    if (!listing.complete)
      throw new ConnectorSyncError(
        'LISTING_INCOMPLETE',
        `the listing of ${environment.name} (${target.displayUrl}) is incomplete (${listing.incompleteReason}): nothing compared`,
        { hint: 'run it again, or compare as declared only with --offline' },
      );
    return listing.items;
  } finally {
    await target.close();
  }
}

/**
 * The process environment with this environment's key in MISTRAL_API_KEY (or MISTRAL_API_KEY_FILE),
 * from the source its block names, and no other key: one environment's key never reaches another's
 * workspace.
 */
export function environmentKeyEnv(
  environment: OpenedEnvironment,
  env: CliIO['env'],
): Record<string, string | undefined> {
  const source = environment.settings.environment?.apiKey;
  if (source === undefined) return env;
  const { MISTRAL_API_KEY: _key, MISTRAL_API_KEY_FILE: _file, ...rest } = env;
  if ('file' in source) return { ...rest, MISTRAL_API_KEY_FILE: source.file };
  const key = env[source.env];
  if (key === undefined || key.trim() === '')
    throw new ConnectorSyncError(
      'NO_API_KEY',
      `no API key for ${environment.name}: ${source.env} is not set (api_key_env of environments.${environment.name})`,
      { hint: `set ${source.env} to that workspace's key, or compare as declared only with --offline` },
    );
  return { ...rest, MISTRAL_API_KEY: key };
}
