import type { RunPhase, RunReport } from '../reconcile/run-once.js';
import type { FieldChange, OperationKind, PlanWarning } from '../reconcile/types.js';
import { isSuccess } from '../render/report-json.js';

/** Why a reconcile ran. Several triggers that arrive during one run are coalesced into the next. */
export type TriggerReason = 'start' | 'schedule' | 'files' | 'signal' | 'control' | 'resume' | 'retry';

/** How a reconcile was allowed to act. */
export type RunMode = 'apply' | 'read-only' | 'suspended';

/** One operation of a reconcile as the status page and /status.json show it (no secret values). */
export interface OperationView {
  kind: OperationKind;
  name: string;
  /** `planned`: not applied (a dry run, suspended, read-only, refused). */
  status: 'planned' | 'applied' | 'failed' | 'skipped';
  changes: FieldChange[];
  /** Write-only fields pushed, by name only. */
  secrets: string[];
  destructive: boolean;
  error: string | null;
}

/** A connector (or name) a reconcile held back until a person resolves it, with every id involved. */
export type HeldView = Pick<PlanWarning, 'code' | 'message' | 'name' | 'ids' | 'source'>;

/** One past reconcile, newest first in the history. */
export interface ReconcileRecord {
  id: number;
  reasons: TriggerReason[];
  mode: RunMode;
  phase: RunPhase;
  /** False when the run failed, or held anything back (the phase alone can say Applied). */
  ok: boolean;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  /** True when the desired state on disk was invalid and the last good one was used instead. */
  used_last_good: boolean;
  desired: number;
  operations: OperationView[];
  /** Operations beyond those kept (a huge plan is summarized, not stored whole). */
  operations_omitted: number;
  refusals: Array<{ message: string; flag: string }>;
  held: HeldView[];
  pending_auth: number;
  error: { code: string; message: string; hint: string | null } | null;
}

/** Operations kept per record: enough for any plan a person reads, bounded for a 10,000-connector one. */
const MAX_OPERATIONS_KEPT = 200;

/** Summarizes a report for the history. */
export function recordOf(
  id: number,
  report: RunReport,
  context: { reasons: TriggerReason[]; mode: RunMode; usedLastGood: boolean },
): ReconcileRecord {
  const results = new Map(report.apply?.results.map((result) => [result.operation, result]) ?? []);
  const operations = (report.plan?.operations ?? [])
    .filter((operation) => !operation.temporary)
    .map((operation): OperationView => {
      const result = results.get(operation);
      return {
        kind: operation.kind,
        name: operation.name,
        status: result?.status ?? 'planned',
        changes: operation.changes,
        secrets: operation.secrets?.fields ?? [],
        destructive: operation.destructive,
        error: result?.cause?.message ?? null,
      };
    });
  return {
    id,
    reasons: context.reasons,
    mode: context.mode,
    phase: report.phase,
    ok: isSuccess(report),
    started_at: report.startedAt,
    finished_at: report.finishedAt,
    duration_ms: Date.parse(report.finishedAt) - Date.parse(report.startedAt),
    used_last_good: context.usedLastGood,
    desired: report.desired.length,
    operations: operations.slice(0, MAX_OPERATIONS_KEPT),
    operations_omitted: Math.max(0, operations.length - MAX_OPERATIONS_KEPT),
    refusals: report.plan?.refusals.map(({ message, flag }) => ({ message, flag })) ?? [],
    held: heldOf(report),
    pending_auth: report.pendingAuth.length,
    error: report.error
      ? { code: report.error.code, message: report.error.message, hint: report.error.hint ?? null }
      : null,
  };
}

/** The plan's held warnings, as the history keeps them. */
export function heldOf(report: RunReport): HeldView[] {
  return (report.plan?.warnings ?? [])
    .filter((warning) => warning.held === true)
    .map(({ code, message, name, ids, source }) => ({
      code,
      message,
      ...(name === undefined ? {} : { name }),
      ...(ids === undefined ? {} : { ids }),
      ...(source === undefined ? {} : { source }),
    }));
}
