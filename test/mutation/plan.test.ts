/** The planner's less travelled paths: warnings, secret pushes, renames out of reach, orders. */
import { createHash } from 'node:crypto';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { DesiredConnector } from '../../src/config/types.js';
import { planChanges, type SecretKnowledge } from '../../src/reconcile/plan.js';
import { orderRenames, renameIsPending, temporaryName } from '../../src/reconcile/renames.js';
import type { Operation, Plan, PlanOptions, PlanRefusal } from '../../src/reconcile/types.js';
import { Secret } from '../../src/secret.js';
import { desired, headers, planOptions, remoteFor } from '../support/fixtures.js';

const kinds = (plan: Plan) => plan.operations.map((op) => `${op.kind}:${op.name}`);
const plan = (
  wanted: DesiredConnector[],
  remote: ReturnType<typeof remoteFor>[],
  options: Partial<PlanOptions> = {},
  secrets?: SecretKnowledge,
) => planChanges(wanted, remote, planOptions(options), secrets);
const withHeaders = (name: string, extra: Partial<DesiredConnector> = {}) =>
  desired(name, { headers: headers({ Authorization: 'x' }), ...extra });
const knowledge = (
  records: [string, string, string | null][],
  fingerprints: [string, string][],
  pushUnrecorded = false,
): SecretKnowledge => ({
  // every connector here declares headers only, so one fingerprint is the `headers` group's
  records: new Map(
    records.map(([id, fingerprint, secretVersion]) => [
      id,
      { fingerprints: { headers: fingerprint }, secretVersion },
    ]),
  ),
  fingerprints: new Map(fingerprints.map(([name, fingerprint]) => [name, { headers: fingerprint }])),
  pushUnrecorded,
});

