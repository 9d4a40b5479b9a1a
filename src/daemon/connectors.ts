import type { SourceLocation } from '../config/types.js';
import type { RunReport } from '../reconcile/run-once.js';
import type { Operation } from '../reconcile/types.js';

/**
 * Where a connector stands after the last reconcile that could see the remote state:
 * - in-sync: matches the files (for the fields the API returns)
 * - unverified: in sync, but its headers/auth_data cannot be read back to compare
 * - drift: a change is pending (suspended, read-only, or the plan was refused)
 * - failed: the last write to it failed
 * - orphan: exists remotely in scope, no longer declared (deleted only with prune)
 * - untouched: declared but left alone (protected, outside the scope, a Mistral built-in's name)
 * - held: declared, but nothing is written for it until a person resolves an ambiguity (a name
 *   several remote connectors carry, an interrupted rename that cannot be finished)
 */
export type ConnectorState = 'in-sync' | 'unverified' | 'drift' | 'failed' | 'orphan' | 'untouched' | 'held';

/** One row of the status page. */
export interface ConnectorView {
  name: string;
  state: ConnectorState;
  /** A sentence about the state: what is pending, why it failed. */
  detail: string | null;
  waiting_for_auth: boolean;
  missing_tools: string[];
  /** The agents that use it, as the last plan read them ("triage (alias prod, v4)"). */
  agents: string[];
  /** When the connector last changed remotely (its modified_at), as far as the daemon knows. */
  last_change: string | null;
  source: SourceLocation | null;
}

/**
 * The connector table after a report. A report that never saw the remote state (invalid files,
 * listing failed) leaves the previous table as it was: the daemon knows nothing newer.
 */
export function connectorsAfter(report: RunReport, previous: readonly ConnectorView[]): ConnectorView[] {
  const plan = report.plan;
  if (plan === null) return [...previous];
  const modified = new Map(plan.basis.map((ref) => [ref.name, ref.modified_at]));
  const sources = new Map(report.desired.map((d) => [d.name, d.source]));
  const waiting = new Set(report.pendingAuth.map((entry) => entry.name));
  const missingTools = new Map(report.tools.map((check) => [check.name, check.missing]));
  const usedBy = new Map(plan.agents?.used_by.map((entry) => [entry.name, entry.agents]) ?? []);
  const rows = new Map<string, ConnectorView>();
  const put = (name: string, state: ConnectorState, detail: string | null = null) =>
    rows.set(name, {
      name,
      state,
      detail,
      waiting_for_auth: waiting.has(name),
      missing_tools: missingTools.get(name) ?? [],
      agents: usedBy.get(name) ?? [],
      last_change: modified.get(name) ?? null,
      source: sources.get(name) ?? null,
    });

  for (const name of plan.in_sync) put(name, 'in-sync');
  for (const entry of plan.unverified)
    put(entry.name, 'unverified', `${entry.fields.join(' and ')} cannot be read back from the API`);
  for (const name of plan.orphans) put(name, 'orphan', 'not declared any more; deleted only with prune');
  // declared but left alone (protected, out of scope, a Mistral built-in's name): the warning says why
  for (const warning of plan.warnings) {
    if (warning.name && sources.has(warning.name) && !rows.has(warning.name))
      put(warning.name, warning.held ? 'held' : 'untouched', warning.message);
  }
  const results = new Map(report.apply?.results.map((result) => [result.operation, result]) ?? []);
  for (const operation of plan.operations) {
    if (operation.temporary) continue;
    const result = results.get(operation);
    if (result?.status === 'applied') {
      if (operation.kind === 'delete') rows.delete(operation.name);
      else put(operation.name, 'in-sync');
      const row = rows.get(operation.name);
      if (row) row.last_change = result.remote?.modified_at ?? report.finishedAt;
    } else if (result?.status === 'failed') {
      put(operation.name, 'failed', `${operation.kind} failed: ${result.cause?.message ?? 'unknown cause'}`);
    } else {
      put(operation.name, 'drift', pending(operation));
    }
  }
  return [...rows.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function pending(operation: Operation): string {
  const fields: string[] = operation.changes.map((change) => change.field);
  if (operation.secrets) fields.push(...operation.secrets.fields);
  const what = fields.length > 0 ? ` (${[...new Set(fields)].join(', ')})` : '';
  return `${operation.kind} pending${what}`;
}
