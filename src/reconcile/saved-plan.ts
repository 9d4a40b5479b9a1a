import { createHash } from 'node:crypto';
import type { DesiredConnector } from '../config/types.js';
import { ConnectorSyncError } from '../errors.js';
import { canonical } from './fingerprint.js';
import { quoted } from './invalid-remote.js';
import type { Operation, Plan, RemoteRef } from './types.js';

/** The versioned file `--plan-out` writes and `--plan` applies. It holds no secret value. */
export interface SavedPlan {
  format: 'connector-sync-plan';
  version: 1;
  created_at: string;
  tool_version: string;
  api_url: string;
  /** Digest of the desired state's non-secret fields, to refuse a plan made from other files. */
  desired_digest: string;
  /** The same digest per connector file, to name the files that changed (absent in older plans). */
  file_digests?: Record<string, string>;
  /** The paths the plan was made from, as given; `--plan` alone loads these. */
  paths?: string[];
  /** The settings file the plan was made with, if any; `--plan` alone reads it again. */
  settings_file?: string;
  /** The environment of the settings file the plan was made for (`--env`), if any. */
  environment?: string;
  plan: Plan;
}

/** Where a plan was made from: the paths and settings file `--plan` uses when none are given. */
export interface PlanSources {
  paths: string[];
  settingsFile?: string | undefined;
}

/** Wraps a plan for saving. */
export function savePlan(
  plan: Plan,
  context: {
    now: Date;
    toolVersion: string;
    apiUrl: string;
    desired: readonly DesiredConnector[];
    sources?: PlanSources;
    environment?: string;
  },
): SavedPlan {
  const sources = context.sources;
  return {
    format: 'connector-sync-plan',
    version: 1,
    created_at: context.now.toISOString(),
    tool_version: context.toolVersion,
    api_url: context.apiUrl,
    desired_digest: desiredDigest(context.desired),
    file_digests: fileDigests(context.desired),
    ...(sources ? { paths: sources.paths } : {}),
    ...(sources?.settingsFile ? { settings_file: sources.settingsFile } : {}),
    ...(context.environment ? { environment: context.environment } : {}),
    plan,
  };
}

/**
 * Refuses a saved plan made for another environment, or for none when one is given (and the
 * reverse), before anything connects: each environment is its own workspace, and two may share
 * an API URL, so the URL check alone would not tell them apart.
 */
export function checkPlanEnvironment(saved: SavedPlan, file: string, environment: string | undefined): void {
  const made: unknown = saved.environment;
  const madeFor = typeof made === 'string' ? made : undefined;
  if (madeFor === environment) return;
  const wanted = madeFor === undefined ? 'no environment' : `environment ${quoted(madeFor, 40)}`;
  const given = environment === undefined ? 'no --env' : `--env ${environment}`;
  throw new ConnectorSyncError(
    'PLAN_OTHER_ENVIRONMENT',
    `${file} was made for ${wanted}, and this run has ${given}: a plan applies only to the workspace it was made for. Nothing was sent.`,
    {
      hint:
        madeFor === undefined
          ? 'run without --env (and without CONNECTOR_SYNC_ENV), or make a plan for this environment'
          : `apply it with --env ${madeFor}, or make a plan for this environment with --dry-run --plan-out`,
    },
  );
}

/** The paths and settings file a saved plan recorded, when they are well-formed. */
export function savedPlanSources(saved: SavedPlan): PlanSources | undefined {
  const paths: unknown = saved.paths;
  if (!Array.isArray(paths) || paths.length === 0 || !paths.every((path) => typeof path === 'string'))
    return undefined;
  const settingsFile: unknown = saved.settings_file;
  return { paths, ...(typeof settingsFile === 'string' ? { settingsFile } : {}) };
}

