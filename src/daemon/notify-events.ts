import type { ConfigIssue } from '../config/types.js';
import type { RunReport } from '../reconcile/run-once.js';

/** The events a webhook may ask for (settings `notify[].events`). */
export const NOTIFY_EVENTS = [
  'failure',
  'recovered',
  'drift',
  'pending_auth',
  'tool_change',
  'config_invalid',
] as const;
export type NotifyEventKind = (typeof NOTIFY_EVENTS)[number];

/** One message to send: what happened, in a sentence and a few lines of detail (remote text, unescaped). */
export interface NotifyEvent {
  kind: NotifyEventKind;
  summary: string;
  details: string[];
}

/**
 * What the daemon last told the world, reduced to what a change of is worth a message. Each part
 * is a key: the same key twice in a row is the same situation, however many reconciles saw it.
 */
export interface NotifyState {
  /** The failing run's error code, or null when the last conclusive run did not fail. */
  failing: string | null;
  /** The invalid desired state's issues (code and place), or null when it loaded. */
  configInvalid: string | null;
  /** The operations a read-only or suspended run would make, or null when none. */
  drift: string | null;
  pendingAuth: string[];
  /** Connectors whose tools differ from the lock, with what differs. */
  toolChange: string | null;
}

export const QUIET_STATE: NotifyState = {
  failing: null,
  configInvalid: null,
  drift: null,
  pendingAuth: [],
  toolChange: null,
};

const FAILED_PHASES: ReadonlySet<string> = new Set(['ListFailed', 'TimedOut', 'Failed', 'ApplyFailed']);

/**
 * The state after a run, and the events its difference from the previous one calls for. An
 * interrupted run (a shutdown) proves nothing and changes nothing. Pure: no clock, no I/O.
 */
export function notifyTransition(
  previous: NotifyState,
  report: RunReport,
  invalid: readonly ConfigIssue[] | null,
): { state: NotifyState; events: NotifyEvent[] } {
  if (report.phase === 'Interrupted') return { state: previous, events: [] };
  const state = stateOf(previous, report, invalid);
  const events: NotifyEvent[] = [];
  if (state.failing !== null && previous.failing === null) events.push(failureEvent(report));
  if (state.failing === null && previous.failing !== null)
    events.push({
      kind: 'recovered',
      summary: `reconcile ${report.phase} again after a failure`,
      details: [],
    });
  if (state.configInvalid !== null && state.configInvalid !== previous.configInvalid)
    events.push({
      kind: 'config_invalid',
      summary: `the desired state is invalid (${invalid?.length ?? 0} issue${invalid?.length === 1 ? '' : 's'}): its changes are not applied until it is fixed`,
      details: (invalid ?? [])
        .slice(0, 10)
        .map((i) => `${i.location.file}:${i.location.line}:${i.location.column} ${i.code}: ${i.message}`),
    });
  if (state.drift !== null && state.drift !== previous.drift)
    events.push({
      kind: 'drift',
      summary: 'the workspace differs from the repository (read-only or suspended: nothing was written)',
      details: state.drift.split('\n'),
    });
  const newlyPending = state.pendingAuth.filter((name) => !previous.pendingAuth.includes(name));
  if (newlyPending.length > 0)
    events.push({
      kind: 'pending_auth',
      summary: `${newlyPending.length} connector${newlyPending.length === 1 ? '' : 's'} wait for someone to authenticate`,
      details: newlyPending,
    });
  if (state.toolChange !== null && state.toolChange !== previous.toolChange)
    events.push({
      kind: 'tool_change',
      summary: 'tools differ from connector-sync.lock.yaml',
      details: state.toolChange.split('\n'),
    });
  return { state, events };
}

function stateOf(
  previous: NotifyState,
  report: RunReport,
  invalid: readonly ConfigIssue[] | null,
): NotifyState {
  const configInvalid =
    invalid !== null && invalid.length > 0
      ? invalid.map((i) => `${i.code}@${i.location.file}:${i.location.line}:${i.location.column}`).join('\n')
      : null;
  // an invalid file says nothing about the API: the failure (or its absence) carries over
  const failing =
    report.phase === 'ConfigInvalid'
      ? previous.failing
      : FAILED_PHASES.has(report.phase)
        ? (report.error?.code ?? report.phase)
        : null;
  const operations = report.dryRun
    ? (report.plan?.operations ?? [])
        .filter((op) => !op.temporary)
        .map((op) => `${op.kind} ${op.name}`)
        .sort()
    : [];
  const drifted = report.toolDrift
    .filter((check) => check.status === 'drift')
    .map((check) => `${check.name}: ${describeToolDrift(check)}`)
    .sort();
  return {
    failing,
    configInvalid,
    drift:
      report.phase === 'ConfigInvalid'
        ? previous.drift
        : operations.length > 0
          ? operations.join('\n')
          : null,
    pendingAuth: report.pendingAuth.map((entry) => entry.name).sort(),
    toolChange: drifted.length > 0 ? drifted.join('\n') : null,
  };
}

function describeToolDrift(check: RunReport['toolDrift'][number]): string {
  const parts = [
    check.added.length > 0 ? `added ${check.added.join(', ')}` : '',
    check.removed.length > 0 ? `removed ${check.removed.join(', ')}` : '',
    check.changed.length > 0 ? `changed ${check.changed.map((c) => c.name).join(', ')}` : '',
  ];
  return parts.filter(Boolean).join('; ') || 'changed';
}

function failureEvent(report: RunReport): NotifyEvent {
  const failed = report.apply?.results.filter((r) => r.status === 'failed') ?? [];
  return {
    kind: 'failure',
    summary: `reconcile ${report.phase}${report.error ? `: ${report.error.code}` : ''}`,
    details: [
      ...(report.error ? [report.error.message] : []),
      ...failed
        .slice(0, 10)
        .map((r) => `${r.operation.kind} ${r.operation.name}: ${r.cause?.message ?? 'failed'}`),
    ],
  };
}
