import {
  environmentNames,
  type Settings,
  settingsForEnvironment,
  unknownEnvironment,
} from '../config/settings.js';
import { UsageError } from '../errors.js';
import type { CliIO } from './io.js';

/** The environments a command was asked for, in order; `several` when a list or `all` was given. */
export interface EnvironmentChoice {
  names: string[];
  several: boolean;
}

/**
 * Reads `--env` (else CONNECTOR_SYNC_ENV): one name, names separated by commas, or `all`. Every
 * name must be declared by the settings file; a mistake is a usage error listing them.
 */
export function chooseEnvironments(
  settings: Settings,
  flag: string | undefined,
  env: CliIO['env'],
): EnvironmentChoice | undefined {
  const asked = flag ?? (env.CONNECTOR_SYNC_ENV?.trim() ? env.CONNECTOR_SYNC_ENV : undefined);
  if (asked === undefined) return undefined;
  const declared = environmentNames(settings);
  const entries = asked.split(',').map((name) => name.trim());
  if (entries.includes(''))
    throw new UsageError(
      `--env ${JSON.stringify(asked)} has a blank name; a blank is never read as "all" or "none"`,
      `name environments separated by commas, or all (declared: ${declared.join(', ') || 'none'})`,
    );
  if (entries.length === 1 && entries[0] === 'all') {
    if (declared.length === 0) throw unknownEnvironment('all', declared);
    return { names: declared, several: true };
  }
  for (const name of entries) if (!declared.includes(name)) throw unknownEnvironment(name, declared);
  return { names: [...new Set(entries)], several: entries.length > 1 };
}

/** Settings for a command that works on one workspace: the environment asked for, if any. */
export function oneEnvironment(settings: Settings, flag: string | undefined, env: CliIO['env']): Settings {
  const choice = chooseEnvironments(settings, flag, env);
  if (choice === undefined) return settings;
  if (choice.several || choice.names.length !== 1)
    throw new UsageError(
      `--env ${flag ?? env.CONNECTOR_SYNC_ENV}: this command works on one environment at a time`,
      `name one of: ${environmentNames(settings).join(', ')}`,
    );
  return settingsForEnvironment(settings, choice.names[0]!).settings;
}
