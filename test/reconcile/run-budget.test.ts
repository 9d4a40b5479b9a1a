import { describe, expect, it } from 'vitest';
import type {
  CallOptions,
  ConnectorListing,
  CreateConnectorBody,
  RemoteConnector,
} from '../../src/api/types.js';
import type { DesiredConnector, LoadResult } from '../../src/config/types.js';
import { ConnectorSyncError } from '../../src/errors.js';
import { type RunSettings, runOnce } from '../../src/reconcile/run-once.js';
import { FakeApi } from '../support/fake-api.js';
import { desired, planOptions } from '../support/fixtures.js';

/** Resolves never; rejects as the client does when the call's signal aborts. */
function hangUntilAborted<T>(what: string, signal: AbortSignal | undefined): Promise<T> {
  return new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () =>
      reject(new ConnectorSyncError('ABORTED', `${what}: cancelled`, { outcomeUnknown: true })),
    );
  });
}

/** A fake API whose create of `slow` (or whose listing) never answers. */
class StuckApi extends FakeApi {
  stuckListing = false;
  override async listConnectors(options?: CallOptions): Promise<ConnectorListing> {
    if (this.stuckListing) return hangUntilAborted('GET /v1/connectors', options?.signal);
    return super.listConnectors();
  }
  override async createConnector(body: CreateConnectorBody, options?: CallOptions): Promise<RemoteConnector> {
    if (body.name !== 'b-slow') return super.createConnector(body);
    this.calls.push(`create ${body.name}`);
    return hangUntilAborted('POST /v1/connectors', options?.signal);
  }
}

function deps(api: FakeApi, connectors: DesiredConnector[], loadDesired?: () => Promise<LoadResult>) {
  const loaded: LoadResult = { ok: true, state: { connectors, files: [] }, warnings: [] };
  return {
    api,
    apiUrl: 'http://emulator.test',
    now: () => new Date(),
    loadDesired: loadDesired ?? (async () => loaded),
  };
}

function settings(overrides: Partial<RunSettings> = {}): RunSettings {
  const { listingComplete: _c, ...plan } = planOptions();
  return { dryRun: false, plan, concurrency: 1, authUrls: false, pushUnrecorded: false, ...overrides };
}

const WANTED = [desired('a-fast'), desired('b-slow'), desired('c-later')];

describe('a run has a total time budget', () => {
  it('cuts off the write in flight, starts no other, and says which is which', async () => {
    const api = new StuckApi();
    const started = Date.now();
    const report = await runOnce(deps(api, WANTED), settings({ timeoutMs: 150 }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(report.phase).toBe('TimedOut');
    expect(report.error?.code).toBe('RUN_TIMEOUT');
    expect(report.error?.message).toMatch(/time budget of 150ms/);
    expect(report.error?.message).toMatch(/cut off in flight, outcome unknown: create b-slow/);
    expect(report.error?.message).toMatch(/not started: create c-later/);
    expect(report.error?.hint).toMatch(/--timeout/);
    expect(report.apply?.results.map((r) => [r.operation.name, r.status, r.note ?? r.cause?.code])).toEqual([
      ['a-fast', 'applied', undefined],
      // its create was cut off; checking whether it happened anyway would be a new request
      ['b-slow', 'failed', 'RUN_TIMEOUT'],
      ['c-later', 'skipped', 'not started: the run timed out'],
    ]);
    expect(api.calls.filter((call) => call.startsWith('create'))).toEqual(['create a-fast', 'create b-slow']);
  });

  it('ends a run whose listing never completes', async () => {
    const api = new StuckApi();
    api.stuckListing = true;
    const report = await runOnce(deps(api, WANTED), settings({ timeoutMs: 100 }));
    expect(report.phase).toBe('TimedOut');
    expect(report.error?.code).toBe('RUN_TIMEOUT');
    expect(api.calls.filter((call) => call.startsWith('create'))).toEqual([]);
  });

  it('ends a run stuck in something that cannot be aborted, which then reaches the API no more', async () => {
    const api = new FakeApi();
    let release: (value: LoadResult) => void = () => {};
    const stuck = new Promise<LoadResult>((resolve) => {
      release = resolve;
    });
    const started = Date.now();
    const report = await runOnce(
      deps(api, [], () => stuck),
      settings({ timeoutMs: 100 }),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(report.phase).toBe('TimedOut');
    // the abandoned run wakes up later: it must not list, let alone write
    release({ ok: true, state: { connectors: WANTED, files: [] }, warnings: [] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(api.calls).toEqual([]);
  });

  it('leaves a run that finishes in time alone', async () => {
    const api = new FakeApi();
    const report = await runOnce(deps(api, WANTED), settings({ timeoutMs: 60_000 }));
    expect(report.phase).toBe('Applied');
    expect(report.error).toBeNull();
  });
});
