/**
 * One error taxonomy for the whole tool. Every error a user can see is a ConnectorSyncError with a
 * stable `code` (like undici's UND_ERR_*), a message a person can act on, and an optional `hint`
 * naming the flag or setting that would change the outcome. `src/cli` maps them to exit codes;
 * anything else that reaches the top is a bug and is reported as one.
 */

/** Stable codes; scripts and tests may rely on them. */
export type ErrorCode =
  | 'USAGE' // wrong flags or arguments
  | 'CONFIG_INVALID' // the desired state has errors (details in `issues`)
  | 'CONFIG_REFERENCE' // a ${env:...} or ${file:...} reference could not be resolved
  | 'SETTINGS_INVALID' // the settings file or environment settings are wrong
  | 'NO_API_KEY' // no key and no --emulator
  | 'API_UNAUTHORIZED' // 401/403
  | 'API_NOT_FOUND' // 404
  | 'API_CONFLICT' // 409 or a name already taken
  | 'API_VALIDATION' // 422
  | 'API_RATE_LIMITED' // 429 after retries
  | 'API_SERVER' // 5xx after retries
  | 'API_HTTP' // any other unexpected status
  | 'API_NETWORK' // connection refused/reset, DNS
  | 'API_TIMEOUT' // connect/header/body timeout
  | 'API_BAD_RESPONSE' // a body that is not what the API documents
  | 'LISTING_INCOMPLETE' // paging could not prove it saw every item
  | 'PLAN_REFUSED' // a safety guard refused the plan (prune threshold, empty desired state...)
  | 'PLAN_STALE' // a saved plan no longer matches the remote state
  | 'PLAN_FILE_INVALID' // a saved plan file that cannot be read
  | 'PLAN_OTHER_ENVIRONMENT' // a saved plan made for another environment of the settings file
  | 'APPLY_FAILED' // one or more operations failed
  | 'ABORTED' // cancelled by a signal
  | 'RUN_TIMEOUT' // the run's time budget (--timeout) ran out
  | 'GITHUB_API' // the GitHub REST API refused or could not be reached (the action's plan comment)
  | 'KEY_SCOPE_HIDES_PRIVATE' // the API key's connector access scope hides the private connectors it creates
  | 'LOCK_INVALID' // connector-sync.lock.yaml cannot be read or parsed
  | 'INTERNAL'; // a bug in connector-sync

export interface ErrorOptions {
  /** What the user can do about it, typically the flag that would allow it. */
  hint?: string;
  /** True when trying the same thing again later could succeed. */
  retryable?: boolean;
  /** True when a write may have been applied although it failed (a create to look up before any retry). */
  outcomeUnknown?: boolean;
  cause?: unknown;
}

/** Base class of every error connector-sync reports to a person. */
export class ConnectorSyncError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly retryable: boolean;
  /** The write may have been applied: the applier looks before it repeats it (never a blind retry). */
  readonly outcomeUnknown: boolean;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorSyncError';
    this.code = code;
    this.hint = options.hint;
    this.retryable = options.retryable ?? false;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }
}

/** A usage mistake (bad flag value, conflicting flags): exit code 2. */
export class UsageError extends ConnectorSyncError {
  constructor(message: string, hint?: string) {
    super('USAGE', message, hint === undefined ? {} : { hint });
    this.name = 'UsageError';
  }
}

/** True for errors we raised on purpose, as opposed to bugs. */
export function isConnectorSyncError(error: unknown): error is ConnectorSyncError {
  return error instanceof ConnectorSyncError;
}

/** Wraps anything unexpected as an INTERNAL error that says it is a bug. */
export function asInternalError(error: unknown): ConnectorSyncError {
  const detail = error instanceof Error ? error.message : String(error);
  return new ConnectorSyncError('INTERNAL', `internal error (this is a bug in connector-sync): ${detail}`, {
    cause: error,
    hint: 'please report it with the command you ran; run with CONNECTOR_SYNC_DEBUG=1 for a stack trace',
  });
}
