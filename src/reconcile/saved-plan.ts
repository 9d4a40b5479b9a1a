import { createHash } from 'node:crypto';
import type { DesiredConnector } from '../config/types.js';
import { ConnectorSyncError } from '../errors.js';
import type { Plan, RemoteRef } from './types.js';

/** The versioned file `--plan-out` writes and `--plan` applies. It holds no secret value. */
export interface SavedPlan {
  format: 'connector-sync-plan';
  version: 1;
  created_at: string;
  tool_version: string;
  api_url: string;
  /** Digest of the desired state's non-secret fields, to refuse a plan made from other files. */
  desired_digest: string;
  plan: Plan;
}

/** Wraps a plan for saving. */
export function savePlan(
  plan: Plan,
  context: { now: Date; toolVersion: string; apiUrl: string; desired: readonly DesiredConnector[] },
): SavedPlan {
  return {
    format: 'connector-sync-plan',
    version: 1,
    created_at: context.now.toISOString(),
    tool_version: context.toolVersion,
    api_url: context.apiUrl,
    desired_digest: desiredDigest(context.desired),
    plan,
  };
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
 * Refuses a saved plan whose basis no longer matches the remote connectors in scope, or whose
 * desired state differs from the files now: it would not be applied "exactly as reviewed".
 */
export function checkSavedPlan(
  saved: SavedPlan,
  current: { basis: RemoteRef[]; desired: readonly DesiredConnector[]; apiUrl: string },
): void {
  if (saved.api_url !== current.apiUrl) {
    throw stale(`the plan was made against ${saved.api_url}, not ${current.apiUrl}`);
  }
  const moved = basisChanges(saved.plan.basis, current.basis);
  if (moved.length > 0) {
    const shown =
      moved.slice(0, 10).join(', ') + (moved.length > 10 ? `, and ${moved.length - 10} more` : '');
    throw stale(`the remote connectors changed since the plan was made: ${shown}`);
  }
  if (saved.desired_digest !== desiredDigest(current.desired)) {
    throw stale('the connector files changed since the plan was made');
  }
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
      ]),
    );
  }
  return hash.digest('hex');
}

function stale(message: string): ConnectorSyncError {
  return new ConnectorSyncError('PLAN_STALE', message, {
    hint: 'make a new plan with `connector-sync sync --dry-run --plan-out FILE` and review it',
  });
}
