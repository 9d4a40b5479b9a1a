import { describe, expect, it } from 'vitest';
import { planChanges } from '../../src/reconcile/plan.js';
import type { Plan } from '../../src/reconcile/types.js';
import { desired, headers, planOptions, remoteFor } from '../support/fixtures.js';

const kinds = (plan: Plan) => plan.operations.map((op) => `${op.kind}:${op.name}`);

describe('planChanges', () => {
  it('creates what the remote lacks and leaves what matches', () => {
    const a = desired('alpha');
    const b = desired('beta');
    const plan = planChanges([a, b], [remoteFor(a)], planOptions());
    expect(kinds(plan)).toEqual(['create:beta']);
    expect(plan.in_sync).toEqual(['alpha']);
  });

  it('reports field-level changes with before and after', () => {
    const a = desired('alpha', { description: 'new words' });
    const plan = planChanges([a], [remoteFor(a, { description: 'old words' })], planOptions());
    expect(plan.operations[0]?.changes).toEqual([
      { field: 'description', before: 'old words', after: 'new words' },
    ]);
  });

  it('normalizes what the API normalizes: empty vs null, trailing newlines, URL forms', () => {
    const a = desired('alpha', {
      system_prompt: 'Be brief.\n',
      server: 'HTTPS://MCP.Example.com:443/alpha',
      icon_url: null,
    });
    const remote = remoteFor(a, {
      system_prompt: 'Be brief.',
      server: 'https://mcp.example.com/alpha',
      icon_url: '',
    });
    expect(planChanges([a], [remote], planOptions()).operations).toEqual([]);
  });

  it('clears a field the file no longer sets', () => {
    const a = desired('alpha');
    const plan = planChanges([a], [remoteFor(a, { icon_url: 'https://example.com/i.png' })], planOptions());
    expect(plan.operations[0]?.changes).toEqual([
      { field: 'icon_url', before: 'https://example.com/i.png', after: null },
    ]);
  });

  it('renames in place with renamed_from instead of delete and create', () => {
    const old = desired('old-name');
    const renamed = desired('new-name', {
      renamed_from: 'old-name',
      description: old.description,
      server: old.server,
    });
    const plan = planChanges([renamed], [remoteFor(old)], planOptions({ prune: true }));
    expect(kinds(plan)).toEqual(['rename:new-name']);
    expect(plan.operations[0]?.changes).toEqual([{ field: 'name', before: 'old-name', after: 'new-name' }]);
  });

  it('swaps two names through a temporary name', () => {
    const a = desired('a');
    const b = desired('b');
    const remoteA = remoteFor(a);
    const remoteB = remoteFor(b);
    const newB = desired('b', { renamed_from: 'a', description: a.description, server: a.server });
    const newA = desired('a', { renamed_from: 'b', description: b.description, server: b.server });
    const plan = planChanges([newA, newB], [remoteA, remoteB], planOptions({ prune: true }));
    const steps = plan.operations.map(
      (op) => `${op.remote?.id === remoteA.id ? 'A' : 'B'}:${op.changes[0]?.before}->${op.name}`,
    );
    expect(steps).toHaveLength(3);
    expect(plan.operations[0]?.temporary).toBe(true);
    // every rename targets a name that is free at that moment
    const held = new Map([
      ['a', remoteA.id],
      ['b', remoteB.id],
    ]);
    for (const op of plan.operations) {
      expect(held.has(op.name)).toBe(false);
      held.delete(op.renamed_from!);
      held.set(op.name, op.remote!.id);
    }
    expect(held.get('a')).toBe(remoteB.id);
    expect(held.get('b')).toBe(remoteA.id);
    expect(steps.at(-1)).toMatch(/->/);
  });

  it('shares and unshares instead of replacing where the API can', () => {
    const a = desired('alpha', { visibility: 'shared_workspace' });
    const b = desired('beta', { visibility: 'private' });
    const plan = planChanges(
      [a, b],
      [remoteFor(a, { visibility: 'private' }), remoteFor(b, { visibility: 'shared_workspace' })],
      planOptions(),
    );
    expect(plan.operations.map((op) => op.visibility?.via)).toEqual(['share', 'unshare']);
    expect(plan.refusals).toEqual([]);
  });

  it('refuses a replace without --allow-replace and marks it destructive', () => {
    const a = desired('alpha', { visibility: 'shared_org' });
    const plan = planChanges([a], [remoteFor(a, { visibility: 'private' })], planOptions());
    expect(kinds(plan)).toEqual(['replace:alpha']);
    expect(plan.operations[0]?.destructive).toBe(true);
    expect(plan.refusals.map((r) => r.flag)).toEqual(['--allow-replace']);
    expect(
      planChanges([a], [remoteFor(a, { visibility: 'private' })], planOptions({ allowReplace: true }))
        .refusals,
    ).toEqual([]);
  });

  it('lists orphans without --prune and deletes them last with it', () => {
    const a = desired('alpha');
    const gone = desired('gone');
    const remote = [remoteFor(gone), remoteFor(a, { description: 'x' })];
    expect(planChanges([a], remote, planOptions()).orphans).toEqual(['gone']);
    expect(kinds(planChanges([a], remote, planOptions({ prune: true })))).toEqual([
      'update:alpha',
      'delete:gone',
    ]);
  });

  it("never deletes Mistral's own connectors, protected names or names outside the scope", () => {
    const a = desired('team-a');
    const remote = [
      remoteFor(desired('gmail'), { mistral: true, visibility: 'shared_global', owner_type: 'system' }),
      remoteFor(desired('team-keep')),
      remoteFor(desired('other-x')),
      remoteFor(a),
      remoteFor(desired('team-old')),
    ];
    const plan = planChanges(
      [a],
      remote,
      planOptions({ prune: true, scope: ['team-*'], protect: ['team-keep'] }),
    );
    expect(kinds(plan)).toEqual(['delete:team-old']);
  });

  it('refuses to prune an empty desired state, an incomplete listing, or too many deletes', () => {
    const many = Array.from({ length: 12 }, (_, i) => remoteFor(desired(`c${i}`)));
    expect(
      planChanges([], many, planOptions({ prune: true, forceDeletes: true })).refusals.map((r) => r.flag),
    ).toEqual(['--allow-empty']);
    const keep = many.slice(0, 6).map((r) => desired(r.name));
    const guarded = planChanges(keep, many, planOptions({ prune: true }));
    expect(guarded.refusals.map((r) => r.code)).toEqual(['too-many-deletes']);
    expect(guarded.refusals[0]?.flag).toBe('--force-deletes');
    const partial = planChanges(
      keep,
      many,
      planOptions({
        prune: true,
        forceDeletes: true,
        listingComplete: false,
        listingIncompleteReason: 'cursor repeated',
      }),
    );
    expect(partial.refusals.map((r) => r.code)).toEqual(['listing-incomplete']);
    expect(planChanges(keep, many, planOptions({ prune: true, forceDeletes: true })).refusals).toEqual([]);
  });

  it('is honest about write-only fields it cannot see', () => {
    const a = desired('alpha', { headers: headers({ 'X-Key': 'canary-secret-1' }) });
    const plan = planChanges([a], [remoteFor(a)], planOptions());
    expect(plan.in_sync).toEqual([]);
    expect(plan.unverified).toEqual([{ name: 'alpha', fields: ['headers'] }]);
    expect(JSON.stringify(plan)).not.toContain('canary-secret-1');
  });

  it('pushes write-only fields on request, on a secret_version bump, or when the fingerprint moved', () => {
    const a = desired('alpha', { headers: headers({ 'X-Key': 'v2' }), secret_version: '2' });
    const remote = [remoteFor(a)];
    const push = (plan: Plan) => plan.operations[0]?.secrets?.reason ?? 'none';
    expect(push(planChanges([a], remote, planOptions({ pushSecrets: ['alpha'] })))).toBe('requested');
    const id = remote[0]!.id;
    const records = new Map([[id, { fingerprints: { headers: 'fp1' }, secretVersion: '1' }]]);
    expect(
      push(
        planChanges([a], remote, planOptions(), {
          records,
          fingerprints: new Map([['alpha', { headers: 'fp1' }]]),
          pushUnrecorded: false,
        }),
      ),
    ).toBe('secret-version');
    const same = new Map([[id, { fingerprints: { headers: 'fp1' }, secretVersion: '2' }]]);
    expect(
      push(
        planChanges([a], remote, planOptions(), {
          records: same,
          fingerprints: new Map([['alpha', { headers: 'fp2' }]]),
          pushUnrecorded: false,
        }),
      ),
    ).toBe('fingerprint');
    const synced = planChanges([a], remote, planOptions(), {
      records: same,
      fingerprints: new Map([['alpha', { headers: 'fp1' }]]),
      pushUnrecorded: false,
    });
    expect(synced.operations).toEqual([]);
    expect(synced.in_sync).toEqual(['alpha']);
  });

  it('plans nothing from a listed connector that breaks the API schema, and refuses to prune beside it', () => {
    const broken = desired('broken', { visibility: 'private' });
    const renamed = desired('renamed', { renamed_from: 'broken-old' });
    const changed = desired('changed', { description: 'new words' });
    const invalidRemote = [
      {
        id: '00000000-0000-4000-8000-0000000000aa',
        name: 'broken',
        field: 'visibility',
        problem: 'is missing',
      },
      { id: null, name: 'broken-old', field: 'id', problem: 'is missing' },
      { id: null, name: 'elsewhere', field: 'visibility', problem: 'is missing' },
    ];
    const remote = [remoteFor(changed, { description: 'old words' }), remoteFor(desired('orphan'))];
    const options = { prune: true, allowReplace: true, scope: ['broken*', 'renamed', 'changed', 'orphan'] };
    const plan = planChanges([broken, renamed, changed], remote, planOptions({ ...options, invalidRemote }));
    expect(kinds(plan)).toEqual(['update:changed', 'delete:orphan']);
    expect(plan.in_sync).toEqual([]);
    expect(plan.invalid_remote.map((item) => item.name)).toEqual(['broken', 'broken-old']);
    expect(plan.warnings.map((w) => [w.code, w.name])).toEqual([
      ['remote-invalid', 'broken'],
      ['remote-invalid', 'renamed'],
      ['remote-invalid', undefined],
    ]);
    expect(plan.warnings[0]?.message).toContain('"visibility" is missing');
    expect(plan.refusals.map((r) => r.code)).toEqual(['remote-invalid']);
    expect(plan.refusals[0]?.names).toEqual(['orphan']);
    // without prune, the rest still syncs
    const kept = planChanges([broken, changed], remote, planOptions({ invalidRemote }));
    expect(kinds(kept)).toEqual(['update:changed']);
    expect(kept.refusals).toEqual([]);
  });

  it('prints a broken remote name safely: no control characters, one short line', () => {
    const name = `evil\u001b[2J\u009b31m\nname${'x'.repeat(200)}`;
    const invalidRemote = [{ id: null, name, field: 'visibility', problem: 'is missing' }];
    const plan = planChanges([], [], planOptions({ invalidRemote }));
    const message = plan.warnings[0]?.message ?? '';
    expect(message).toMatch(/^the API lists connector "evil\?\[2J\?31m\?namex+…": "visibility" is missing/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(message.length).toBeLessThan(200);
  });

  it('records the basis of in-scope remote connectors for stale-plan detection', () => {
    const a = desired('alpha');
    const remote = remoteFor(a);
    expect(planChanges([a], [remote], planOptions()).basis).toEqual([
      { id: remote.id, name: 'alpha', modified_at: remote.modified_at },
    ]);
  });
});
