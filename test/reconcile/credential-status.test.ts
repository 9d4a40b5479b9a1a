import { describe, expect, it } from 'vitest';
import type { RemoteConnector } from '../../src/api/types.js';
import type { DesiredConnector, LoadResult } from '../../src/config/types.js';
import { DaemonMetrics } from '../../src/daemon/metrics.js';
import { renderStatusPage } from '../../src/daemon/page.js';
import { DaemonStatus } from '../../src/daemon/status.js';
import { type RunReport, type RunSettings, runOnce } from '../../src/reconcile/run-once.js';
import { renderReportMarkdown } from '../../src/render/markdown.js';
import { reportToJson } from '../../src/render/report-json.js';
import { renderReportText } from '../../src/render/report-text.js';
import { makeStyle } from '../../src/render/style.js';
import { FakeApi } from '../support/fake-api.js';
import { desired, planOptions, remoteFor } from '../support/fixtures.js';
import { schemaProblems } from '../support/scenario-schemas.js';

const now = () => new Date('2026-11-26T12:00:00Z');
// a hostile server's message: an escape sequence, a bidi override, Markdown and HTML
const HOSTILE = 'MCP server unreachable \u001b[31m\u202e[x](https://evil.example)<img src=x>';

function withCredentials(connector: DesiredConnector, credentials: unknown[]): RemoteConnector {
  return {
    ...remoteFor(connector),
    is_authenticated: true,
    connection_credentials: credentials,
  } as RemoteConnector;
}

async function report(): Promise<RunReport> {
  const crm = desired('crm');
  const wiki = desired('wiki');
  const api = new FakeApi().seed([
    withCredentials(crm, [
      {
        name: 'main',
        authentication_type: 'oauth2',
        scope: 'user',
        is_default: true,
        status: {
          status_type: 'invalid',
          error_message: 'oauth expired',
          error_http_code: 401,
          last_checked_at: '2026-11-26T11:00:00Z',
        },
      },
      { name: 'spare', authentication_type: 'oauth2', scope: 'org', status: { status_type: 'valid' } },
    ]),
    withCredentials(wiki, [
      {
        name: 'svc',
        authentication_type: 'bearer',
        scope: 'workspace',
        status: { status_type: 'error', error_message: HOSTILE },
      },
      { name: 'later', authentication_type: 'bearer', scope: 'workspace', status: null },
    ]),
  ]);
  const loaded: LoadResult = { ok: true, state: { connectors: [crm, wiki], files: [] }, warnings: [] };
  const { listingComplete: _c, ...plan } = planOptions();
  const settings: RunSettings = {
    dryRun: false,
    plan,
    concurrency: 2,
    authUrls: false,
    pushUnrecorded: false,
  };
  return runOnce({ api, apiUrl: 'http://api.test', now, loadDesired: async () => loaded }, settings);
}

describe('connection credential status in every report', () => {
  it('the run report carries each credential and its status; none reported is unknown', async () => {
    const run = await report();
    expect(run.credentials.map((c) => [c.connector, c.credential, c.status])).toEqual([
      ['crm', 'main', 'invalid'],
      ['crm', 'spare', 'valid'],
      ['wiki', 'svc', 'error'],
      ['wiki', 'later', 'unknown'],
    ]);
    expect(run.credentials[0]).toMatchObject({
      error_message: 'oauth expired',
      error_http_code: 401,
      scope: 'user',
    });
  });

  it('JSON lists them all, valid against the output schema', async () => {
    const json = reportToJson(await report(), {
      apiUrl: 'http://api.test',
      toolVersion: '0',
      command: 'sync',
    });
    expect(json.credentials).toHaveLength(4);
    expect(json.credentials[0]).toMatchObject({ connector: 'crm', name: 'main', status: 'invalid' });
    expect(schemaProblems('sync-output', JSON.parse(JSON.stringify(json)))).toEqual([]);
  });

  it('text and Markdown show the ones needing attention, remote text escaped', async () => {
    const run = await report();
    const text = renderReportText(run, { style: makeStyle(false), apiUrl: 'http://api.test' });
    expect(text).toContain('Credentials needing attention (2):');
    expect(text).toContain(
      '  crm/main (user, oauth2): invalid: oauth expired (HTTP 401, checked 2026-11-26T11:00:00Z)',
    );
    expect(text).not.toContain('crm/spare');
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u202e');
    const markdown = renderReportMarkdown(run, { apiUrl: 'http://api.test' });
    expect(markdown).toContain('### Credentials needing attention');
    expect(markdown).toContain('\\[x\\](https://evil.example)\\<img src=x\\>');
    expect(markdown).not.toMatch(/(?<!\\)<img/);
  });

  it('the daemon shows them on the status page, in status.json and as a gauge by state', async () => {
    const status = new DaemonStatus({ now, apiUrl: 'http://api.test', toolVersion: '0', readOnly: false });
    status.recordRun(await report(), { reasons: ['schedule'], mode: 'apply', usedLastGood: false });
    const view = status.view();
    expect(view.credentials.map((c) => c.status)).toEqual(['invalid', 'valid', 'error', 'unknown']);
    const page = renderStatusPage(view);
    expect(page).toContain('id="credentials"');
    expect(page).toContain('oauth expired');
    expect(page).not.toContain('<img src=x>');
    const metrics = new DaemonMetrics({
      apiStats: () => new FakeApi().stats(),
      gauges: () => status.gauges(),
      processMetrics: false,
    });
    const text = await metrics.render();
    expect(text).toMatch(/^connector_sync_credentials\{state="invalid"\} 1$/m);
    expect(text).toMatch(/^connector_sync_credentials\{state="valid"\} 1$/m);
    expect(text).toMatch(/^connector_sync_credentials\{state="error"\} 1$/m);
    expect(text).toMatch(/^connector_sync_credentials\{state="unknown"\} 1$/m);
    expect(text).toMatch(/^connector_sync_credentials\{state="other"\} 0$/m);
  });
});
