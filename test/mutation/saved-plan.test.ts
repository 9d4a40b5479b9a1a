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
import type { Operation, Plan, RemoteRef } from '../../src/reconcile/types.js';
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

const plan = (operations: unknown[]): Plan => ({ ...emptyPlan(), operations: operations as Operation[] });
const create = (name: string, extra: Record<string, unknown> = {}) => ({
  kind: 'create',
  name,
  remote: null,
  changes: [{ field: 'server', before: null, after: `https://${name}` }],
  source: { file: `${name}.yaml`, line: 1, column: 1 },
  ...extra,
});

function check(saved: unknown[], fresh: unknown[]): ConnectorSyncError | undefined {
  const file = savePlan(plan(saved), { now: new Date(0), toolVersion: '1', apiUrl: API, desired: [] });
  try {
    checkSavedPlan(file, { fresh: plan(fresh), desired: [], apiUrl: API });
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorSyncError);
    return error as ConnectorSyncError;
  }
}

const UNFOUNDED =
  'the plan file holds operations that do not follow from the connector files, the remote connectors and the options of this run: ';
const MISSING =
  'the connector files, the remote connectors and the options of this run call for operations the plan file does not hold (was it made with other flags?): ';

describe('a saved plan compared with the operations this run derives', () => {
  it('matches whatever the key order at any depth and wherever the connector was declared', () => {
    const reordered = {
      source: { file: 'moved.yaml', line: 9, column: 3 },
      changes: [{ after: 'https://a', field: 'server', before: null }],
      remote: null,
      name: 'a',
      kind: 'create',
    };
    expect(check([reordered, create('b')], [create('b'), create('a')])).toBeUndefined();
  });

  it('refuses a forged field, even one inside a list', () => {
    const forged = create('a', { changes: [{ field: 'server', before: null, after: 'https://evil' }] });
    expect(check([forged], [create('a')])?.message).toBe(`${UNFOUNDED}create "a"`);
    expect(check([create('a', { list: [1, 2] })], [create('a', { list: [12] })])?.message).toBe(
      `${UNFOUNDED}create "a"`,
    );
  });

  it('counts each operation: one held twice is refused, one derived twice must be held twice', () => {
    const twice = check([create('a'), create('a')], [create('a')]);
    expect([twice?.code, twice?.message]).toEqual(['PLAN_REFUSED', `${UNFOUNDED}create "a"`]);
    expect(twice?.hint).toBe(
      'apply a plan with the flags it was made with, or make a new one with `connector-sync sync --dry-run --plan-out FILE` and review it',
    );
    const lacking = check([create('a')], [create('a'), create('a'), create('b')]);
    expect([lacking?.code, lacking?.message]).toEqual(['PLAN_REFUSED', `${MISSING}create "a", create "b"`]);
    expect(check([create('a'), create('a')], [create('a'), create('a')])).toBeUndefined();
  });

  it('names a forged operation by what it can read of it, quoted and inert', () => {
    const forged = [
      'delete everything',
      null,
      { name: 'no-kind' },
      { kind: 'delete', name: 'legacy', remote: { id: '6f1e' } },
      { kind: 'delete', name: 'legacy2', remote: { name: 'no id' } },
      { kind: 'delete', name: 'legacy3', remote: 'text' },
      { kind: 'delete', remote: { id: 7 } },
      { kind: 'replace\nnow', name: 7 },
    ];
    expect(check(forged, [])?.message).toBe(
      `${UNFOUNDED}an unreadable operation, an unreadable operation, an operation "no-kind", delete "legacy" (id "6f1e"), delete "legacy2", delete "legacy3", delete, replace?now`,
    );
  });
});

describe('the desired digest', () => {
  it('moves with a global header name or whether it is secret, not with its value', () => {
    const of = (name: string, is_secret: boolean, value = 'v') =>
      desiredDigest([desired('a', { global_headers: { [name]: { value: new Secret(value), is_secret } } })]);
    expect(of('A', true)).not.toBe(of('A', false));
    expect(of('A', true)).not.toBe(of('B', true));
    expect(of('A', true)).toBe(of('A', true, 'other'));
  });
});
