import type { ConnectorState, ConnectorView } from './connectors.js';
import type { ReconcileRecord } from './history.js';
import type { StatusView } from './status.js';
import { queryString, type StateFilter, type StatusQuery } from './status-query.js';

/** Where the whole status is, one request away from any page. */
export const FULL_STATUS_PATH = '/status.json?all=1';

/** Items of each attention list (auth links, credentials, tool drift, failed results) a page carries. */
const LIST_LIMIT = 100;
/** Operations a page shows for the newest reconcile, and for each older one. */
const NEWEST_OPERATIONS = 50;
const OLDER_OPERATIONS = 3;

/** How urgent each kind of connector is: lower comes first on the page. */
const URGENCY: Record<ConnectorState | 'pending_auth' | 'tool_drift', number> = {
  failed: 0,
  held: 1,
  pending_auth: 2,
  drift: 3,
  tool_drift: 4,
  orphan: 5,
  unverified: 6,
  untouched: 7,
  'in-sync': 8,
};
/** Connectors more urgent than this need a person (`state=attention`). */
const ATTENTION_BELOW = URGENCY.unverified;

/** Complete counts, whatever page is shown. */
export interface StatusCounts {
  connectors: number;
  by_state: Record<ConnectorState, number>;
  attention: number;
  pending_auth: number;
  tool_drift: number;
  credentials: number;
}

/** One page of connectors and where the neighbouring pages are. */
export interface PageInfo {
  state: string;
  q: string;
  page: number;
  per_page: number;
  /** Connectors that match state and q (all pages). */
  matching: number;
  pages: number;
  next: string | null;
  prev: string | null;
  /** The whole status, unpaged. */
  all: string;
}

type TrimmedReport = ReturnType<typeof trimReport>;

/** What `/status.json` serves by default and the page renders: bounded at any number of connectors. */
export type PagedStatusView = Omit<StatusView, 'last_report'> & {
  counts: StatusCounts;
  page: PageInfo;
  last_report: TrimmedReport | null;
};

/**
 * The status for one request: connectors most urgent first, filtered and paged, every other long
 * list capped (the counts stay complete), and the last report as its counts and attention items.
 */
export function pagedStatus(view: StatusView, query: StatusQuery, path: string): PagedStatusView {
  const waiting = new Set(view.pending_auth.map((entry) => entry.name));
  const drifting = new Set(view.tool_drift.map((check) => check.name));
  const urgency = (c: ConnectorView) =>
    Math.min(
      URGENCY[c.state],
      waiting.has(c.name) ? URGENCY.pending_auth : 99,
      drifting.has(c.name) ? URGENCY.tool_drift : 99,
    );
  const needle = query.q.toLowerCase();
  const matching = view.connectors
    .filter((c) => matches(c, query.state, urgency(c), waiting, drifting))
    .filter((c) => needle === '' || c.name.toLowerCase().includes(needle))
    .map((c) => ({ c, rank: urgency(c) }))
    .sort((a, b) => a.rank - b.rank || (a.c.name < b.c.name ? -1 : a.c.name > b.c.name ? 1 : 0))
    .map((entry) => entry.c);
  const pages = Math.max(1, Math.ceil(matching.length / query.perPage));
  const start = (query.page - 1) * query.perPage;
  const link = (page: number) => `${path}${queryString({ ...query, page })}`;
  const byState = countStates(view.connectors);
  return {
    ...view,
    connectors: matching.slice(start, start + query.perPage),
    pending_auth: view.pending_auth.slice(0, LIST_LIMIT),
    credentials: [...view.credentials]
      .sort((a, b) => Number(a.status === 'valid') - Number(b.status === 'valid'))
      .slice(0, LIST_LIMIT),
    tool_drift: view.tool_drift.slice(0, LIST_LIMIT),
    history: view.history.map((record, index) =>
      capOperations(record, index === 0 ? NEWEST_OPERATIONS : OLDER_OPERATIONS),
    ),
    counts: {
      connectors: view.connectors.length,
      by_state: byState,
      attention: view.connectors.filter((c) => urgency(c) < ATTENTION_BELOW).length,
      pending_auth: view.pending_auth.length,
      tool_drift: view.tool_drift.length,
      credentials: view.credentials.length,
    },
    page: {
      state: query.state === 'everything' ? 'all' : query.state,
      q: query.q,
      page: query.page,
      per_page: query.perPage,
      matching: matching.length,
      pages,
      next: query.page < pages ? link(query.page + 1) : null,
      prev: query.page > 1 ? link(Math.min(query.page - 1, pages)) : null,
      all: FULL_STATUS_PATH,
    },
    last_report: view.last_report === null ? null : trimReport(view.last_report),
  };
}

function matches(
  c: ConnectorView,
  state: StateFilter,
  urgency: number,
  waiting: ReadonlySet<string>,
  drifting: ReadonlySet<string>,
): boolean {
  if (state === 'everything') return true;
  if (state === 'attention') return urgency < ATTENTION_BELOW;
  if (state === 'pending_auth') return waiting.has(c.name);
  if (state === 'tool_drift') return drifting.has(c.name);
  return c.state === state;
}

function countStates(connectors: readonly ConnectorView[]): Record<ConnectorState, number> {
  const counts: Record<ConnectorState, number> = {
    failed: 0,
    held: 0,
    drift: 0,
    orphan: 0,
    unverified: 0,
    untouched: 0,
    'in-sync': 0,
  };
  for (const c of connectors) counts[c.state] += 1;
  return counts;
}

function capOperations(record: ReconcileRecord, keep: number): ReconcileRecord {
  if (record.operations.length <= keep) return record;
  return {
    ...record,
    operations: record.operations.slice(0, keep),
    operations_omitted: record.operations_omitted + record.operations.length - keep,
  };
}

/** A refused mass prune names every connector it would delete: the first of them and their total. */
function capNames<T extends { names?: string[] }>(refusal: T): T & { names_total?: number } {
  const names = refusal.names;
  if (names === undefined || names.length <= LIST_LIMIT) return refusal;
  return { ...refusal, names: names.slice(0, LIST_LIMIT), names_total: names.length };
}

/**
 * The last report without its plan and per-connector lists (megabytes at 10,000 connectors): its
 * counts, what failed, what was refused or held, and the link to the full report.
 */
function trimReport(report: NonNullable<StatusView['last_report']>) {
  const {
    plan,
    results,
    pending_auth: _p,
    credentials: _c,
    tools: _t,
    tool_drift: _d,
    issues,
    ...rest
  } = report;
  const failed = results.filter((result) => result.status === 'failed');
  return {
    ...rest,
    issues: issues.slice(0, LIST_LIMIT),
    issues_total: issues.length,
    failed: failed.slice(0, LIST_LIMIT),
    refusals: (plan?.refusals ?? []).slice(0, LIST_LIMIT).map(capNames),
    held: plan?.warnings.filter((warning) => warning.held === true).slice(0, LIST_LIMIT) ?? [],
    full_report: FULL_STATUS_PATH,
  };
}