describe('the planner, path by path', () => {
  it('warns about a declared connector outside the scope and leaves it', () => {
    const result = plan([desired('ops-a')], [], { scope: ['team-*'] });
    expect(result.operations).toEqual([]);
    expect(result.warnings).toEqual([
      {
        code: 'out-of-scope',
        message: 'ops-a is declared but protected or outside the scope: left untouched',
        name: 'ops-a',
        source: desired('ops-a').source,
      },
    ]);
  });

  it('warns about a name taken by a Mistral built-in and never touches it', () => {
    const builtin = remoteFor(desired('web'), { mistral: true, description: 'theirs' });
    const result = plan([desired('web')], [builtin], { prune: true, allowEmpty: true });
    expect(result.operations).toEqual([]);
    expect(result.warnings.map((w) => [w.code, w.message])).toEqual([
      ['mistral-owned', 'web is the name of a Mistral built-in connector: choose another name'],
    ]);
    expect(result.basis).toEqual([]);
    // a warning, never a refusal: the rest of the plan is applied (checked by the typecheck)
    expect(result.refusals).toEqual([]);
    expectTypeOf<'mistral-owned'>().not.toExtend<PlanRefusal['code']>();
  });

  it('does not rename from a protected, out-of-scope or Mistral connector, and says so', () => {
    const old = remoteFor(desired('old'));
    const renamed = desired('new', {
      renamed_from: 'old',
      description: old.description,
      server: old.server!,
    });
    const cases: [typeof old, Partial<PlanOptions>][] = [
      [old, { protect: ['old'] }],
      [remoteFor(desired('old'), { owner_type: 'system' }), {}],
    ];
    for (const [remote, options] of cases) {
      const result = plan([renamed], [remote], options);
      expect(kinds(result)).toEqual(['create:new']);
      expect(result.warnings.map((w) => [w.code, w.message])).toEqual([
        ['rename-out-of-scope', "renamed_from old is protected, outside the scope or Mistral's: not renamed"],
      ]);
    }
  });

  it('ignores renamed_from when both names exist and the old one is not declared', () => {
    const old = remoteFor(desired('old'));
    const current = remoteFor(desired('new'));
    const result = plan([desired('new', { renamed_from: 'old' })], [old, current]);
    expect(kinds(result)).toEqual([]);
    expect(result.orphans).toEqual(['old']);
    expect(result.warnings.map((w) => [w.code, w.message])).toEqual([
      ['rename-both-exist', 'renamed_from old ignored: both old and new exist; old is no longer declared'],
    ]);
  });

  it('renames with the other changes in the same operation, and a replace carries its rename', () => {
    const old = remoteFor(desired('old'));
    const result = plan([desired('new', { renamed_from: 'old', description: 'changed' })], [old]);
    expect(result.operations).toMatchObject([
      {
        kind: 'rename',
        name: 'new',
        renamed_from: 'old',
        remote: { id: old.id, name: 'old', modified_at: old.modified_at },
        changes: [
          { field: 'name', before: 'old', after: 'new' },
          { field: 'description', before: 'old connector', after: 'changed' },
          { field: 'server', before: 'https://mcp.example.com/old', after: 'https://mcp.example.com/new' },
        ],
        temporary: false,
        destructive: false,
      },
    ]);
    const orgWide = remoteFor(desired('old'), { visibility: 'shared_org' });
    const replaced = plan([desired('new', { renamed_from: 'old' })], [orgWide], { allowReplace: true });
    expect(replaced.operations).toMatchObject([
      {
        kind: 'replace',
        name: 'new',
        renamed_from: 'old',
        destructive: true,
        visibility: { from: 'shared_org', to: 'shared_workspace', via: 'replace' },
      },
    ]);
  });

  it('creates with every set field as a change, and the write-only fields to send', () => {
    const wanted = desired('a', {
      title: 'A',
      headers: headers({ K: 'v' }),
      auth_data: { client_id: new Secret('i'), client_secret: null },
    });
    const [create] = plan([wanted], []).operations as [Operation];
    expect(create).toEqual({
      kind: 'create',
      name: 'a',
      remote: null,
      changes: [
        { field: 'description', before: null, after: 'a connector' },
        { field: 'server', before: null, after: 'https://mcp.example.com/a' },
        { field: 'title', before: null, after: 'A' },
      ],
      secrets: { fields: ['headers', 'auth_data'], reason: 'create' },
      visibility: { from: null, to: 'shared_workspace', via: 'create' },
      renamed_from: null,
      temporary: false,
      destructive: false,
      source: wanted.source,
    });
    expect(plan([desired('b')], []).operations[0]?.secrets).toBeNull();
  });

  it('deletes with nothing but the remote reference', () => {
    const gone = remoteFor(desired('gone'));
    expect(plan([desired('a')], [gone, remoteFor(desired('a'))], { prune: true }).operations).toEqual([
      {
        kind: 'delete',
        name: 'gone',
        remote: { id: gone.id, name: 'gone', modified_at: gone.modified_at },
        changes: [],
        secrets: null,
        visibility: null,
        renamed_from: null,
        temporary: false,
        destructive: true,
        source: null,
      },
    ]);
  });

  it('orders renames, creates, updates, replaces and deletes, each by name; sorts orphans, in_sync and basis', () => {
    const remote = ['u2', 'u1', 'r', 's2', 's1', 'o2', 'o1', 'x'].map((name) =>
      remoteFor(
        desired(name),
        name === 'r' ? { visibility: 'shared_org' } : name.startsWith('u') ? { description: 'old' } : {},
      ),
    );
    const wanted = [
      desired('u2'),
      desired('u1'),
      desired('r'),
      desired('s2'),
      desired('s1'),
      desired('c2'),
      desired('c1'),
      desired('y', { renamed_from: 'x', server: 'https://mcp.example.com/x', description: 'x connector' }),
    ];
    const kept = plan(wanted, remote, { allowReplace: true });
    expect(kinds(kept)).toEqual([
      'rename:y',
      'create:c1',
      'create:c2',
      'update:u1',
      'update:u2',
      'replace:r',
    ]);
    expect(kept.orphans).toEqual(['o1', 'o2']);
    expect(kept.in_sync).toEqual(['s1', 's2']);
    expect(kept.basis.map((ref) => ref.name)).toEqual(['o1', 'o2', 'r', 's1', 's2', 'u1', 'u2', 'x']);
    const pruned = plan(wanted, remote, { allowReplace: true, prune: true });
    expect(kinds(pruned).slice(-2)).toEqual(['delete:o1', 'delete:o2']);
    expect(pruned.orphans).toEqual([]);
  });

  it('pushes secrets when asked for all or by name, else only on evidence', () => {
    const remote = [remoteFor(desired('a')), remoteFor(desired('b'))];
    const wanted = [withHeaders('a'), withHeaders('b')];
    const reasons = (result: Plan) => result.operations.map((op) => [op.name, op.secrets?.reason]);
    expect(reasons(plan(wanted, remote, { pushSecrets: ['*'] }))).toEqual([
      ['a', 'requested'],
      ['b', 'requested'],
    ]);
    expect(reasons(plan(wanted, remote, { pushSecrets: ['b'] }))).toEqual([['b', 'requested']]);
    const unrecorded = plan(wanted, remote, {}, knowledge([], [['a', 'f']], true));
    expect(reasons(unrecorded)).toEqual([['a', 'fingerprint']]);
    expect(unrecorded.unverified).toEqual([{ name: 'b', fields: ['headers'] }]);
    expect(plan(wanted, remote, {}, knowledge([], [['a', 'f']], false)).operations).toEqual([]);
  });

  it('compares against the record of the old name during a rename, and the secret_version first', () => {
    const old = remoteFor(desired('old'));
    const renamed = withHeaders('new', {
      renamed_from: 'old',
      description: old.description,
      server: old.server!,
    });
    // records are by connector id, so the record the old name's connector carries is the one compared
    const same = plan([renamed], [old], {}, knowledge([[old.id, 'f', null]], [['new', 'f']]));
    expect(same.operations.map((op) => op.secrets)).toEqual([null]);
    const moved = plan([renamed], [old], {}, knowledge([[old.id, 'f', null]], [['new', 'g']]));
    expect(moved.operations.map((op) => op.secrets?.reason)).toEqual(['fingerprint']);
    const bumped = withHeaders('a', { secret_version: '2' });
    const remote = [remoteFor(desired('a'))];
    expect(
      plan([bumped], remote, {}, knowledge([[remote[0]!.id, 'f', '1']], [['a', 'f']])).operations[0]?.secrets,
    ).toEqual({
      fields: ['headers'],
      reason: 'secret-version',
    });
    expect(plan([bumped], remote, {}, knowledge([[remote[0]!.id, 'f', '2']], [['a', 'f']])).in_sync).toEqual([
      'a',
    ]);
    const unversioned = withHeaders('a');
    expect(
      plan([unversioned], remote, {}, knowledge([[remote[0]!.id, 'f', '1']], [['a', 'f']])).in_sync,
    ).toEqual(['a']);
    expect(plan([unversioned], remote, {}, knowledge([[remote[0]!.id, 'f', '1']], [])).unverified).toEqual([
      { name: 'a', fields: ['headers'] },
    ]);
  });

  it('calls a pushed connector neither in sync nor unverified', () => {
    const result = plan([withHeaders('a')], [remoteFor(desired('a'))], { pushSecrets: ['a'] });
    expect(result.in_sync).toEqual([]);
    expect(result.unverified).toEqual([]);
    const sorted = plan(
      [withHeaders('b'), withHeaders('a')],
      [remoteFor(desired('a')), remoteFor(desired('b'))],
    );
    expect(sorted.unverified.map((u) => u.name)).toEqual(['a', 'b']);
  });
});

