import type { RemoteConnector } from '../api/types.js';
import { agentRefusals } from './agents.js';
import { describeInvalidList } from './invalid-remote.js';
import type { Plan, PlanOptions, PlanRefusal } from './types.js';

/** What the guards need besides the plan. */
export interface GuardInput {
  desiredCount: number;
  managedCount: number;
  options: PlanOptions;
  /** The listing, to resolve agents' references by name or id. */
  remote?: readonly RemoteConnector[];
}

/**
 * The safety guards. Each refusal names the flag that would allow it; while any stands, nothing is
 * applied. They exist because GitOps tools have deleted what they should not have: everything
 * during a source outage, objects they never created, objects shared with another owner.
 */
export function applyGuards(plan: Plan, input: GuardInput): PlanRefusal[] {
  const { options } = input;
  const refusals: PlanRefusal[] = [];
  const deletes = plan.operations.filter((op) => op.kind === 'delete').map((op) => op.name);
  const replacing = plan.operations.filter((op) => op.kind === 'replace');
  const replaces = replacing.map((op) => op.name);

  if (options.prune && input.desiredCount === 0 && !options.allowEmpty) {
    refusals.push({
      code: 'empty-desired-state',
      message: `the desired state declares no connector, so --prune would delete all ${input.managedCount} managed connectors`,
      flag: '--allow-empty',
    });
  }
  if (deletes.length > 0 && !options.listingComplete) {
    refusals.push({
      code: 'listing-incomplete',
      message: `the remote listing is incomplete (${options.listingIncompleteReason ?? 'unknown reason'}), so deleting is unsafe`,
      // no flag may allow deleting from a partial listing: what was not seen would be pruned
      flag: 'none: run without --prune to apply the rest, or again once the API lists every page',
      names: deletes,
    });
  }
  if (deletes.length > 0 && plan.invalid_remote.length > 0) {
    refusals.push({
      code: 'remote-invalid',
      message: `the remote listing holds connectors that break the API's schema (${describeInvalidList(plan.invalid_remote)}), so deleting is unsafe`,
      // what could not be read might be what a delete assumes is gone
      flag: 'none: run without --prune to apply the rest, or --protect those names until the API serves them whole',
      names: deletes,
    });
  }
  if (deletes.length > 0 && !options.forceDeletes && tooManyDeletes(deletes.length, input)) {
    refusals.push({
      code: 'too-many-deletes',
      message:
        `the plan deletes ${deletes.length} of ${input.managedCount} managed connectors, more than the limit ` +
        `(${options.maxDeletes} connectors, or ${Math.round(options.maxDeleteFraction * 100)}% of at least ${options.deleteGuardMinimum})`,
      flag: '--force-deletes',
      names: deletes,
    });
  }
  if (replaces.length > 0 && !options.allowReplace) {
    refusals.push({
      code: 'replace-needs-flag',
      message: `changing ${replacedWhat(replacing)} of ${replaces.join(', ')} needs a delete and a create (agents using it lose it)`,
      flag: '--allow-replace',
      names: replaces,
    });
  }
  if (options.agents && !options.allowBreakingAgents) {
    refusals.push(...agentRefusals(plan.operations, options.agents, input.remote ?? []));
  }
  return refusals;
}

/** What the replaces change that the API cannot change in place: the visibility, or the create-only metadata URL. */
function replacedWhat(replacing: Plan['operations']): string {
  const url = replacing.some((op) =>
    op.changes.some((change) => change.field === 'oauth2_server_metadata_url'),
  );
  const visibility = replacing.some((op) => op.visibility?.via === 'replace');
  if (url && visibility) return 'the visibility or oauth2_server_metadata_url';
  return url ? 'oauth2_server_metadata_url (taken only when a connector is created)' : 'the visibility';
}

/** octoDNS-style threshold: a count limit, and a share limit once there are enough to judge. */
function tooManyDeletes(count: number, input: GuardInput): boolean {
  const { maxDeletes, maxDeleteFraction, deleteGuardMinimum } = input.options;
  if (count > maxDeletes) return true;
  return input.managedCount >= deleteGuardMinimum && count / input.managedCount > maxDeleteFraction;
}
