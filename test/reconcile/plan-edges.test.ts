/**
 * Trust at the edges, for the planner: a name several remote connectors carry, and a connector an
 * interrupted rename left under a temporary name. Neither is ever a reason to delete, replace or
 * update; an interrupted rename is finished.
 */
import { describe, expect, it } from 'vitest';
import type { RemoteConnector } from '../../src/api/types.js';
import type { DesiredConnector } from '../../src/config/types.js';
import { planChanges } from '../../src/reconcile/plan.js';
import { temporaryName, temporaryTarget } from '../../src/reconcile/renames.js';
import type { Operation, Plan } from '../../src/reconcile/types.js';
import { desired, planOptions, remoteFor } from '../support/fixtures.js';

const kinds = (plan: Plan) =>
  plan.operations.map((op) =>
    op.kind === 'rename' ? `rename:${op.renamed_from}->${op.name}` : `${op.kind}:${op.name}`,
  );
const prune = planOptions({ prune: true });

/** The remote state after the API applied these operations (renames, updates, creates, deletes). */
function applied(remote: readonly RemoteConnector[], operations: readonly Operation[]): RemoteConnector[] {
  let state = remote.map((r) => ({ ...r }));
  let created = 0;
  for (const op of operations) {
    const target = state.find((r) => r.id === op.remote?.id);
    if (op.kind === 'delete') state = state.filter((r) => r !== target);
    else if (op.kind === 'create') {
      created += 1;
      state.push({ ...state[0]!, id: `created-${created}`, name: op.name });
    } else if (target) {
      expect(
        state.some((r) => r.name === op.name && r !== target),
        `${op.name} is free`,
      ).toBe(false);
      target.name = op.name;
    }
  }
  return state;
}

const withoutRenames = (files: DesiredConnector[]) => files.map((d) => ({ ...d, renamed_from: null }));

const idsByName = (state: readonly RemoteConnector[]) =>
  Object.fromEntries(state.map((r) => [r.name, r.id]).sort());

describe('an ambiguous name is never a reason to write', () => {
  const a = desired('alpha', { description: 'new words' });
  const first = remoteFor(a, { description: 'old words' });
  const second = remoteFor(a, { description: 'other words' });
  const orphan = remoteFor(desired('orphan'));

  it('neither updates nor deletes either connector of a duplicated name; the rest goes ahead', () => {
    const plan = planChanges([a], [first, second, orphan], prune);
    expect(kinds(plan)).toEqual(['delete:orphan']);
    expect(plan.refusals).toEqual([]);
    expect(plan.warnings).toEqual([
      expect.objectContaining({
        code: 'ambiguous-name',
        name: 'alpha',
        held: true,
        ids: [first.id, second.id],
        source: a.source,
      }),
    ]);
    expect(plan.warnings[0]?.message).toContain(first.id);
    expect(plan.warnings[0]?.message).toContain(second.id);
  });

  it('deletes neither when the name is not declared at all', () => {
    const plan = planChanges([desired('orphan')], [first, second, orphan], prune);
    expect(kinds(plan)).toEqual([]);
    expect(plan.warnings.map((w) => [w.code, w.held])).toEqual([['ambiguous-name', true]]);
  });

  it('renames neither to nor from an ambiguous name, and prunes nothing it involves', () => {
    const fromAmbiguous = desired('beta', { renamed_from: 'alpha' });
    const betaNow = remoteFor(desired('beta'), { description: 'stale' });
    const toAmbiguous = desired('alpha', { renamed_from: 'gamma' });
    const gamma = remoteFor(desired('gamma'));
    const plan = planChanges([fromAmbiguous, toAmbiguous], [first, second, betaNow, gamma], prune);
    expect(kinds(plan)).toEqual([]);
    expect(plan.warnings.map((w) => w.code)).toEqual(['ambiguous-name']);
  });

  it('leaves a duplicated name outside the scope alone, without a word', () => {
    const plan = planChanges(
      [],
      [first, second],
      planOptions({ prune: true, allowEmpty: true, scope: ['x-*'] }),
    );
    expect(plan.operations).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });
});

describe('temporary names', () => {
  const id = '0b7e8a52-1c4f-4c1e-9a55-7f5a1f0c2d11';

  it('encode the final name, bound to the connector, within 64 characters', () => {
    const name = temporaryName(id, 'primary');
    expect(name).toMatch(/^primary-renaming-[0-9a-f]{16}$/);
    expect(temporaryTarget({ id, name }, [])).toBe('primary');
    const long = `team-${'x'.repeat(59)}`;
    const cut = temporaryName(id, long);
    expect(cut.length).toBeLessThanOrEqual(64);
    expect(temporaryTarget({ id, name: cut }, ['other', long])).toBe(long);
    // a cut final name no longer declared: still recognised as temporary, final unknown
    expect(temporaryTarget({ id, name: cut }, ['other'])).toBeNull();
  });

  it('never match a name a person chose, even one of the same shape', () => {
    const name = temporaryName(id, 'primary');
    expect(temporaryTarget({ id: '1b7e8a52-1c4f-4c1e-9a55-7f5a1f0c2d11', name }, [])).toBeUndefined();
    for (const other of [
      'primary',
      'primary-renaming-',
      'primary-renaming-0123456789abcdef',
      'a-renaming-xyz',
    ])
      expect(temporaryTarget({ id, name: other }, ['primary'])).toBeUndefined();
  });
});

