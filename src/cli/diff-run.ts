import { randomBytes } from 'node:crypto';
import { resolveEnvironmentKey } from '../api/credentials.js';
import { loadDesiredState } from '../config/load.js';
import { loadSettings, type Settings, settingsForEnvironment, varsFor } from '../config/settings.js';
import { asInternalError, ConnectorSyncError, isConnectorSyncError, UsageError } from '../errors.js';
import {
  compareEnvironments,
  type EnvironmentSide,
  isEquivalent,
} from '../reconcile/compare-environments.js';
import { describeInvalidList, invalidInScope } from '../reconcile/invalid-remote.js';
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
    const environments = names.map((name) => ({ name, ...settingsForEnvironment(settings, name) }));
    // both keys are found before either workspace is asked anything
    if (!flags.offline && !flags.emulator)
      for (const { name, settings: chosen } of environments)
        if (chosen.environment) resolveEnvironmentKey(name, chosen.environment.apiKey, io.env);
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
  if (a === '' || b === '')
    throw new UsageError(
      'diff compares two environments, and one of the names given is blank',
      'name two environments of the settings file: --env staging --env prod',
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
  return { ...side, remote: await listWorkspace(environment, flags.emulator === true, io) };
}

async function listWorkspace(environment: OpenedEnvironment, emulator: boolean, io: CliIO) {
  // the environment's own key (api_key_env / api_key_file), or its own embedded workspace
  const target = await connectTarget(io, environment.settings, { emulator, concurrency: 4 });
  try {
    const listing = await target.api.listConnectors({ signal: io.signal });
    // a listing that misses a connector would show a difference that is not there
    if (!listing.complete)
      throw new ConnectorSyncError(
        'LISTING_INCOMPLETE',
        `the listing of ${environment.name} (${target.displayUrl}) is incomplete (${listing.incompleteReason}): nothing compared`,
        { hint: 'run it again, or compare as declared only with --offline' },
      );
    // a connector the listing could not read would show as missing from this side: a false difference
    const scope = { include: environment.settings.scope, protect: environment.settings.protect };
    const invalid = invalidInScope(listing.invalid ?? [], scope);
    if (invalid.length > 0)
      throw new ConnectorSyncError(
        'API_BAD_RESPONSE',
        `the workspace of ${environment.name} lists ${describeInvalidList(invalid)}, which breaks its own schema: nothing compared`,
        {
          hint: 'compare again once the API serves it whole, leave it out with protect, or compare as declared with --offline',
        },
      );
    return listing.items;
  } finally {
    await target.close();
  }
}
