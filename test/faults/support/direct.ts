import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { createClient } from '../../../src/api/client.js';
import type { HttpTimeouts } from '../../../src/api/http.js';
import { loadDesiredState } from '../../../src/config/load.js';
import { isConnectorSyncError } from '../../../src/errors.js';
import { openLedger } from '../../../src/reconcile/ledger.js';
import { type RunReport, type RunSettings, runOnce } from '../../../src/reconcile/run-once.js';
import { renderReportMarkdown } from '../../../src/render/markdown.js';
import { reportToJson } from '../../../src/render/report-json.js';
import { renderReportText } from '../../../src/render/report-text.js';
import { makeStyle } from '../../../src/render/style.js';
import { Secret } from '../../../src/secret.js';
import { recordOutput } from './canary.js';
import type { World } from './world.js';

/** The settings `sync --prune --scope 'app-*' --protect 'app-keep-*'` runs with (see SYNC_FLAGS). */
export function syncSettings(overrides: Partial<RunSettings['plan']> = {}): RunSettings {
  return {
    dryRun: false,
    plan: {
      prune: true,
      allowEmpty: false,
      allowReplace: false,
      forceDeletes: false,
      maxDeletes: 50,
      maxDeleteFraction: 0.3,
      deleteGuardMinimum: 10,
      scope: ['app-*'],
      protect: ['app-keep-*'],
      pushSecrets: [],
      ...overrides,
    },
    concurrency: 16,
    authUrls: false,
    pushUnrecorded: false,
  };
}

/**
 * One reconcile through runOnce with a client built here, for what the CLI has no flag for:
 * small list pages (so paging faults land between pages) and short timeouts (so a slow body
 * outlasts them). The report is rendered as text, JSON and Markdown and recorded for the scan.
 */
export async function runDirect(
  world: World,
  label: string,
  options: { pageSize?: number; timeouts?: Partial<HttpTimeouts>; plan?: Partial<RunSettings['plan']> } = {},
): Promise<RunReport> {
  const api = createClient({
    baseUrl: world.emulator.url,
    apiKey: readFileSync(world.env.MISTRAL_API_KEY_FILE!, 'utf8').trim(),
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }),
    // quick retries keep the suite short; the policy itself is the client's own
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
  });
  try {
    const report = await runOnce(
      {
        loadDesired: () =>
          loadDesiredState([world.connectorsDir], { resolve: true, cwd: world.root, env: world.env }),
        api,
        apiUrl: world.emulator.url,
        openLedger: () => openLedger(world.stateDir, world.emulator.url, new Secret('faults-key')),
        now: () => new Date(),
      },
      syncSettings(options.plan),
    );
    const context = { apiUrl: world.emulator.url, toolVersion: 'faults', command: 'sync' };
    recordOutput(`${label}.json`, JSON.stringify(reportToJson(report, context), null, 2));
    recordOutput(
      `${label}.txt`,
      renderReportText(report, { style: makeStyle(false), apiUrl: context.apiUrl }),
    );
    recordOutput(`${label}.md`, renderReportMarkdown(report, context));
    return report;
  } finally {
    await api.close();
  }
}

/** Every failure was reported: failed operations carry a cause; an unsuccessful run says why. */
export function expectReportExplains(report: RunReport): void {
  for (const result of report.apply?.results ?? []) {
    if (result.status !== 'failed') continue;
    expect(isConnectorSyncError(result.cause), `${result.operation.name} failed without a cause`).toBe(true);
    expect(result.cause?.message.length).toBeGreaterThan(0);
  }
  if (report.phase === 'Applied' || report.phase === 'Planned') {
    expect(report.apply?.failed ?? 0).toBe(0);
    return;
  }
  const explained =
    (report.apply?.failed ?? 0) > 0 || (report.plan?.refusals.length ?? 0) > 0 || report.error !== null;
  expect(explained, `phase ${report.phase} without a reported cause`).toBe(true);
}
