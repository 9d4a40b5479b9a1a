import type { Settings } from '../config/settings.js';
import type { RunSettings } from './run-once.js';

/**
 * The delete guard's percentage applies only from this many managed connectors: below it, one
 * delete of three would already be "33%", and --max-deletes alone guards a small workspace.
 */
export const DELETE_GUARD_MINIMUM = 10;

/** What a person allows per run on the command line (the daemon: for its whole life). */
export interface PlanFlags {
  allowEmpty: boolean;
  allowReplace: boolean;
  forceDeletes: boolean;
  /** --push-secrets: these connectors' write-only values are sent again ("*" for all). */
  pushSecrets: string[];
}

/** What differs between `sync` and the daemon: how the run is driven, not what it may do. */
export interface RunContext {
  dryRun: boolean;
  authUrls: boolean;
  pushUnrecorded: boolean;
  signal?: AbortSignal;
  savedPlan?: RunSettings['savedPlan'];
  onPlan?: RunSettings['onPlan'];
  onResult?: RunSettings['onResult'];
}

/**
 * The one place settings (file, environment, flags, already merged by loadSettings) and the
 * per-run flags become the settings of a run, so `sync` and the daemon plan under the same rules.
 */
export function buildRunSettings(settings: Settings, flags: PlanFlags, context: RunContext): RunSettings {
  return {
    dryRun: context.dryRun,
    plan: {
      prune: settings.prune,
      allowEmpty: flags.allowEmpty,
      allowReplace: flags.allowReplace,
      allowBreakingAgents: settings.allowBreakingAgents,
      forceDeletes: flags.forceDeletes,
      maxDeletes: settings.maxDeletes,
      maxDeleteFraction: settings.maxDeletePercent / 100,
      deleteGuardMinimum: DELETE_GUARD_MINIMUM,
      scope: settings.scope,
      protect: settings.protect,
      pushSecrets: flags.pushSecrets,
    },
    concurrency: settings.concurrency,
    timeoutMs: settings.timeoutMs,
    authUrls: context.authUrls,
    ...(settings.authReturnUrl ? { authReturnUrl: settings.authReturnUrl } : {}),
    pushUnrecorded: context.pushUnrecorded,
    ...(context.savedPlan ? { savedPlan: context.savedPlan } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
    ...(context.onPlan ? { onPlan: context.onPlan } : {}),
    ...(context.onResult ? { onResult: context.onResult } : {}),
  };
}
