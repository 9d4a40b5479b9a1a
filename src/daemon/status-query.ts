import type { ConnectorState } from './connectors.js';

/**
 * Which connectors a status request shows: `attention` (failed, held, waiting for auth, drift, tool
 * drift, orphan), one state, or everything; always most urgent first.
 */
export type StateFilter = 'everything' | 'attention' | ConnectorState | 'pending_auth' | 'tool_drift';

/** What `/` and `/status.json` were asked for, parsed from hostile query text. */
export interface StatusQuery {
  state: StateFilter;
  /** Case-insensitive substring of the connector name; '' matches every name. */
  q: string;
  page: number;
  perPage: number;
  /** `all=1`: the whole status, every connector and the full last report, unpaged. */
  all: boolean;
}

export const DEFAULT_PER_PAGE = 100;
export const MAX_PER_PAGE = 1000;
const MAX_PAGE = 1_000_000;
const MAX_Q = 200;

/** The `state` values a request may ask for (`all` is the default: every connector, attention first). */
export const STATE_FILTERS: readonly StateFilter[] = [
  'attention',
  'failed',
  'held',
  'pending_auth',
  'drift',
  'tool_drift',
  'unverified',
  'orphan',
  'untouched',
  'in-sync',
];

export const DEFAULT_QUERY: StatusQuery = {
  state: 'everything',
  q: '',
  page: 1,
  perPage: DEFAULT_PER_PAGE,
  all: false,
};

const KNOWN = ['state', 'q', 'page', 'per_page', 'all'];

/** Parses the query string of `/` or `/status.json`; a message for a 400 when any part is invalid. */
export function parseStatusQuery(
  params: URLSearchParams,
): { ok: true; query: StatusQuery } | { ok: false; message: string } {
  const fail = (message: string) => ({ ok: false as const, message });
  for (const key of new Set(params.keys())) {
    if (!KNOWN.includes(key))
      return fail(`unknown query parameter ${JSON.stringify(key.slice(0, 40))}: use ${KNOWN.join(', ')}`);
    if (params.getAll(key).length > 1) return fail(`query parameter ${key} is given more than once`);
  }
  const all = params.get('all');
  if (all !== null && all !== '1')
    return fail('all must be 1 (all=1: every connector and the full last report)');
  if (all === '1' && params.size > 1)
    return fail('all=1 shows everything: leave out state, q, page and per_page');
  const state = params.get('state') ?? '';
  if (state !== '' && state !== 'all' && !STATE_FILTERS.includes(state as StateFilter))
    return fail(`state must be one of all, ${STATE_FILTERS.join(', ')}`);
  const q = params.get('q') ?? '';
  if (q.length > MAX_Q) return fail(`q is longer than ${MAX_Q} characters`);
  const page = whole(params.get('page'), 1, MAX_PAGE);
  if (page === null) return fail(`page must be a whole number from 1 to ${MAX_PAGE}`);
  const perPage = whole(params.get('per_page'), DEFAULT_PER_PAGE, MAX_PER_PAGE);
  if (perPage === null) return fail(`per_page must be a whole number from 1 to ${MAX_PER_PAGE}`);
  const filter = state === '' || state === 'all' ? 'everything' : (state as StateFilter);
  return { ok: true, query: { state: filter, q, page, perPage, all: all === '1' } };
}

/** A whole number from 1 to max written in plain digits ('' or absent: the default), else null. */
function whole(text: string | null, fallback: number, max: number): number | null {
  if (text === null || text === '') return fallback;
  if (!/^[1-9][0-9]{0,6}$/.test(text)) return null;
  const value = Number(text);
  return value <= max ? value : null;
}

/** The query string that asks for this query (only what differs from the defaults), with a leading `?`. */
export function queryString(query: StatusQuery): string {
  const params = new URLSearchParams();
  if (query.all) params.set('all', '1');
  if (query.state !== 'everything') params.set('state', query.state);
  if (query.q !== '') params.set('q', query.q);
  if (query.page !== 1) params.set('page', String(query.page));
  if (query.perPage !== DEFAULT_PER_PAGE) params.set('per_page', String(query.perPage));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
