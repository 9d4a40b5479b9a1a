import type { ConsumerScope, InvalidRemoteItem, RemoteVisibility } from '../api/types.js';
import type { SourceLocation, Visibility } from '../config/types.js';
import type { ConnectorSyncError } from '../errors.js';

/** The fields connector-sync manages and compares; the file is the whole truth for them. */
export const MANAGED_FIELDS = ['description', 'server', 'icon_url', 'system_prompt', 'title'] as const;
export type ManagedField = (typeof MANAGED_FIELDS)[number];

/**
 * Fields whose values the API does not (always) return, so they are verified by a fingerprint of
 * the last push: secret header values, OAuth client credentials, and the OAuth metadata when the
 * API does not show it. `oauth2_server_metadata_url` is taken only by a create.
 */
export const WRITE_ONLY_FIELDS = [
  'headers',
  'global_headers',
  'auth_data',
  'oauth2_server_metadata',
  'oauth2_server_metadata_url',
  'active_for',
  'credentials',
] as const;
export type WriteOnlyField = (typeof WRITE_ONLY_FIELDS)[number];

/**
 * The groups of values a fingerprint covers, each sent whole by one request: `headers` is the one
 * connector-wide header map (`headers:` and `global_headers:` together).
 */
export type SecretGroup =
  | 'headers'
  | 'auth_data'
  | 'oauth2_server_metadata'
  | 'oauth2_server_metadata_url'
  | 'active_for'
  | CredentialGroup;

/** One credential's values, by scope and name: each is sent by a request of its own. */
export type CredentialGroup = `credential:${ConsumerScope}/${string}`;

/**
 * A credential write: `put` creates or updates it (POST .../{scope}/credentials), `delete` removes
 * it (only with --prune). `changes` says what differs: `created`, `title`, `default`, `values`.
 */
export interface CredentialStep {
  action: 'put' | 'delete';
  scope: ConsumerScope;
  name: string;
  changes: Array<'created' | 'title' | 'default' | 'values'>;
}

/** A readable part of an auth method that differs: one header, or one key of the OAuth metadata. */
export type AuthField = `global_headers.${string}` | `oauth2_server_metadata.${string}`;

/** One field that changes, before and after (normalized values, never secrets). */
export interface FieldChange {
  field: ManagedField | 'name' | AuthField | 'oauth2_server_metadata_url';
  before: string | null;
  after: string | null;
}

/**
 * Why write-only values are pushed in this operation. `auth-method` : a readable part of the
 * connector's auth method changed, and the API takes a method's values together.
 */
export type SecretPushReason =
  | 'create'
  | 'requested'
  | 'secret-version'
  | 'fingerprint'
  | 'replace'
  | 'auth-method';

/** The remote connector an operation was planned against; used to detect a stale plan. */
export interface RemoteRef {
  id: string;
  name: string;
  modified_at: string;
}

/**
 * Operation kinds. The applier runs renames, creates and updates together, ordered only where they
 * share a name, then replaces, then deletes last (apply.ts).
 */
export type OperationKind = 'rename' | 'create' | 'update' | 'replace' | 'delete';

/** One planned write. A rename may carry field changes too (one PATCH). */
export interface Operation {
  kind: OperationKind;
  /** The connector's desired name (for delete: the remote name). */
  name: string;
  remote: RemoteRef | null;
  changes: FieldChange[];
  /** Write-only fields pushed by this operation, and why. Values never appear in a plan. */
  secrets: { fields: WriteOnlyField[]; reason: SecretPushReason } | null;
  /** The visibility a create sets, or how a changed visibility is reached. */
  visibility: {
    from: RemoteVisibility | null;
    to: Visibility;
    via: 'create' | 'share' | 'unshare' | 'replace';
  } | null;
  /**
   * The activate and deactivate calls this operation makes (`active_for`), after the connector's
   * own write. Absent or null: none.
   */
  activation?: { activate: ConsumerScope[]; deactivate: ConsumerScope[] } | null;
  /** Credential writes after the connector's own write, promotions first, deletes last. */
  credentials?: CredentialStep[];
  /** For renames: the name it had. */
  renamed_from: string | null;
  /** A rename to a temporary name that breaks a cycle of renames (a swap); undone later in the plan. */
  temporary: boolean;
  /** Delete and replace lose the connector's id: agents that referenced it lose it. */
  destructive: boolean;
  source: SourceLocation | null;
}

