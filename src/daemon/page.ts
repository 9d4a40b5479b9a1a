import type { ConfigIssue } from '../config/types.js';
import { toolDriftPhrases } from '../render/tool-drift.js';
import { usedByText } from '../render/used-by.js';
import type { ConnectorState, ConnectorView } from './connectors.js';
import type { HeldView, OperationView, ReconcileRecord } from './history.js';
import { html, SafeHtml } from './html.js';
import { PAGE_STYLE } from './page-style.js';
import type { ApiProblem, StatusView } from './status.js';
import { FULL_STATUS_PATH, type PagedStatusView, pagedStatus } from './status-paging.js';
import { DEFAULT_QUERY, queryString, STATE_FILTERS, type StatusQuery } from './status-query.js';

const STATE_CLASS: Record<ConnectorState, string> = {
  'in-sync': 'ok',
  unverified: 'info',
  drift: 'warn',
  failed: 'bad',
  orphan: 'warn',
  untouched: 'muted',
  held: 'warn',
};

/**
 * The status page at `/`: plain HTML and one inline stylesheet, every value escaped. One page of
 * connectors, most urgent first (`all=1`: every connector), so it stays small at 10,000.
 */
export function renderStatusPage(full: StatusView, query: StatusQuery = DEFAULT_QUERY): string {
  const shown = query.all ? { ...DEFAULT_QUERY, perPage: Math.max(1, full.connectors.length) } : query;
  const view = pagedStatus(full, shown, '/');
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>connector-sync: ${view.ready ? 'ready' : 'not ready'}</title>
<style>${unsafeStyle()}</style>
</head>
<body>
<main>
<h1>connector-sync</h1>
<div class="muted">Desired connectors from the repository, kept in sync with <span class="mono">${view.api.url}</span></div>
${facts(view)}
${configAlert(view)}
${view.not_ready.length > 0 ? html`<div class="alert warn" id="not-ready"><b>Not ready</b><ul>${view.not_ready.map((r) => html`<li>${r}</li>`)}</ul></div>` : null}
${heldAlert(view.history[0])}
${toolDriftAlert(view)}
${pendingAuth(view)}
${credentials(view)}
<h2 id="connectors">Connectors <span class="muted">(${view.counts.connectors})</span></h2>
${stateLinks(view, shown)}
${searchForm(view)}
${connectorTable(view.connectors, view.counts.connectors)}
${pager(view)}
<h2 id="reconciles">Recent reconciles</h2>
${view.history.length === 0 ? html`<p class="muted">None yet.</p>` : view.history.map(reconcile)}
<footer class="muted">connector-sync ${view.tool.version} · started <time datetime="${view.started_at}">${when(view.started_at)}</time>
· <a href="/status.json${queryString(query)}">status.json</a> · <a href="${FULL_STATUS_PATH}">full status</a> · <a href="/metrics">metrics</a></footer>
</main>
</body>
</html>
`;
  return page.text;
}

// the stylesheet is a constant of this module, never user data
function unsafeStyle(): SafeHtml {
  return new SafeHtml(PAGE_STYLE);
}

function facts(view: PagedStatusView): SafeHtml {
  const mode =
    view.mode === 'apply'
      ? html`<span class="badge ok">applying</span>`
      : view.mode === 'read-only'
        ? html`<span class="badge info">read-only</span> <span class="muted">plans only</span>`
        : html`<span class="badge warn">suspended</span> <span class="muted">plans only, by ${suspendedBy(view)}</span>`;
  const last = view.history[0];
  return html`<div class="facts">
<div class="fact"><b>Status</b>${view.ready ? html`<span class="badge ok">ready</span>` : html`<span class="badge bad">not ready</span>`}</div>
<div class="fact"><b>Mode</b>${mode}</div>
<div class="fact"><b>API</b>${apiFact(view.api)}</div>
<div class="fact"><b>Last reconcile</b>${last ? html`${phaseBadge(last)} <time datetime="${last.finished_at}">${when(last.finished_at)}</time>` : html`<span class="muted">none yet</span>`}${view.running ? html`<div class="info">running now (${view.running.reasons.join(', ')})</div>` : null}</div>
<div class="fact"><b>Last success</b>${view.last_success_at ? html`<time datetime="${view.last_success_at}">${when(view.last_success_at)}</time>` : html`<span class="muted">none yet</span>`}</div>
<div class="fact" id="notifications"><b>Notifications</b>${notificationsFact(view)}</div>
<div class="fact"><b>Schedule</b>${view.schedule.pattern ? html`<code>${view.schedule.pattern}</code>${view.schedule.next_run_at ? html` <span class="muted">next ${when(view.schedule.next_run_at)}</span>` : null}` : html`<span class="muted">off (files and signals only)</span>`}</div>
</div>`;
}

const API_PROBLEM_LABEL: Record<ApiProblem, string> = {
  unreachable: 'unreachable',
  key_rejected: 'key rejected',
  error: 'answered with an error',
};

/** Whether the API answered, and when it did not: no answer, a rejected key (401/403) or an error, and what to do. */
function apiFact(api: PagedStatusView['api']): SafeHtml {
  if (api.reachable === true) return html`<span class="ok">reachable</span>`;
  if (api.reachable === null) return html`<span class="muted">not contacted yet</span>`;
  const label = API_PROBLEM_LABEL[api.problem ?? 'unreachable'];
  return html`<span class="bad">${label}</span> <span class="muted">${api.last_error}</span>${api.hint ? html`<div class="muted" id="api-hint">${api.hint}</div>` : null}`;
}

function suspendedBy(view: PagedStatusView): string {
  const by = [
    view.suspended.control ? 'POST /suspend' : '',
    view.suspended.setting ? 'the suspend setting' : '',
  ];
  return by.filter(Boolean).join(' and ');
}

function configAlert(view: PagedStatusView): SafeHtml | null {
  const { issues, using_last_good: usingLastGood } = view.config;
  if (issues.length === 0) return null;
  return html`<div class="alert" id="config-error"><b>The desired state is invalid</b> ${usingLastGood ? html`<span class="muted">— ignored: the last good one (${when(view.config.last_good_at)}) is still reconciled; what the invalid change removed is not deleted.</span>` : html`<span class="muted">— nothing is reconciled until it is fixed.</span>`}
<ul>${issues.map(issueItem)}</ul></div>`;
}

function issueItem(issue: ConfigIssue): SafeHtml {
  const { file, line, column } = issue.location;
  const place = line > 0 ? `${file}:${line}:${column}` : file;
  return html`<li><code>${place}</code>: ${issue.message} <span class="muted">[${issue.code}]</span></li>`;
}

function heldAlert(last: ReconcileRecord | undefined): SafeHtml | null {
  if (!last || last.held.length === 0) return null;
  return html`<div class="alert warn" id="held"><b>Held back by the last reconcile</b> <span class="muted">— nothing is written for these until a person resolves them.</span>
<ul>${last.held.map(heldItem)}</ul></div>`;
}

function toolDriftAlert(view: PagedStatusView): SafeHtml | null {
  if (view.tool_drift.length === 0) return null;
  const item = (check: PagedStatusView['tool_drift'][number]) =>
    check.status === 'unchecked'
      ? html`<li><b>${check.name}</b>: not checked (${check.reason ?? ''})</li>`
      : html`<li><b>${check.name}</b>: ${toolDriftPhrases(check, (name) => name).join('; ')}</li>`;
  return html`<div class="alert warn" id="tool-drift"><b>Tools changed since connector-sync.lock.yaml</b> <span class="muted">— as the API lists them after a refresh; review the MCP server, then run <code>connector-sync probe --update-lock</code>.</span>
<ul>${view.tool_drift.map(item)}</ul>${more(view.counts.tool_drift - view.tool_drift.length, 'tool_drift')}</div>`;
}

function heldItem(held: HeldView): SafeHtml {
  const place = held.source ? html` <code>${held.source.file}:${held.source.line}</code>` : null;
  return html`<li>${place} ${held.message} <span class="muted">[${held.code}]</span></li>`;
}

function pendingAuth(view: PagedStatusView): SafeHtml | null {
  if (view.pending_auth.length === 0) return null;
  return html`<h2 id="pending-auth">Waiting for auth <span class="muted">(${view.counts.pending_auth})</span></h2>
<p class="muted">These connectors use OAuth and nobody has completed it yet. Each link fetches a fresh authorization URL.</p>
<ul class="auth">${view.pending_auth.map((entry) => html`<li><a href="${entry.auth_path}" rel="noreferrer">Authenticate ${entry.name}</a></li>`)}</ul>
${more(view.counts.pending_auth - view.pending_auth.length, 'pending_auth')}`;
}

const CREDENTIAL_CLASS: Record<string, string> = {
  valid: 'ok',
  invalid: 'bad',
  error: 'bad',
  unknown: 'muted',
};

function credentials(view: PagedStatusView): SafeHtml | null {
  if (view.credentials.length === 0) return null;
  const rows = view.credentials.map(
    (c) => html`<tr>
<td data-label="Connector"><b>${c.connector}</b></td>
<td data-label="Credential">${c.name} <span class="muted">(${c.scope}, ${c.authentication_type})</span></td>
<td data-label="Status"><span class="badge ${Object.hasOwn(CREDENTIAL_CLASS, c.status) ? CREDENTIAL_CLASS[c.status] : 'warn'}">${c.status}</span></td>
<td data-label="Detail">${c.error_message ?? ''}${c.error_http_code === null ? null : html` <span class="muted">HTTP ${c.error_http_code}</span>`}${c.last_checked_at === null ? null : html` <span class="muted">checked ${when(c.last_checked_at)}</span>`}</td>
</tr>`,
  );
  return html`<h2 id="credentials">Credentials <span class="muted">(${view.counts.credentials})</span></h2>
<table><thead><tr><th>Connector</th><th>Credential</th><th>Status</th><th>Detail</th></tr></thead><tbody>${rows}</tbody></table>
${more(view.counts.credentials - view.credentials.length, null)}`;
}

/** "and N more", linking to the connectors of that kind (or the full status). */
function more(count: number, state: string | null): SafeHtml | null {
  if (count <= 0) return null;
  const href = state === null ? FULL_STATUS_PATH : `/?state=${state}`;
  return html`<p class="muted">and ${count} more: <a href="${href}">see them all</a></p>`;
}

/** The counts by kind, each a link that shows only those connectors (the counts are always complete). */
function stateLinks(view: PagedStatusView, query: StatusQuery): SafeHtml {
  const counts: Record<string, number> = {
    ...view.counts.by_state,
    attention: view.counts.attention,
    pending_auth: view.counts.pending_auth,
    tool_drift: view.counts.tool_drift,
  };
  const link = (state: string, label: string, count: number) =>
    view.page.state === state
      ? html`<b>${label} (${count})</b>`
      : html`<a href="/${queryString({ ...query, state: state === 'all' ? 'everything' : (state as StatusQuery['state']), page: 1 })}">${label} (${count})</a>`;
  const kinds = STATE_FILTERS.filter((state) => (counts[state] ?? 0) > 0 || state === 'attention');
  const search = view.page.q === '' ? null : html` · names containing <code>${view.page.q}</code>`;
  return html`<p class="filters" id="filters">${link('all', 'all', view.counts.connectors)}${kinds.map((state) => html` · ${link(state, state.replace('_', ' '), counts[state] ?? 0)}`)}${search}</p>`;
}

/** Which connectors this page shows, and links to the pages beside it. */
function pager(view: PagedStatusView): SafeHtml {
  const { page, per_page: perPage, matching, pages, next, prev } = view.page;
  const first = matching === 0 ? 0 : Math.min((page - 1) * perPage + 1, matching);
  const last = Math.min(page * perPage, matching);
  return html`<p class="muted" id="pager">${first}–${last} of ${matching}, most urgent first${pages > 1 ? ` · page ${page} of ${pages}` : ''}${prev ? html` · <a rel="prev" href="${prev}">previous</a>` : null}${next ? html` · <a rel="next" href="${next}">next</a>` : null} · <a href="${FULL_STATUS_PATH}">every connector (JSON)</a></p>`;
}

/** A search by name within the state shown (a GET to this page: the form posts nothing). */
function searchForm(view: PagedStatusView): SafeHtml {
  const { state, q, per_page: perPage } = view.page;
  return html`<form method="get" action="/" role="search" id="search"><input type="search" name="q" value="${q}" maxlength="200" aria-label="Connector name contains" placeholder="name contains">${state === 'all' ? null : html`<input type="hidden" name="state" value="${state}">`}${perPage === DEFAULT_QUERY.perPage ? null : html`<input type="hidden" name="per_page" value="${perPage}">`} <button type="submit">Filter</button></form>`;
}

function connectorTable(connectors: ConnectorView[], total: number): SafeHtml {
  if (connectors.length === 0)
    return html`<p class="muted">${total === 0 ? 'No connector seen yet.' : 'No connector matches.'}</p>`;
  const rows = connectors.map(
    (c) => html`<tr>
<td data-label="Name"><b>${c.name}</b>${c.source ? html`<div class="muted mono">${c.source.file}:${c.source.line}</div>` : null}</td>
<td data-label="State"><span class="badge ${STATE_CLASS[c.state]}">${c.state}</span>${c.waiting_for_auth ? html` <a class="badge warn" href="/auth/${encodeURIComponent(c.name)}" rel="noreferrer">waiting for auth</a>` : null}</td>
<td data-label="Detail">${c.detail ?? ''}${c.missing_tools.length > 0 ? html`<div class="bad">missing tools: ${c.missing_tools.join(', ')}</div>` : null}${c.agents.length > 0 ? html`<div class="muted">${usedByText(c.agents)}</div>` : null}</td>
<td data-label="Last change">${c.last_change ? html`<time datetime="${c.last_change}">${when(c.last_change)}</time>` : html`<span class="muted">unknown</span>`}</td>
</tr>`,
  );
  return html`<table><thead><tr><th>Name</th><th>State</th><th>Detail</th><th>Last change</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function reconcile(record: ReconcileRecord): SafeHtml {
  const count = record.operations.length + record.operations_omitted;
  return html`<details>
<summary>${phaseBadge(record)} <time datetime="${record.finished_at}">${when(record.finished_at)}</time> · ${record.reasons.join(', ')} · ${record.mode} · ${count === 0 ? 'no change' : `${count} operation${count === 1 ? '' : 's'}`} · ${record.duration_ms} ms${record.used_last_good ? html` · <span class="warn">last good state</span>` : null}</summary>
${record.error ? html`<p class="bad">${record.error.message}${record.error.hint ? html`<br><span class="muted">${record.error.hint}</span>` : null}</p>` : null}
${record.refusals.map((r) => html`<p class="warn">Refused: ${r.message} <span class="muted">(${r.flag})</span></p>`)}
${record.held.map((h) => html`<p class="warn">Held: ${h.message}</p>`)}
${record.operations.length > 0 ? html`<ul class="ops">${record.operations.map(operation)}</ul>` : null}
${record.operations_omitted > 0 ? html`<p class="muted">and ${record.operations_omitted} more (see <a href="${FULL_STATUS_PATH}">the full status</a>)</p>` : null}
</details>`;
}

function operation(op: OperationView): SafeHtml {
  const statusClass = op.status === 'applied' ? 'ok' : op.status === 'failed' ? 'bad' : 'muted';
  return html`<li><b>${op.kind}</b> ${op.name} <span class="${statusClass}">${op.status}</span>${op.destructive ? html` <span class="badge bad">destructive</span>` : null}
${op.changes.map((c) => html`<div class="mono muted">${c.field}: ${show(c.before)} → ${show(c.after)}</div>`)}
${op.secrets.length > 0 ? html`<div class="muted">pushes ${op.secrets.join(' and ')} (values never shown)</div>` : null}
${op.error ? html`<div class="bad">${op.error}</div>` : null}</li>`;
}

function phaseBadge(record: ReconcileRecord): SafeHtml {
  const warn = record.phase === 'ConfigInvalid' || record.phase === 'PlanRefused' || record.held.length > 0;
  const held = record.held.length > 0 ? `, ${record.held.length} held back` : '';
  return html`<span class="badge ${record.ok ? 'ok' : warn ? 'warn' : 'bad'}">${record.phase}${held}</span>`;
}

function show(value: string | null): string {
  if (value === null) return '(none)';
  const oneLine = value.replace(/\s+/g, ' ').trim();
  return JSON.stringify(oneLine.length > 120 ? `${oneLine.slice(0, 117)}...` : oneLine);
}

function when(iso: string | null): string {
  if (iso === null) return 'never';
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

function notificationsFact(view: PagedStatusView): SafeHtml {
  const { delivered, failed, last_failure: last } = view.notifications;
  return html`${delivered} delivered, ${failed > 0 ? html`<span class="bad">${failed} failed</span>` : '0 failed'}${last ? html`<div class="muted">last failure: webhook ${last.webhook}, ${last.event}, ${last.reason} (${when(last.at)})</div>` : null}`;
}