describe('an interrupted rename is finished, never pruned', () => {
  /** A cycle of renames: each desired connector takes the contents (and id) of the one before it. */
  function cycle(names: string[]) {
    const remote = names.map((name) => remoteFor(desired(name)));
    const files = names.map((name, i) => {
      const from = names[(i + names.length - 1) % names.length]!;
      const before = desired(from);
      return desired(name, { renamed_from: from, description: before.description, server: before.server });
    });
    const intended = Object.fromEntries(
      files.map((d) => [d.name, remote.find((r) => r.name === d.renamed_from)!.id]).sort(),
    );
    return { remote, files, intended };
  }

  for (const names of [
    ['primary', 'secondary'],
    ['a', 'b', 'c'],
  ]) {
    it(`a ${names.length}-cycle cut after any step is finished by the next run, ids kept`, () => {
      const { remote, files, intended } = cycle(names);
      const full = planChanges(files, remote, prune);
      expect(full.operations.some((op) => op.temporary)).toBe(true);
      for (let done = 1; done < full.operations.length; done += 1) {
        const cut = applied(remote, full.operations.slice(0, done));
        const next = planChanges(files, cut, prune);
        expect(
          kinds(next).filter((k) => !k.startsWith('rename')),
          `cut after ${done}`,
        ).toEqual([]);
        expect(next.warnings, `cut after ${done}`).toEqual([]);
        expect(idsByName(applied(cut, next.operations)), `cut after ${done}`).toEqual(intended);
      }
    });

    it(`a ${names.length}-cycle cut, then renamed_from removed: finished where it can be, else held`, () => {
      const { remote, files, intended } = cycle(names);
      const full = planChanges(files, remote, prune);
      for (let done = 1; done < full.operations.length; done += 1) {
        const cut = applied(remote, full.operations.slice(0, done));
        const next = planChanges(withoutRenames(files), cut, prune);
        const label = `cut after ${done}: ${kinds(next).join(', ')}`;
        // nothing that was there is deleted or replaced, whatever happens
        expect(
          next.operations.filter((op) => op.destructive),
          label,
        ).toEqual([]);
        const after = applied(cut, next.operations);
        for (const r of cut)
          expect(
            after.map((x) => x.id),
            label,
          ).toContain(r.id);
        const leftover = cut.find((r) => temporaryTarget(r, names) !== undefined)!;
        const final = temporaryTarget(leftover, names)!;
        const held = next.warnings.filter((w) => w.held);
        if (held.length === 0) expect(idsByName(after)[final], label).toBe(intended[final]);
        else {
          const [blocked, ...others] = held;
          expect(blocked?.code, label).toBe('temporary-name-blocked');
          expect(blocked?.ids, label).toContain(leftover.id);
          expect(blocked?.ids, label).toContain(cut.find((r) => r.name === final)?.id);
          expect(next.operations.some((op) => op.name === final || op.renamed_from === final)).toBe(false);
          // a name the cut left free is where a connector was going: creating it would take it for good
          expect(new Set(others.map((w) => w.code)), label).toEqual(new Set(['create-held']));
          expect(
            next.operations.filter((op) => op.kind === 'create'),
            label,
          ).toEqual([]);
        }
      }
    });
  }

  it('keeps a leftover whose final name is no longer declared, and says so', () => {
    const left = remoteFor(desired('x'), { id: '2b7e8a52-1c4f-4c1e-9a55-7f5a1f0c2d11' });
    left.name = temporaryName(left.id, 'gone');
    const kept = desired('kept');
    const plan = planChanges([kept], [left, remoteFor(kept)], prune);
    expect(plan.operations).toEqual([]);
    expect(plan.warnings).toEqual([
      expect.objectContaining({ code: 'temporary-name-left', ids: [left.id], held: true }),
    ]);
  });

  it('finishes a leftover whose final name is in scope even when its temporary name is not', () => {
    const target = desired('svc-prod');
    const left = remoteFor(target);
    left.name = temporaryName(left.id, 'svc-prod');
    const plan = planChanges([target], [left], planOptions({ prune: true, scope: ['*-prod'] }));
    expect(kinds(plan)).toEqual([`rename:${left.name}->svc-prod`]);
  });
});

