import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { DaemonStatus } from '../../src/daemon/status.js';
import { emptyReport } from '../../src/reconcile/run-once.js';
import { desired } from '../support/fixtures.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

describe('what the daemon keeps between reconciles', () => {
  it('keeps the count of desired connectors for the last report, not the connectors', async () => {
    const status = new DaemonStatus({
      now: () => new Date('2026-11-26T12:00:00Z'),
      apiUrl: 'http://api.test',
      toolVersion: '0.0.0-test',
      readOnly: false,
    });
    // recorded in a scope of its own, so only the status could still hold the connectors
    const held = (() => {
      const connectors = Array.from({ length: 50 }, (_, i) => desired(`c-${i}`));
      const report = { ...emptyReport(false, new Date(0)), phase: 'Applied' as const, desired: connectors };
      status.recordRun(report, { reasons: ['start'], mode: 'apply', usedLastGood: false });
      return new WeakRef(connectors[0]!);
    })();
    // a WeakRef holds its target until the current job ends
    await new Promise((resolve) => setImmediate(resolve));
    collect();
    // before: the whole desired state (every file's text with it) lived until the next report
    expect(held.deref()).toBeUndefined();
    expect(status.view().last_report?.desired).toEqual({ count: 50 });
  });
});