describe('the planner, survivors of mutation', () => {
  it('swaps two connectors whose only difference is their visibility', () => {
    const a = remoteFor(desired('a', { description: 'same', server: 'https://s.example.com' }), {
      visibility: 'private',
    });
    const b = remoteFor(desired('b', { description: 'same', server: 'https://s.example.com' }), {
      visibility: 'shared_workspace',
    });
    const contents = { description: 'same', server: 'https://s.example.com' };
    const wanted = [
      desired('a', { ...contents, renamed_from: 'b', visibility: 'shared_workspace' }),
      desired('b', { ...contents, renamed_from: 'a', visibility: 'private' }),
    ];
    expect(plan(wanted, [a, b]).operations.map((op) => op.kind)).toEqual(['rename', 'rename', 'rename']);
  });

  it('replaces, not unshares, an organization-wide connector made private', () => {
    const orgWide = remoteFor(desired('a'), { visibility: 'shared_org' });
    expect(
      plan([desired('a', { visibility: 'private' })], [orgWide], { allowReplace: true }).operations[0]
        ?.visibility,
    ).toEqual({
      from: 'shared_org',
      to: 'private',
      via: 'replace',
    });
  });

  it('pushes nothing for a connector without write-only fields, even when all pushes are requested', () => {
    const result = plan([desired('a')], [remoteFor(desired('a'))], { pushSecrets: ['*'] });
    expect(result.operations).toEqual([]);
    expect(result.in_sync).toEqual(['a']);
  });

  it('still calls unverified the write-only fields of a connector updated for another reason', () => {
    const result = plan([withHeaders('a', { description: 'new' })], [remoteFor(desired('a'))]);
    expect(result.operations.map((op) => [op.kind, op.secrets])).toEqual([['update', null]]);
    expect(result.unverified).toEqual([{ name: 'a', fields: ['headers'] }]);
  });

  it('sorts many names the same whatever order they come in', () => {
    const names = Array.from({ length: 40 }, (_, i) => `n${String((i * 17) % 40).padStart(2, '0')}`);
    const sorted = [...names].sort();
    for (const order of [names, [...names].reverse(), sorted]) {
      expect(
        plan(
          order.map((n) => desired(n)),
          [],
        ).operations.map((op) => op.name),
      ).toEqual(sorted);
    }
  });
});

