/** Saved plans, message by message: what a reviewer is told when a plan file cannot be applied. */
import { describe, expect, it } from 'vitest';
import type { DesiredConnector } from '../../src/config/types.js';
import { ConnectorSyncError } from '../../src/errors.js';
import {
  basisChanges,
  checkSavedPlan,
  desiredDigest,
  parseSavedPlan,
  type SavedPlan,
  savePlan,
} from '../../src/reconcile/saved-plan.js';
import type { Plan, RemoteRef } from '../../src/reconcile/types.js';
import { Secret } from '../../src/secret.js';
import { desired, headers } from '../support/fixtures.js';

const ref = (id: string, name: string, modified_at = 't1'): RemoteRef => ({ id, name, modified_at });
const emptyPlan = (basis: RemoteRef[] = []): Plan => ({
  operations: [],
  in_sync: [],
  unverified: [],
  orphans: [],
  warnings: [],
  refusals: [],
  invalid_remote: [],
  basis,
});
const API = 'https://api.example.com';

function thrown(action: () => unknown): ConnectorSyncError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorSyncError);
    return error as ConnectorSyncError;
  }
  throw new Error('expected an error');
}

function saved(basis: RemoteRef[] = [], wanted: DesiredConnector[] = []): SavedPlan {
  return savePlan(emptyPlan(basis), {
    now: new Date('2026-02-03T04:05:06Z'),
    toolVersion: '1.2.3',
    apiUrl: API,
    desired: wanted,
  });
}

