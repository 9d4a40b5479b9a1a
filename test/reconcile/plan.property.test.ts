import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RemoteConnector } from '../../src/api/types.js';
import type { DesiredConnector, Visibility } from '../../src/config/types.js';
import { applyPlan } from '../../src/reconcile/apply.js';
import { planChanges } from '../../src/reconcile/plan.js';
import { FakeApi } from '../support/fake-api.js';
import { desired, planOptions, remoteFor } from '../support/fixtures.js';

const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'eps', 'zeta', 'team-a', 'team-b'];
const visibility = fc.constantFrom<Visibility>('private', 'shared_workspace', 'shared_org');
const text = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.string({ maxLength: 20 }),
  fc.string().map((s) => `${s}\n`),
);
const server = fc.constantFrom(
  'https://mcp.example.com/a',
  'HTTPS://MCP.example.com:443/a',
  'https://mcp.example.com/b',
  'http://localhost:8080/mcp',
);

const desiredConnector = (name: string) =>
  fc
    .record({
      description: fc.string({ minLength: 1, maxLength: 30 }),
      server,
      visibility,
      title: text,
      icon_url: fc.constantFrom(null, 'https://example.com/i.png'),
      system_prompt: text,
      renamed: fc.option(fc.constantFrom(...NAMES), { nil: null }),
    })
    .map(({ renamed, ...fields }) =>
      desired(name, { ...fields, renamed_from: renamed === name ? null : renamed }),
    );

/** A desired state with unique names; renamed_from never points at another declared name. */
const desiredState = fc
  .subarray(NAMES, { maxLength: 6 })
  .chain((names) => fc.tuple(...names.map(desiredConnector)))
  .map((connectors: DesiredConnector[]) => {
    const names = new Set(connectors.map((c) => c.name));
    const seen = new Set<string>();
    return connectors.map((c) => {
      const from = c.renamed_from;
      if (from === null || names.has(from) || seen.has(from)) return { ...c, renamed_from: null };
      seen.add(from);
      return c;
    });
  });

const remoteState = fc
  .subarray([...NAMES, 'gmail', 'other'], { maxLength: 8 })
  .chain((names) => fc.tuple(...names.map((name) => desiredConnector(name).map((d) => [d, name] as const))))
  .map((pairs) =>
    pairs.map(
      ([d, name]): RemoteConnector =>
        name === 'gmail'
          ? remoteFor(d, { mistral: true, visibility: 'shared_global', owner_type: 'system' })
          : remoteFor({ ...d, visibility: d.visibility }),
    ),
  );

describe('planner properties', () => {
  it('is idempotent: apply the plan, plan again, nothing is left to do', async () => {
    await fc.assert(
      fc.asyncProperty(desiredState, remoteState, fc.boolean(), async (wanted, remote, prune) => {
        const api = new FakeApi().seed(remote);
        const options = planOptions({ prune, allowReplace: true, forceDeletes: true, allowEmpty: true });
        const plan = planChanges(wanted, (await api.listConnectors()).items, options);
        const applied = await applyPlan(plan, new Map(wanted.map((d) => [d.name, d])), api, {
          concurrency: 3,
        });
        expect(applied.failed).toBe(0);
        const again = planChanges(wanted, (await api.listConnectors()).items, options);
        expect(again.operations).toEqual([]);
        expect(new Set(again.in_sync)).toEqual(new Set(wanted.map((d) => d.name)));
        // Mistral's own connectors are never touched
        const builtin = remote.find((r) => r.mistral);
        if (builtin) expect(api.connectors.get(builtin.id)).toEqual(builtin);
      }),
      { numRuns: 300 },
    );
  });

  it('never plans a write while a refusal stands, and never deletes without prune', () => {
    fc.assert(
      fc.property(desiredState, remoteState, (wanted, remote) => {
        const plan = planChanges(wanted, remote, planOptions({ prune: false }));
        expect(plan.operations.filter((op) => op.kind === 'delete')).toEqual([]);
        const guarded = planChanges(wanted, remote, planOptions({ prune: true, listingComplete: false }));
        if (guarded.operations.some((op) => op.kind === 'delete')) {
          expect(guarded.refusals.map((r) => r.code)).toContain('listing-incomplete');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('plans the same thing for the same input (pure)', () => {
    fc.assert(
      fc.property(desiredState, remoteState, fc.boolean(), (wanted, remote, prune) => {
        const options = planOptions({ prune });
        expect(planChanges(wanted, remote, options)).toEqual(planChanges(wanted, remote, options));
      }),
      { numRuns: 100 },
    );
  });
});
