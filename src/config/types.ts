import type { ConsumerScope } from '../api/types.js';
import type { Secret } from '../secret.js';

/** Visibilities a connector file may declare (the API's PublicResourceVisibility). */
export type Visibility = 'private' | 'shared_workspace' | 'shared_org';

/**
 * A place in a desired-state file, 1-based, as editors and GitHub annotations count. Line and
 * column are 0 for a problem with a path as a whole (missing, unreadable, too large, no YAML in it).
 */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** One problem found in the desired state or the settings, with its place. */
export interface ConfigIssue {
  /** Stable machine code, e.g. `yaml-syntax`, `unknown-key`, `duplicate-name`, `missing-env`. */
  code: string;
  severity: 'error' | 'warning';
  /** A sentence a person understands; never contains a secret value. */
  message: string;
  /** The offending key path, e.g. `connectors[2].visibility`, when there is one. */
  key?: string;
  location: SourceLocation;
  /** Other places involved, e.g. the first definition of a duplicate name. */
  related?: SourceLocation[];
}

/** The write-only OAuth client credentials of a connector. */
export interface DesiredAuthData {
  client_id: Secret;
  client_secret: Secret | null;
}

/** One connector-wide header: its value, and whether the API keeps it secret (never shows it). */
export interface DesiredHeader {
  value: Secret;
  is_secret: boolean;
}

/**
 * One non-OAuth credential of a connector in one consumer scope. Its values (a bearer token or
 * headers) are write-only; its name, title and default are compared with what the API lists.
 */
export interface DesiredCredential {
  name: string;
  scope: ConsumerScope;
  title: string | null;
  /** As declared: true, false, or null when the file leaves it to the API's rules. */
  default: boolean | null;
  headers: Record<string, Secret> | null;
  bearer_token: Secret | null;
}

/**
 * One connector as the repository declares it, after validation (and reference resolution, when
 * asked). Absent optional fields are null: the file is the whole truth for the fields it manages.
 */
export interface DesiredConnector {
  name: string;
  description: string;
  server: string;
  /** Defaults to `private`, the API's own default. */
  visibility: Visibility;
  title: string | null;
  icon_url: string | null;
  system_prompt: string | null;
  /** Write-only; values are Secret so they never print. Null when the file declares none. */
  headers: Record<string, Secret> | null;
  /** Write-only. */
  auth_data: DesiredAuthData | null;
  /**
   * Connector-wide headers: the `global_headers:` map with the `headers:` map merged in (every
   * `headers:` entry is secret). Secret values are write-only; null when neither key is declared.
   */
  global_headers: Record<string, DesiredHeader> | null;
  /** OAuth2 authorization server metadata (ExtendedOAuthServerMetadata), as declared. */
  oauth2_server_metadata: Record<string, unknown> | null;
  /** Where the API fetches that metadata; create only (the update has no such field). */
  oauth2_server_metadata_url: string | null;
  /** The consumer scopes where it is active; the list is the whole truth. Null: not managed. */
  active_for: ConsumerScope[] | null;
  /** Its non-OAuth credentials, the whole truth in every consumer scope. Null: not managed. */
  credentials: DesiredCredential[] | null;
  /** The previous name, for a rename in place. */
  renamed_from: string | null;
  /** Tools that must exist after apply. */
  expect_tools: string[];
  /** Bumped in a pull request to push headers/auth_data again on purpose. */
  secret_version: string | null;
  /** Where the connector's document starts. */
  source: SourceLocation;
  /** Where each top-level key of this connector is, for annotations on changed fields. */
  fieldSources: Partial<Record<string, SourceLocation>>;
  /** True when headers/auth_data hold real values (resolved), false when only checked for form. */
  secretsResolved: boolean;
}

/** The whole desired state, in a stable order (files sorted, then document order). */
export interface DesiredState {
  connectors: DesiredConnector[];
  /** Every file that was read, relative to the working directory when possible. */
  files: string[];
}

/** What loading returns: data or every issue at once, never a throw for a user's mistake. */
export type LoadResult =
  | { ok: true; state: DesiredState; warnings: ConfigIssue[] }
  | { ok: false; issues: ConfigIssue[]; warnings: ConfigIssue[]; files?: string[] };
