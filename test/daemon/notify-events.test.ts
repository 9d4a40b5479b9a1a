import { describe, expect, it } from 'vitest';
import type { ConfigIssue } from '../../src/config/types.js';
import { type NotifyState, notifyTransition, QUIET_STATE } from '../../src/daemon/notify-events.js';
import { ConnectorSyncError } from '../../src/errors.js';
import { emptyReport, type RunReport } from '../../src/reconcile/run-once.js';

function report(fields: Partial<RunReport>): RunReport {
  return { ...emptyReport(false, new Date(0)), phase: 'Applied', ...fields };
}
const down = report({ phase: 'ListFailed', error: new ConnectorSyncError('API_SERVER', 'HTTP 503') });
const issue: ConfigIssue = {
  code: 'yaml-syntax',
  severity: 'error',
  message: 'bad',
  location: { file: 'connectors/a.yaml', line: 2, column: 1 },
};

/** Runs reports through the transition in turn, collecting the event kinds. */
function run(steps: Array<[RunReport, ConfigIssue[] | null]>): string[] {
  let state: NotifyState = QUIET_STATE;
  const kinds: string[] = [];
  for (const [next, invalid] of steps) {
    const out = notifyTransition(state, next, invalid);
    state = out.state;
    kinds.push(...out.events.map((event) => event.kind));
  }
  return kinds;
}

describe('what changed, worth a message', () => {
  it('a failure repeated is one message, and one more when it recovers', () => {
    expect(
      run([
        [report({}), null],
        [down, null],
        [down, null],
        [down, null],
        [report({}), null],
        [report({}), null],
      ]),
    ).toEqual(['failure', 'recovered']);
  });

  it('a shutdown mid-run changes nothing; an invalid file neither ends nor starts a failure', () => {
    const interrupted = report({ phase: 'Interrupted' });
    const invalid = report({ phase: 'ConfigInvalid' });
    expect(
      run([
        [down, null],
        [interrupted, null],
        [invalid, [issue]],
        [down, null],
        [report({}), null],
      ]),
    ).toEqual(['failure', 'config_invalid', 'recovered']);
  });

  it('the same invalid file is told once; another problem is told again', () => {
    const other = { ...issue, location: { ...issue.location, line: 9 } };
    expect(
      run([
        [report({}), [issue]],
        [report({}), [issue]],
        [report({}), [other]],
        [report({}), null],
      ]),
    ).toEqual(['config_invalid', 'config_invalid']);
  });

  it('drift only from a run that wrote nothing, once per set of differences', () => {
    const plan = (name: string) =>
      ({
        operations: [{ kind: 'update', name, temporary: false }],
        refusals: [],
      }) as unknown as RunReport['plan'];
    const drift = (name: string) => report({ phase: 'Planned', dryRun: true, plan: plan(name) });
    expect(
      run([
        [drift('a'), null],
        [drift('a'), null],
        [drift('b'), null],
        [report({ plan: plan('a') }), null],
      ]),
    ).toEqual(['drift', 'drift']);
  });

  it('pending auth for connectors newly waiting, tool changes when they change', () => {
    const pending = (names: string[]) =>
      report({ pendingAuth: names.map((name) => ({ name })) as unknown as RunReport['pendingAuth'] });
    const tools = (added: string[]) =>
      report({
        toolDrift: [{ name: 'wiki', status: 'drift', added, removed: [], changed: [] }],
      });
    expect(
      run([
        [pending(['a']), null],
        [pending(['a']), null],
        [pending(['a', 'b']), null],
      ]),
    ).toEqual(['pending_auth', 'pending_auth']);
    const out = notifyTransition(QUIET_STATE, tools(['delete_all']), null);
    expect(out.events).toEqual([
      { kind: 'tool_change', summary: expect.any(String), details: ['wiki: added delete_all'] },
    ]);
    expect(notifyTransition(out.state, tools(['delete_all']), null).events).toEqual([]);
  });
});
