import type { ConnectorSyncError } from '../errors.js';
import type { CredentialState, ToolDriftCheck } from '../reconcile/reports.js';
import type { RunReport } from '../reconcile/run-once.js';
import type { Operation, Plan } from '../reconcile/types.js';

/** The version of the JSON document `--output json` prints (schemas/sync-output.schema.json). */
export const REPORT_JSON_VERSION = 1;

/** Counts a program reads first. */
export interface ReportSummary {
  create: number;
  update: number;
  rename: number;
  replace: number;
  delete: number;
  in_sync: number;
  unverified: number;
  orphans: number;
  applied: number;
  failed: number;
  skipped: number;
  pending_auth: number;
  missing_tools: number;
  /** Connectors whose tools differ from connector-sync.lock.yaml. */
  tool_drift: number;
}

/** A run as the stable, versioned JSON document of `--output json`. Holds no secret value. */
export function reportToJson(
  report: RunReport,
  context: { apiUrl: string; toolVersion: string; command: string },
) {
  return {
    version: REPORT_JSON_VERSION,
    tool: { name: 'connector-sync', version: context.toolVersion },
    command: context.command,
    dry_run: report.dryRun,
    phase: report.phase,
    ok: isSuccess(report),
    changes: hasChanges(report.plan),
    started_at: report.startedAt,
    finished_at: report.finishedAt,
    api_url: context.apiUrl,
    desired: { count: report.desired.length },
    remote: report.listing,
    summary: summarize(report),
    issues: [...report.issues, ...report.warnings],
    plan: report.plan,
    results:
      report.apply?.results.map((result) => ({
        kind: result.operation.kind,
        name: result.operation.name,
        status: result.status,
        note: result.note ?? null,
        error: result.cause ? errorJson(result.cause) : null,
      })) ?? [],
    pending_auth: report.pendingAuth.map((entry) => ({
      name: entry.name,
      id: entry.id,
      auth_url: entry.authUrl ?? null,
      expires_at: entry.expiresAt ?? null,
      error: entry.error ?? null,
    })),
    credentials: report.credentials.map(credentialJson),
    tools: report.tools.map((check) => ({ ...check, reason: check.reason ?? null })),
    tool_drift: report.toolDrift.map(toolDriftJson),
    error: report.error ? errorJson(report.error) : null,
  };
}

/** True when the run did what it was asked without any failure, and held nothing back. */
export function isSuccess(report: RunReport): boolean {
  return (report.phase === 'Planned' || report.phase === 'Applied') && heldBack(report.plan) === 0;
}

/** How many plan warnings hold connectors back until a person resolves them. */
export function heldBack(plan: Plan | null): number {
  return plan?.warnings.filter((warning) => warning.held === true).length ?? 0;
}

/** True when the plan has any write to make (or made). */
export function hasChanges(plan: Plan | null): boolean {
  return plan !== null && plan.operations.length > 0;
}

function summarize(report: RunReport): ReportSummary {
  const ops = report.plan?.operations ?? [];
  const count = (kind: Operation['kind']) => ops.filter((op) => op.kind === kind && !op.temporary).length;
  const results = report.apply?.results ?? [];
  const status = (s: string) => results.filter((r) => r.status === s).length;
  return {
    create: count('create'),
    update: count('update'),
    rename: count('rename'),
    replace: count('replace'),
    delete: count('delete'),
    in_sync: report.plan?.in_sync.length ?? 0,
    unverified: report.plan?.unverified.length ?? 0,
    orphans: report.plan?.orphans.length ?? 0,
    applied: status('applied'),
    failed: status('failed'),
    skipped: status('skipped'),
    pending_auth: report.pendingAuth.length,
    missing_tools: report.tools.filter((check) => check.status === 'missing').length,
    tool_drift: report.toolDrift.filter((check) => check.status === 'drift').length,
  };
}

function errorJson(error: ConnectorSyncError) {
  return { code: error.code, message: error.message, hint: error.hint ?? null };
}

/** One connection credential for `--output json` (sync, daemon, auth): the API's words, as they came. */
export function credentialJson(state: CredentialState) {
  return {
    connector: state.connector,
    id: state.id,
    name: state.credential,
    scope: state.scope,
    authentication_type: state.authentication_type,
    is_default: state.is_default,
    status: state.status,
    error_message: state.error_message,
    error_http_code: state.error_http_code,
    last_checked_at: state.last_checked_at,
  };
}

/** One connector's tools against the lock for `--output json` (sync, daemon): tool names as the server sent them. */
export function toolDriftJson(check: ToolDriftCheck) {
  return { ...check, reason: check.reason ?? null };
}