describe('renames', () => {
  const distance = (d: DesiredConnector, r: { description: string }) =>
    d.description === r.description ? 0 : 1;

  it('is done once the old name belongs to the connector declared under it', () => {
    const a = remoteFor(desired('a'));
    const b = remoteFor(desired('b'));
    const wanted = [desired('b', { renamed_from: 'a' }), desired('a')];
    const byName = new Map(wanted.map((d) => [d.name, d]));
    const remoteByName = new Map([a, b].map((r) => [r.name, r]));
    expect(renameIsPending(wanted[0]!, byName, remoteByName, distance)).toBe(false);
    expect(renameIsPending(desired('c', { renamed_from: 'a' }), new Map(), remoteByName, distance)).toBe(
      true,
    );
    expect(renameIsPending(desired('c', { renamed_from: 'zz' }), new Map(), remoteByName, distance)).toBe(
      false,
    );
    expect(renameIsPending(desired('c'), new Map(), remoteByName, distance)).toBe(false);
  });

  it('rotates a cycle only when every member ends closer than it is', () => {
    const a = remoteFor(desired('a', { description: 'A' }));
    const b = remoteFor(desired('b', { description: 'B' }));
    const remoteByName = new Map([a, b].map((r) => [r.name, r]));
    const swap = (da: string, db: string) => {
      const wanted = [
        desired('a', { renamed_from: 'b', description: da }),
        desired('b', { renamed_from: 'a', description: db }),
      ];
      return renameIsPending(wanted[0]!, new Map(wanted.map((d) => [d.name, d])), remoteByName, distance);
    };
    expect(swap('B', 'A')).toBe(true);
    expect(swap('A', 'B')).toBe(false);
    expect(swap('B', 'B')).toBe(false);
  });

  it('moves a blocked rename to a temporary name short enough for the API, made of its id', () => {
    const op = (from: string, to: string, id: string) =>
      ({
        kind: 'rename',
        name: to,
        renamed_from: from,
        remote: { id, name: from, modified_at: 't' },
        changes: [{ field: 'name', before: from, after: to }],
        secrets: { fields: ['headers'], reason: 'requested' },
        visibility: { from: 'private', to: 'shared_workspace', via: 'share' },
      }) as unknown as Operation;
    const long = 'n'.repeat(60);
    const ordered = orderRenames([op(long, 'b', 'ab-cd_ef/0123456789xyz'), op('b', long, 'id-2')]);
    // `<final name, cut to fit>-renaming-<16 hex of sha256(id, final name)>`: only this connector's tag matches
    const tag = (id: string, final: string) =>
      createHash('sha256')
        .update(`connector-sync temporary name\0${id}\0${final}`)
        .digest('hex')
        .slice(0, 16);
    const temporary = `b-renaming-${tag('ab-cd_ef/0123456789xyz', 'b')}`;
    expect(temporaryName('id-2', long)).toBe(`${'n'.repeat(38)}-renaming-${tag('id-2', long)}`);
    expect(temporaryName('id-2', long)).toHaveLength(64);
    expect(temporaryName('id-3', 'b')).not.toBe(temporary);
    expect(ordered.map((o) => [o.renamed_from, o.name, o.temporary ?? false])).toEqual([
      [long, temporary, true],
      ['b', long, false],
      [temporary, 'b', false],
    ]);
    expect(ordered[0]).toMatchObject({
      changes: [{ field: 'name', before: long, after: temporary }],
      secrets: null,
      visibility: null,
    });
    expect(ordered[2]).toMatchObject({
      changes: [{ field: 'name', before: temporary, after: 'b' }],
      secrets: { reason: 'requested' },
    });
    expect(orderRenames([op('x', 'y', '')])).toHaveLength(1);
    const edited = {
      ...op('c', 'd', 'id-3'),
      changes: [
        { field: 'name', before: 'c', after: 'd' },
        { field: 'title', before: 'T', after: 'U' },
      ],
    } as Operation;
    const cycle = orderRenames([edited, { ...op('d', 'c', 'id-4') }]);
    expect(cycle.at(-1)?.changes).toEqual([
      { field: 'name', before: `d-renaming-${tag('id-3', 'd')}`, after: 'd' },
      { field: 'title', before: 'T', after: 'U' },
    ]);
  });
});
