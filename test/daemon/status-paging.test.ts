import { request as httpRequest } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadResult } from '../../src/config/types.js';
import { ControlToken } from '../../src/daemon/control.js';
import type { DaemonMetrics } from '../../src/daemon/metrics.js';
import { type StatusServer, startServer } from '../../src/daemon/server.js';
import { DaemonStatus } from '../../src/daemon/status.js';
import { ConnectorSyncError } from '../../src/errors.js';
import { type RunReport, runOnce } from '../../src/reconcile/run-once.js';
import { Secret } from '../../src/secret.js';
import { FakeApi } from '../support/fake-api.js';
import { desired, planOptions, remoteFor } from '../support/fixtures.js';

/**
 * The status page and /status.json of a daemon with 10,000 connectors: a first apply where 20
 * creates failed and 100 connectors wait for OAuth, kept 20 times in the history. Small by
 * default, most urgent first, complete counts, the whole status one request away.
 */
const now = () => new Date('2026-11-26T12:00:00Z');
const COUNT = 10_000;
const LIMIT = 200 * 1024;
const nameOf = (i: number) => `team-${String(i).padStart(5, '0')}`;
const FAILING = Array.from({ length: 20 }, (_, i) => nameOf(i * 37 + 1));

let server: StatusServer;

beforeAll(async () => {
  const api = new FakeApi();
  const connectors = Array.from({ length: COUNT }, (_, i) =>
    i % 100 === 7
      ? desired(nameOf(i), { auth_data: { client_id: new Secret('id'), client_secret: new Secret('s') } })
      : desired(nameOf(i)),
  );
  for (const name of FAILING)
    api.failures.push({
      method: 'create',
      name,
      error: new ConnectorSyncError('API_VALIDATION', 'bad server'),
    });
  const loaded: LoadResult = {
    ok: true,
    state: { connectors, files: ['connectors/all.yaml'] },
    warnings: [],
  };
  const { listingComplete: _c, ...plan } = planOptions();
  const report = await runOnce(
    { api, apiUrl: 'http://api.test', now, loadDesired: async () => loaded },
    { dryRun: false, plan, concurrency: 4, authUrls: false, pushUnrecorded: true },
  );
  server = await serveStatus(loaded, report, 20);
}, 120_000);

afterAll(async () => {
  await server?.close();
});

/** A status server over the report of one run, recorded `runs` times (the history the page shows). */
async function serveStatus(loaded: LoadResult, report: RunReport, runs: number): Promise<StatusServer> {
  const status = new DaemonStatus({
    now,
    apiUrl: 'http://api.test',
    toolVersion: '0.0.0-test',
    readOnly: false,
  });
  status.recordLoad(loaded, false);
  for (let i = 0; i < runs; i += 1)
    status.recordRun(report, { reasons: ['schedule'], mode: 'apply', usedLastGood: false });
  return startServer(
    {
      status,
      metrics: { contentType: 'text/plain', render: async () => '' } as unknown as DaemonMetrics,
      token: new ControlToken(null),
      control: { reconcile() {}, suspend() {}, resume: () => ({ resumed: true, message: 'ok' }) },
      authUrl: async () => 'https://auth.example.com/authorize',
      logger: pino({ level: 'silent' }),
    },
    { host: '127.0.0.1', port: 0 },
  );
}