/** A warning the plan carries (does not stop the rest of it). */
export interface PlanWarning {
  code: string;
  message: string;
  name?: string;
  source?: SourceLocation;
  /** The remote connectors concerned, when more than one could be meant. */
  ids?: string[];
  /**
   * Connectors held back: ambiguous, so nothing is written for them, and the run fails (exit 1)
   * until a person resolves it. The rest of the plan is applied.
   */
  held?: boolean;
}

/** A safety guard that refused the plan: nothing is applied while any refusal stands. */
export interface PlanRefusal {
  code:
    | 'empty-desired-state'
    | 'listing-incomplete'
    | 'remote-invalid'
    | 'too-many-deletes'
    | 'replace-needs-flag'
    | 'breaks-agents'
    | 'agents-unreadable';
  message: string;
  /** The flag that would allow it, e.g. `--allow-empty`; "none: ..." where no flag may. */
  flag: string;
  names?: string[];
}

/** A managed connector whose write-only fields could not be verified. */
export interface UnverifiedSecrets {
  name: string;
  fields: WriteOnlyField[];
}

/** The plan: a value, saved and applied later exactly as reviewed. */
export interface Plan {
  operations: Operation[];
  /** Names that are in sync (for managed fields; see `unverified`). */
  in_sync: string[];
  /** In sync except for write-only fields that cannot be seen. */
  unverified: UnverifiedSecrets[];
  /** Remote connectors in scope that the desired state does not declare (deleted only with prune). */
  orphans: string[];
  warnings: PlanWarning[];
  refusals: PlanRefusal[];
  /** Every in-scope remote connector the plan was made from, to refuse a stale saved plan. */
  basis: RemoteRef[];
  /** Listed connectors in scope that break the API's schema: nothing was planned from them. */
  invalid_remote: InvalidRemoteItem[];
  /** The agents that use the connectors, when the run read them. */
  agents?: PlanAgents;
}

/** The agents that use the plan's connectors ("used by 3 agents: support-bot, triage (alias prod, v4)"). */
export interface PlanAgents {
  /** False when the agents could not all be read (then deletes, replaces and renames are refused). */
  read: boolean;
  reason?: string;
  /** Connectors of the basis that some agent uses, by name, with the agents described. */
  used_by: Array<{ name: string; id: string; agents: string[] }>;
}

/** Planning options, from flags and settings. */
export interface PlanOptions {
  prune: boolean;
  allowEmpty: boolean;
  allowReplace: boolean;
  /** Delete guard: refuse more than this many deletes... */
  maxDeletes: number;
  /** ...or more than this share of at least `deleteGuardMinimum` managed connectors. */
  maxDeleteFraction: number;
  deleteGuardMinimum: number;
  forceDeletes: boolean;
  /** Name globs that are managed (default: all). */
  scope: string[];
  /** Name globs never touched. */
  protect: string[];
  /** Push write-only fields of these connectors ("*" for all). */
  pushSecrets: string[];
  /** False when the remote listing could not prove it saw everything. */
  listingComplete: boolean;
  listingIncompleteReason?: string;
  /** Listed items that break the API's schema (see invalid-remote.ts). */
  invalidRemote?: InvalidRemoteItem[];
  /** Delete, replace or rename connectors that agents use, or while the agents cannot be read. */
  allowBreakingAgents?: boolean;
  /** The agents the run read (absent: not read, e.g. a fake API; no agent guard then). */
  agents?: import('../api/agents.js').AgentListing;
  /** Tool names each connector exposes, by connector id, for the connectors agents configure tools of. */
  connectorTools?: ReadonlyMap<string, readonly string[]>;
}

/** What the planner knows of write-only values pushed before (from the state folder), by connector id. */
export interface SecretRecord {
  /**
   * Keyed fingerprint of the values last pushed, per group, each recorded only once a request that
   * carries that group (per the API's spec) was answered 2xx. A missing group is unknown.
   */
  fingerprints: Partial<Record<SecretGroup, string>>;
  secretVersion: string | null;
}

/** The outcome of one operation. */
export interface OperationResult {
  operation: Operation;
  status: 'applied' | 'failed' | 'skipped';
  /** The connector as the API returned it after the operation (absent for deletes and failures). */
  remote?: import('../api/types.js').RemoteConnector;
  /** e.g. "adopted an existing connector of that name", "already deleted". */
  note?: string;
  cause?: ConnectorSyncError;
  /** The value groups a request of this operation carried and the API answered 2xx: only these are recorded. */
  carried?: SecretGroup[];
}