describe('saved plans', () => {
  it('record the format, version, time, tool, API and desired digest, whole and per file', () => {
    const wanted = [desired('a')];
    expect(saved([ref('1', 'a')], wanted)).toEqual({
      format: 'connector-sync-plan',
      version: 1,
      created_at: '2026-02-03T04:05:06.000Z',
      tool_version: '1.2.3',
      api_url: API,
      desired_digest: desiredDigest(wanted),
      file_digests: { 'connectors/a.yaml': desiredDigest(wanted) },
      plan: emptyPlan([ref('1', 'a')]),
    });
  });

  it('parse back what was saved', () => {
    const plan = saved([ref('1', 'a')]);
    expect(parseSavedPlan(JSON.stringify(plan), 'p.json')).toEqual(plan);
  });

  it('refuse what is not JSON, not a plan, another version, or damaged, naming the file', () => {
    const cases: [string, string][] = [
      ['{', 'p.json is not a plan file: it is not JSON'],
      ['null', 'p.json is not a connector-sync plan file'],
      ['{"format":"other"}', 'p.json is not a connector-sync plan file'],
      [
        '{"format":"connector-sync-plan","version":2}',
        'p.json is a version 2 plan; this connector-sync reads version 1',
      ],
      [
        '{"format":"connector-sync-plan","version":1}',
        'p.json is damaged: its plan has no operations or basis',
      ],
    ];
    const good = emptyPlan();
    for (const broken of [
      { ...good, operations: undefined },
      { ...good, basis: {} },
      { ...good, refusals: 'none' },
    ]) {
      cases.push([
        JSON.stringify({ format: 'connector-sync-plan', version: 1, plan: broken }),
        'p.json is damaged: its plan has no operations or basis',
      ]);
    }
    for (const [text, message] of cases) {
      const error = thrown(() => parseSavedPlan(text, 'p.json'));
      expect([error.code, error.message]).toEqual(['PLAN_FILE_INVALID', message]);
    }
    expect(thrown(() => parseSavedPlan('{}', 'p.json')).hint).toBe(
      'make one with `connector-sync sync --dry-run --plan-out FILE`',
    );
  });

  it('are refused against another API, a moved basis or changed files, and pass when nothing moved', () => {
    const wanted = [desired('a')];
    const plan = saved([ref('1', 'a')], wanted);
    expect(() =>
      checkSavedPlan(plan, { fresh: emptyPlan([ref('1', 'a')]), desired: wanted, apiUrl: API }),
    ).not.toThrow();
    const other = thrown(() =>
      checkSavedPlan(plan, {
        fresh: emptyPlan([ref('1', 'a')]),
        desired: wanted,
        apiUrl: 'https://other.example.com',
      }),
    );
    expect([other.code, other.message]).toEqual([
      'PLAN_STALE',
      `the plan was made against ${API}, not https://other.example.com`,
    ]);
    expect(other.hint).toBe(
      'make a new plan with `connector-sync sync --dry-run --plan-out FILE` and review it',
    );
    const moved = thrown(() =>
      checkSavedPlan(plan, { fresh: emptyPlan([ref('1', 'a', 't2')]), desired: wanted, apiUrl: API }),
    );
    expect(moved.message).toBe('the remote connectors changed since the plan was made: a (modified)');
    const edited = thrown(() =>
      checkSavedPlan(plan, {
        fresh: emptyPlan([ref('1', 'a')]),
        desired: [desired('a', { description: 'x' })],
        apiUrl: API,
      }),
    );
    expect([edited.code, edited.message]).toEqual([
      'PLAN_STALE',
      'the connector files changed since the plan was made: connectors/a.yaml (changed)',
    ]);
  });

  it('list at most ten moved connectors, then how many more', () => {
    const many = Array.from({ length: 12 }, (_, i) => ref(String(i), `c${i}`));
    const plan = saved([]);
    const error = thrown(() => checkSavedPlan(plan, { fresh: emptyPlan(many), desired: [], apiUrl: API }));
    expect(error.message).toBe(
      `the remote connectors changed since the plan was made: ${many
        .slice(0, 10)
        .map((r) => `${r.name} (new)`)
        .join(', ')}, and 2 more`,
    );
    const ten = thrown(() =>
      checkSavedPlan(plan, { fresh: emptyPlan(many.slice(0, 10)), desired: [], apiUrl: API }),
    );
    expect(ten.message).not.toContain('more');
  });

  it('say in words what moved: new, renamed, modified, deleted', () => {
    expect(
      basisChanges(
        [ref('1', 'same'), ref('2', 'old-name'), ref('3', 'edited'), ref('4', 'gone')],
        [ref('1', 'same'), ref('2', 'new-name'), ref('3', 'edited', 't2'), ref('5', 'fresh')],
      ),
    ).toEqual(['old-name (renamed to new-name)', 'edited (modified)', 'fresh (new)', 'gone (deleted)']);
  });

  it('digest every non-secret field, the header names and whether a client secret is set, never a value', () => {
    const base = desired('a', { headers: headers({ Authorization: 'one' }) });
    const digest = desiredDigest([base]);
    const variants: Partial<DesiredConnector>[] = [
      { name: 'b' },
      { description: 'x' },
      { server: 'https://x.example.com' },
      { visibility: 'private' },
      { title: 'T' },
      { icon_url: 'https://x.example.com/i.png' },
      { system_prompt: 'p' },
      { renamed_from: 'old' },
      { secret_version: '2' },
      { headers: headers({ Authorization: 'one', 'X-Other': 'two' }) },
      { headers: null },
      { auth_data: { client_id: new Secret('id'), client_secret: null } },
    ];
    for (const change of variants) expect(desiredDigest([{ ...base, ...change }])).not.toBe(digest);
    // values are not part of it: a rotated secret does not make a reviewed plan stale
    expect(desiredDigest([{ ...base, headers: headers({ Authorization: 'two' }) }])).toBe(digest);
    const oauth = (secret: string | null) =>
      desiredDigest([
        {
          ...base,
          auth_data: {
            client_id: new Secret('id'),
            client_secret: secret === null ? null : new Secret(secret),
          },
        },
      ]);
    expect(oauth('s1')).toBe(oauth('s2'));
    expect(oauth('s1')).not.toBe(oauth(null));
    expect(desiredDigest([base, desired('z')])).not.toBe(digest);
    const ordered = (names: string[]) =>
      desiredDigest([{ ...base, headers: headers(Object.fromEntries(names.map((n) => [n, 'v']))) }]);
    expect(ordered(['B', 'A', 'C'])).toBe(ordered(['A', 'B', 'C']));
  });
});