describe('a temporary name of the earlier version (<renamed_from>-renaming-<id start>) is finished too', () => {
  /** How the earlier version named a connector moving out of the way of a swap. */
  const earlierName = (from: string, id: string) =>
    `${from.slice(0, 40)}-renaming-${id.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}`;
  const A_ID = '3f9c2b71-5d4e-4a8b-9c1d-2e3f4a5b6c7d';
  const B_ID = '8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d';

  /**
   * A swap a <-> b cut after its first step: b moved to its temporary name, a still a. The files
   * give a the contents b had, and b those a had.
   */
  function cutSwap(aName = 'a', bName = 'b') {
    const wantA = desired(aName, { description: 'A words' });
    const wantB = desired(bName, { description: 'B words' });
    const a = remoteFor(wantA, { id: A_ID });
    const left = { ...remoteFor(wantB, { id: B_ID }), name: earlierName(bName, B_ID) };
    const files = [
      { ...wantB, name: aName, renamed_from: bName },
      { ...wantA, name: bName, renamed_from: aName },
    ];
    return { a, left, files };
  }

  it('finishes a swap cut after its first step: ids kept, nothing deleted or created', () => {
    const { a, left, files } = cutSwap();
    const plan = planChanges(files, [a, left], prune);
    expect(kinds(plan)).toEqual(['rename:a->b', `rename:${left.name}->a`]);
    expect(plan.warnings).toEqual([]);
    expect(idsByName(applied([a, left], plan.operations))).toEqual({ a: B_ID, b: A_ID });
  });

  it('finishes it after the second step too, and with a renamed_from cut to 40 characters', () => {
    const long = `b-${'x'.repeat(50)}`;
    const { a, left, files } = cutSwap('a', long);
    const moved = { ...a, name: long };
    const plan = planChanges(files, [moved, left], prune);
    expect(left.name.startsWith(`${long.slice(0, 40)}-renaming-`)).toBe(true);
    expect(kinds(plan)).toEqual([`rename:${left.name}->a`]);
    expect(idsByName(applied([moved, left], plan.operations))).toEqual({ a: B_ID, [long]: A_ID });
  });

  it('finishes a 3-cycle cut after any of its steps (a -> temporary, c -> a, b -> c, temporary -> b)', () => {
    const ids = { a: A_ID, b: B_ID, c: 'c0c0c0c0-1111-4222-8333-444455556666' };
    const contents = (name: 'a' | 'b' | 'c') => desired(name, { description: `${name} words` });
    const files = [
      { ...contents('a'), name: 'b', renamed_from: 'a' },
      { ...contents('b'), name: 'c', renamed_from: 'b' },
      { ...contents('c'), name: 'a', renamed_from: 'c' },
    ];
    const at = (names: Record<'a' | 'b' | 'c', string>) =>
      (['a', 'b', 'c'] as const).map((was) => remoteFor(contents(was), { id: ids[was], name: names[was] }));
    const temporary = earlierName('a', A_ID);
    for (const cut of [
      at({ a: temporary, b: 'b', c: 'c' }),
      at({ a: temporary, b: 'b', c: 'a' }),
      at({ a: temporary, b: 'c', c: 'a' }),
    ]) {
      const plan = planChanges(files, cut, prune);
      const label = kinds(plan).join(', ');
      expect(plan.warnings, label).toEqual([]);
      expect(idsByName(applied(cut, plan.operations)), label).toEqual({ a: ids.c, b: ids.a, c: ids.b });
    }
  });

  it('keeps it, held with its id, when no declared connector is renamed from the name it left', () => {
    const { a, left, files } = cutSwap();
    const plan = planChanges(withoutRenames(files), [a, left], prune);
    expect(plan.operations.filter((op) => op.kind !== 'update')).toEqual([]);
    const held = plan.warnings.find((w) => w.code === 'temporary-name-left');
    expect(held).toMatchObject({ name: left.name, ids: [B_ID], held: true });
    expect(held?.message).toContain(B_ID);
    expect(held?.message).toContain('renamed_from: b');
    // b is free: the leftover may have been going there, so it is not taken by a new connector
    expect(plan.warnings).toContainEqual(
      expect.objectContaining({ code: 'create-held', name: 'b', held: true, ids: [B_ID] }),
    );
  });

  it('matches only when the tag is the start of that connector’s own id', () => {
    const { a, files } = cutSwap();
    for (const name of [
      earlierName('b', A_ID),
      `b-renaming-${B_ID.replace(/-/g, '').slice(0, 11)}`,
      `b-renaming-${B_ID.replace(/-/g, '').slice(0, 13)}`,
    ]) {
      const other = remoteFor(desired('x'), { id: B_ID, name });
      const plan = planChanges([files[0]!], [a, other], prune);
      expect(kinds(plan), name).toContain(`delete:${name}`);
      expect(plan.warnings, name).toEqual([]);
    }
  });
});