/** Parses a saved plan file; anything else is a PLAN_FILE_INVALID error naming the file. */
export function parseSavedPlan(text: string, file: string): SavedPlan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConnectorSyncError('PLAN_FILE_INVALID', `${file} is not a plan file: it is not JSON`);
  }
  const saved = value as Partial<SavedPlan> | null;
  if (saved?.format !== 'connector-sync-plan') {
    throw new ConnectorSyncError('PLAN_FILE_INVALID', `${file} is not a connector-sync plan file`, {
      hint: 'make one with `connector-sync sync --dry-run --plan-out FILE`',
    });
  }
  if (saved.version !== 1) {
    throw new ConnectorSyncError(
      'PLAN_FILE_INVALID',
      `${file} is a version ${String(saved.version)} plan; this connector-sync reads version 1`,
    );
  }
  const plan = saved.plan as Partial<Plan> | undefined;
  if (
    !plan ||
    !Array.isArray(plan.operations) ||
    !Array.isArray(plan.basis) ||
    !Array.isArray(plan.refusals)
  ) {
    throw new ConnectorSyncError(
      'PLAN_FILE_INVALID',
      `${file} is damaged: its plan has no operations or basis`,
    );
  }
  return saved as SavedPlan;
}

/**
 * Refuses a saved plan unless it is the plan this run would make. A plan file is only a request:
 * every operation is re-derived from the current files, remote connectors, scope, protect and
 * guards (`fresh`), and the file must hold exactly those operations. First a plan made against
 * another API, another remote state or other files is stale (PLAN_STALE); then any operation the
 * file holds that does not follow (a delete added by hand, a forged id or field, a delete turned
 * into a replace) or lacks (it was made with other flags) is refused (PLAN_REFUSED). The run then
 * applies `fresh`, never the file's operations.
 */
export function checkSavedPlan(
  saved: SavedPlan,
  current: { fresh: Plan; desired: readonly DesiredConnector[]; apiUrl: string },
): void {
  if (saved.api_url !== current.apiUrl) {
    throw stale(`the plan was made against ${saved.api_url}, not ${current.apiUrl}`);
  }
  const moved = basisChanges(saved.plan.basis, current.fresh.basis);
  if (moved.length > 0)
    throw stale(`the remote connectors changed since the plan was made: ${listed(moved)}`);
  if (saved.desired_digest !== desiredDigest(current.desired)) {
    const files = isRecord(saved.file_digests) ? fileChanges(saved.file_digests, current.desired) : [];
    throw stale(
      `the connector files changed since the plan was made${files.length > 0 ? `: ${listed(files)}` : ''}`,
    );
  }
  const { unfounded, missing } = operationMismatch(saved.plan.operations, current.fresh.operations);
  if (unfounded.length > 0) {
    throw refused(
      `the plan file holds operations that do not follow from the connector files, the remote connectors and the options of this run: ${listed(unfounded)}`,
    );
  }
  if (missing.length > 0) {
    throw refused(
      `the connector files, the remote connectors and the options of this run call for operations the plan file does not hold (was it made with other flags?): ${listed(missing)}`,
    );
  }
}

/**
 * The saved operations no current one matches, and the current ones no saved one matches,
 * compared whole (kind, ids, fields, flags) except where in the files they were declared.
 */
function operationMismatch(
  saved: readonly unknown[],
  fresh: readonly Operation[],
): { unfounded: string[]; missing: string[] } {
  const pending = new Map<string, number>();
  for (const op of fresh) pending.set(operationKey(op), (pending.get(operationKey(op)) ?? 0) + 1);
  const unfounded: string[] = [];
  for (const op of saved) {
    const key = operationKey(op);
    const left = pending.get(key) ?? 0;
    if (left > 0) pending.set(key, left - 1);
    else unfounded.push(describeOperation(op));
  }
  const missing = fresh.filter((op) => {
    const key = operationKey(op);
    const left = pending.get(key) ?? 0;
    if (left > 0) pending.set(key, left - 1);
    return left > 0;
  });
  return { unfounded, missing: missing.map(describeOperation) };
}