function get(
  path: string,
  from: StatusServer = server,
): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${from.url}${path}`, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          type: String(response.headers['content-type']),
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

async function getJson(path: string) {
  const answer = await get(path);
  expect(answer.status, answer.text.slice(0, 300)).toBe(200);
  return JSON.parse(answer.text);
}

describe('daemon status at 10,000 connectors', () => {
  it('keeps / and /status.json under 200 KB by default, with complete counts and the most urgent first', async () => {
    const page = await get('/');
    const json = await get('/status.json');
    console.log(`status page ${page.text.length} bytes, /status.json ${json.text.length} bytes`);
    expect(page.status).toBe(200);
    expect(page.text.length).toBeLessThan(LIMIT);
    expect(json.text.length).toBeLessThan(LIMIT);

    const view = JSON.parse(json.text);
    expect(view.counts).toMatchObject({
      connectors: COUNT,
      by_state: { failed: 20, 'in-sync': COUNT - 20 },
      pending_auth: 100,
      attention: 120,
    });
    expect(view.connectors).toHaveLength(100);
    const first = view.connectors.map((c: { name: string }) => c.name);
    expect(first.slice(0, 20)).toEqual([...FAILING].sort());
    expect(view.connectors[20]).toMatchObject({ name: nameOf(7), waiting_for_auth: true });
    expect(view.page).toMatchObject({ page: 1, per_page: 100, matching: COUNT, pages: 100, prev: null });
    expect(view.page.next).toBe('/status.json?page=2');
    expect(view.page.all).toBe('/status.json?all=1');

    // the last report: its counts and what needs a person, not 10,000 operations
    expect(view.last_report.plan).toBeUndefined();
    expect(view.last_report.summary).toMatchObject({ create: COUNT, failed: 20 });
    expect(view.last_report.failed).toHaveLength(20);
    expect(view.last_report.full_report).toBe('/status.json?all=1');

    expect(page.text).toContain('failed (20)');
    expect(page.text).toContain('href="/?page=2"');
    expect(page.text).toContain('href="/status.json?all=1"');
    const rows = page.text.match(/<tr>\n<td data-label="Name">/g) ?? [];
    expect(rows).toHaveLength(100);
    const table = page.text.slice(page.text.indexOf('id="connectors"'));
    expect(table.indexOf(FAILING[0]!)).toBeLessThan(table.indexOf(nameOf(7)));
  });

  it('keeps the whole status one request away: /status.json?all=1', async () => {
    const view = await getJson('/status.json?all=1');
    expect(view.connectors).toHaveLength(COUNT);
    expect(view.last_report.plan.operations).toHaveLength(COUNT);
    expect(view.page).toBeUndefined();
  });

  it('filters by state and name, and pages through every match exactly once', async () => {
    const failed = await getJson('/status.json?state=failed');
    expect(failed.connectors.map((c: { name: string }) => c.name)).toEqual([...FAILING].sort());
    const waiting = await getJson('/status.json?state=pending_auth&per_page=1000');
    expect(waiting.connectors).toHaveLength(100);
    const named = await getJson('/status.json?q=TEAM-0012');
    expect(named.page.matching).toBe(10);

    const seen: string[] = [];
    let next: string | null = '/status.json?state=attention&per_page=7';
    while (next) {
      const view = await getJson(next);
      seen.push(...view.connectors.map((c: { name: string }) => c.name));
      next = view.page.next;
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);

    const page = await get('/?state=failed&per_page=5&page=2');
    expect(page.text).toContain('6–10 of 20');
    expect(page.text).toContain('href="/?state=failed&#38;page=3&#38;per_page=5"');
    expect(page.text).toContain('href="/?state=failed&#38;per_page=5"');
    expect((await get('/?q=nobody')).text).toContain('No connector matches.');
    // each row of a connector waiting for auth links to a fresh authorization URL
    const waitingPage = await get('/?state=pending_auth&per_page=1000');
    expect(waitingPage.text.match(/class="badge warn" href="\/auth\/team-\d+"/g)).toHaveLength(100);
    expect((await get('/?state=failed&per_page=5')).text).toContain('name="state" value="failed"');
    const beyond = await getJson('/status.json?page=9999');
    expect(beyond.connectors).toEqual([]);
  });

  it('answers a clear 400 for every invalid query parameter, escapes what it echoes, never crashes', async () => {
    const bad: Array<[string, RegExp]> = [
      ['state=bogus', /state must be one of all, attention, failed/],
      ['page=0', /page must be a whole number from 1/],
      ['page=-1', /page must be/],
      ['page=1e3', /page must be/],
      ['page=99999999999999999999', /page must be/],
      ['per_page=1001', /per_page must be a whole number from 1 to 1000/],
      ['per_page=abc', /per_page must be/],
      ['page=1&page=2', /page is given more than once/],
      ['all=yes', /all must be 1/],
      ['all=1&state=failed', /all=1 shows everything/],
      [`q=${'x'.repeat(201)}`, /q is longer than 200/],
      ['%3Cscript%3E=1', /unknown query parameter .{0,2}<script>/],
      ['state=%00', /state must be one of/],
    ];
    for (const [query, message] of bad) {
      for (const path of ['/', '/status.json']) {
        const answer = await get(`${path}?${query}`);
        expect(answer.status, `${path}?${query}`).toBe(400);
        expect(answer.text).toMatch(message);
        expect(answer.type).not.toContain('html');
      }
    }
    const echoed = await get('/?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E');
    expect(echoed.status).toBe(200);
    expect(echoed.text).not.toContain('<img');
    expect(echoed.text).toMatch(/names containing <code>&#60;img src.*&#62;<\/code>/);
    expect((await get('/healthz')).status).toBe(200);
  });
});

describe('daemon status after a refused mass prune of 10,000', () => {
  let pruned: StatusServer;
  afterAll(async () => {
    await pruned?.close();
  });

  it('keeps the refusal in /status.json to its first names and their total', async () => {
    const gone = Array.from({ length: COUNT }, (_, i) => remoteFor(desired(nameOf(i))));
    const api = new FakeApi().seed(gone);
    const loaded: LoadResult = {
      ok: true,
      state: { connectors: [desired('kept')], files: ['connectors/kept.yaml'] },
      warnings: [],
    };
    const { listingComplete: _c, ...plan } = planOptions({ prune: true, allowEmpty: true });
    const report = await runOnce(
      { api, apiUrl: 'http://api.test', now, loadDesired: async () => loaded },
      { dryRun: false, plan, concurrency: 4, authUrls: false, pushUnrecorded: true },
    );
    expect(report.plan?.refusals.map((refusal) => refusal.code)).toContain('too-many-deletes');
    pruned = await serveStatus(loaded, report, 1);
    const { text: body } = await get('/status.json', pruned);
    expect(body.length).toBeLessThan(LIMIT);
    const refusal = JSON.parse(body).last_report.refusals.find(
      (r: { code: string }) => r.code === 'too-many-deletes',
    );
    expect(refusal.names).toHaveLength(100);
    expect(refusal.names_total).toBe(COUNT);
  }, 60_000);
});