/** An operation as canonical JSON (keys sorted), its source location left out: it only says where it was declared. */
function operationKey(op: unknown): string {
  const plain: unknown = JSON.parse(JSON.stringify(op ?? null));
  if (isRecord(plain)) plain.source = null;
  return canonicalJson(plain);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `delete "legacy" (id "6f1e...")`, from a file anyone may have edited: quoted and inert. */
function describeOperation(op: unknown): string {
  if (!isRecord(op)) return 'an unreadable operation';
  const kind = typeof op.kind === 'string' ? quoted(op.kind, 20).slice(1, -1) : 'an operation';
  const name = typeof op.name === 'string' ? ` ${quoted(op.name)}` : '';
  const remote =
    isRecord(op.remote) && typeof op.remote.id === 'string' ? ` (id ${quoted(op.remote.id)})` : '';
  return `${kind}${name}${remote}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function listed(items: readonly string[]): string {
  return items.slice(0, 10).join(', ') + (items.length > 10 ? `, and ${items.length - 10} more` : '');
}

/** What moved between two bases, in words: "alpha (modified)", "beta (new)", "gamma (deleted)". */
export function basisChanges(before: readonly RemoteRef[], after: readonly RemoteRef[]): string[] {
  const then = new Map(before.map((ref) => [ref.id, ref]));
  const now = new Map(after.map((ref) => [ref.id, ref]));
  const changes: string[] = [];
  for (const ref of after) {
    const old = then.get(ref.id);
    if (!old) changes.push(`${ref.name} (new)`);
    else if (old.name !== ref.name) changes.push(`${old.name} (renamed to ${ref.name})`);
    else if (old.modified_at !== ref.modified_at) changes.push(`${ref.name} (modified)`);
  }
  for (const ref of before) if (!now.has(ref.id)) changes.push(`${ref.name} (deleted)`);
  return changes;
}

/** `desiredDigest` of each connector file's connectors, by the file's name as displayed. */
function fileDigests(desired: readonly DesiredConnector[]): Record<string, string> {
  const byFile = new Map<string, DesiredConnector[]>();
  for (const d of desired) byFile.set(d.source.file, [...(byFile.get(d.source.file) ?? []), d]);
  return Object.fromEntries([...byFile].map(([file, connectors]) => [file, desiredDigest(connectors)]));
}

/** The files whose connectors differ from the saved digests: "a.yaml (changed)", "b.yaml (new)". */
function fileChanges(saved: Record<string, unknown>, desired: readonly DesiredConnector[]): string[] {
  const now = fileDigests(desired);
  const changes: string[] = [];
  for (const [file, digest] of Object.entries(now)) {
    if (!Object.hasOwn(saved, file)) changes.push(`${quotedFile(file)} (new)`);
    else if (saved[file] !== digest) changes.push(`${quotedFile(file)} (changed)`);
  }
  for (const file of Object.keys(saved))
    if (!Object.hasOwn(now, file)) changes.push(`${quotedFile(file)} (gone)`);
  return changes;
}

/** A file name from a plan file anyone may have edited: shown inert, quoted only when odd. */
function quotedFile(file: string): string {
  return /^[\w./@+-]+$/.test(file) ? file : quoted(file);
}

/** A digest of everything in the desired state except secret values. */
export function desiredDigest(desired: readonly DesiredConnector[]): string {
  const hash = createHash('sha256');
  for (const d of desired) {
    hash.update(
      JSON.stringify([
        d.name,
        d.description,
        d.server,
        d.visibility,
        d.title,
        d.icon_url,
        d.system_prompt,
        d.renamed_from,
        d.secret_version,
        d.headers ? Object.keys(d.headers).sort() : null,
        d.auth_data ? ['client_id', d.auth_data.client_secret ? 'client_secret' : null] : null,
        d.global_headers
          ? Object.entries(d.global_headers).map(([name, header]) => [name, header.is_secret])
          : null,
        d.oauth2_server_metadata ? canonical(d.oauth2_server_metadata) : null,
        d.oauth2_server_metadata_url,
        d.active_for,
        d.credentials?.map((c) => [
          c.scope,
          c.name,
          c.title,
          c.default,
          c.bearer_token === null ? null : 'bearer_token',
          c.headers ? Object.keys(c.headers).sort() : null,
        ]) ?? null,
      ]),
    );
  }
  return hash.digest('hex');
}

function refused(message: string): ConnectorSyncError {
  return new ConnectorSyncError('PLAN_REFUSED', message, {
    hint: 'apply a plan with the flags it was made with, or make a new one with `connector-sync sync --dry-run --plan-out FILE` and review it',
  });
}

function stale(message: string): ConnectorSyncError {
  return new ConnectorSyncError('PLAN_STALE', message, {
    hint: 'make a new plan with `connector-sync sync --dry-run --plan-out FILE` and review it',
  });
}
