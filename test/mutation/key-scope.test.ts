/** The key-scope trap, function by function: when a run stops rather than create a private connector twice. */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import type { ConnectorsApi, RemoteConnector } from '../../src/api/types.js';
import type { DesiredConnector } from '../../src/config/types.js';
import { ConnectorSyncError, type ErrorCode } from '../../src/errors.js';
import {
  forgetSettled,
  hiddenCreations,
  KeyScopeProbe,
  keyScopeError,
  rememberCreated,
  sharedOrgRefusal,
} from '../../src/reconcile/key-scope.js';
import type { CreatedMemory } from '../../src/reconcile/ledger.js';
import type { Operation, Plan } from '../../src/reconcile/types.js';
import { desired, operation, remoteFor } from '../support/fixtures.js';

const op = operation;
const planOf = (...operations: Operation[]): Plan => ({
  operations,
  in_sync: [],
  unverified: [],
  orphans: [],
  warnings: [],
  refusals: [],
  basis: [],
  invalid_remote: [],
});
const byName = (...connectors: DesiredConnector[]) => new Map(connectors.map((c) => [c.name, c]));
const memory = (...entries: [string, string][]): CreatedMemory =>
  new Map(entries.map(([id, name]) => [id, { name, created_at: '2026-01-01T00:00:00Z' }]));
const shared = (name: string) => remoteFor(desired(name));
const hidden = (name: string, id = `id-${name}`) =>
  remoteFor(desired(name, { visibility: 'private' }), { id });

describe('keyScopeError', () => {
  it('names one connector alone and several by count and names, with both ways out', () => {
    const one = keyScopeError(['notes'], 'evidence');
    expect(one.code).toBe('KEY_SCOPE_HIDES_PRIVATE');
    expect(one.message).toBe(
      'notes: evidence. This API key\'s connector access scope hides private connectors (most likely "Shared ' +
        'connectors only", the default for API keys), so connector-sync stops rather than create them a second time.',
    );
    expect(one.hint).toBe(
      'use an API key created with the connector access scope "Private and shared connectors", or declare ' +
        '`visibility: shared_workspace` for these connectors (delete the hidden private ones in Le Chat first: ' +
        'their names stay taken)',
    );
    expect(keyScopeError(['a', 'b'], 'e').message).toMatch(/^2 connectors \(a, b\): e\. /);
  });
});

describe('hiddenCreations', () => {
  const notes = desired('notes', { visibility: 'private' });
  const diary = desired('diary', { visibility: 'private' });

  it('stops a create of a remembered private connector the shared-only listing does not show', () => {
    const error = hiddenCreations(
      planOf(op('create', 'notes')),
      byName(notes),
      [shared('wiki')],
      memory(['1', 'notes']),
    );
    expect(error?.message).toMatch(
      /^notes: connector-sync created it with this API key on an earlier run, and the listing does not show it\. /,
    );
  });

  it('names several at once, and only the private creates it remembers', () => {
    const wiki = desired('wiki');
    const plan = planOf(
      op('create', 'notes'),
      op('create', 'diary'),
      op('create', 'wiki'),
      op('create', 'fresh'),
      op('update', 'notes'),
      op('create', 'undeclared'),
    );
    const created = memory(['1', 'notes'], ['2', 'diary'], ['3', 'wiki'], ['4', 'undeclared']);
    const error = hiddenCreations(
      plan,
      byName(notes, diary, wiki, desired('fresh', { visibility: 'private' })),
      [],
      created,
    );
    expect(error?.message).toMatch(
      /^2 connectors \(notes, diary\): connector-sync created them with this API key on an earlier run, and the listing shows none of them\. /,
    );
  });

  it('is silent with nothing remembered, nothing matching, or a listing that shows a private connector', () => {
    const plan = planOf(op('create', 'notes'));
    expect(hiddenCreations(plan, byName(notes), [], memory())).toBeNull();
    expect(hiddenCreations(plan, byName(notes), [hidden('other')], memory(['1', 'notes']))).toBeNull();
    expect(
      hiddenCreations(planOf(op('update', 'notes')), byName(notes), [], memory(['1', 'notes'])),
    ).toBeNull();
    expect(hiddenCreations(plan, byName(notes), [], memory(['1', 'diary']))).toBeNull();
  });
});

describe('forgetSettled', () => {
  it('forgets a created connector the listing shows by id or by name, and keeps the rest', () => {
    const created = memory(['1', 'notes'], ['2', 'diary'], ['3', 'kept']);
    const listing = [shared('other'), remoteFor(desired('x'), { id: '1' }), shared('diary')];
    expect(forgetSettled(created, listing)).toBe(true);
    expect([...created.keys()]).toEqual(['3']);
  });

  it('forgets all once the listing shows any private connector', () => {
    const created = memory(['1', 'notes'], ['2', 'diary']);
    expect(forgetSettled(created, [hidden('someone-else')])).toBe(true);
    expect(created.size).toBe(0);
  });

  it('reports false when nothing was settled, or nothing was remembered', () => {
    const created = memory(['1', 'notes']);
    expect(forgetSettled(created, [shared('wiki')])).toBe(false);
    expect(created.size).toBe(1);
    expect(forgetSettled(memory(), [hidden('a')])).toBe(false);
  });
});

describe('rememberCreated', () => {
  it('remembers private connectors this run created or replaced, not those it converged on or deleted', () => {
    const created = memory();
    const adopted = hidden('adopted', 'same');
    rememberCreated(
      created,
      [
        { operation: op('create', 'notes'), status: 'applied', remote: hidden('notes', 'n') },
        { operation: op('replace', 'diary'), status: 'failed', remote: hidden('diary', 'd') },
        {
          operation: op('update', 'moved', { remote: { id: 'old', name: 'moved', modified_at: '' } }),
          status: 'applied',
          remote: hidden('moved', 'm'),
        },
        { operation: op('create', 'wiki'), status: 'applied', remote: shared('wiki') },
        { operation: op('delete', 'gone'), status: 'applied', remote: hidden('gone', 'g') },
        { operation: op('rename', 'renamed'), status: 'applied', remote: hidden('renamed', 'r') },
        {
          operation: op('update', 'adopted', { remote: { id: 'same', name: 'adopted', modified_at: '' } }),
          status: 'applied',
          remote: adopted,
        },
        { operation: op('create', 'failed'), status: 'failed' },
      ],
      '2026-11-26T12:00:00Z',
    );
    expect(Object.fromEntries(created)).toEqual({
      n: { name: 'notes', created_at: '2026-11-26T12:00:00Z' },
      d: { name: 'diary', created_at: '2026-11-26T12:00:00Z' },
      m: { name: 'moved', created_at: '2026-11-26T12:00:00Z' },
    });
  });
});

/** An API whose get by id answers with the given error, or the connector. */
function apiGetting(answer: Error | null): ConnectorsApi & { gets: string[] } {
  const gets: string[] = [];
  return {
    gets,
    async getConnector(id: string) {
      gets.push(id);
      if (answer) throw answer;
      return { id } as RemoteConnector;
    },
  } as unknown as ConnectorsApi & { gets: string[] };
}

describe('KeyScopeProbe', () => {
  it('a private connector the get cannot see is the stop, and stops later private creates only', async () => {
    const probe = new KeyScopeProbe(false);
    expect(probe.before(desired('first', { visibility: 'private' }))).toBeNull();
    const api = apiGetting(new ConnectorSyncError('API_NOT_FOUND', 'not found'));
    const error = await probe.after(hidden('notes', 'n-1'), api);
    expect(error?.code).toBe('KEY_SCOPE_HIDES_PRIVATE');
    expect(error?.message).toMatch(
      /^notes: created \(id n-1\), but a get by id right after cannot see it\. /,
    );
    expect(api.gets).toEqual(['n-1']);
    const next = probe.before(desired('diary', { visibility: 'private' }));
    expect(next?.message).toMatch(
      /^diary: not created: notes, created just before by this run, could not be read back\. /,
    );
    expect(probe.before(desired('wiki'))).toBeNull();
  });

  it('once a created private connector is seen, no more gets', async () => {
    const probe = new KeyScopeProbe(false);
    const api = apiGetting(null);
    expect(await probe.after(hidden('a', 'a-1'), api)).toBeNull();
    expect(await probe.after(hidden('b', 'b-1'), api)).toBeNull();
    expect(api.gets).toEqual(['a-1']);
  });

  it('reads nothing back for a shared connector or when the listing showed a private one', async () => {
    const api = apiGetting(new ConnectorSyncError('API_NOT_FOUND', 'not found'));
    expect(await new KeyScopeProbe(false).after(shared('wiki'), api)).toBeNull();
    expect(await new KeyScopeProbe(true).after(hidden('notes'), api)).toBeNull();
    expect(api.gets).toEqual([]);
  });

  it('a get that fails for another reason proves nothing and stops nothing', async () => {
    for (const failure of [new ConnectorSyncError('API_SERVER', 'down'), new Error('bug')]) {
      const probe = new KeyScopeProbe(false);
      expect(await probe.after(hidden('notes'), apiGetting(failure))).toBeNull();
      expect(probe.before(desired('diary', { visibility: 'private' }))).toBeNull();
    }
  });
});

describe('sharedOrgRefusal', () => {
  const refused = (code: ErrorCode, status: number) =>
    new ApiError(code, `refused (HTTP ${status})`, {
      status,
      method: 'POST',
      path: '/v1/connectors',
      requestId: null,
      retryable: false,
      outcomeUnknown: false,
    });
  const org = desired('org-wiki', { visibility: 'shared_org' });

  it('a 403 on a shared_org connector says only organization admins manage those', () => {
    const error = refused('API_UNAUTHORIZED', 403);
    const result = sharedOrgRefusal(op('create', 'org-wiki'), org, error);
    expect(result.code).toBe('API_UNAUTHORIZED');
    expect(result.message).toBe(
      "create org-wiki: only organization admins can create, change or delete shared_org connectors, and this API key's user is not one (refused (HTTP 403))",
    );
    expect(result.cause).toBe(error);
  });

  it('also when the connector leaves shared_org, and without a declared connector', () => {
    const leaving = op('update', 'org-wiki', {
      visibility: { from: 'shared_org', to: 'shared_workspace', via: 'unshare' },
    });
    expect(sharedOrgRefusal(leaving, undefined, refused('API_UNAUTHORIZED', 403)).message).toContain(
      'only organization admins',
    );
  });

  it('leaves every other error as it was', () => {
    const cases: [Operation, DesiredConnector | undefined, ApiError][] = [
      [op('create', 'org-wiki'), org, refused('API_UNAUTHORIZED', 401)],
      [op('create', 'org-wiki'), org, refused('API_CONFLICT', 403)],
      [op('create', 'wiki'), desired('wiki'), refused('API_UNAUTHORIZED', 403)],
      [op('delete', 'gone'), undefined, refused('API_UNAUTHORIZED', 403)],
      [
        op('update', 'w', { visibility: { from: 'shared_workspace', to: 'private', via: 'unshare' } }),
        undefined,
        refused('API_UNAUTHORIZED', 403),
      ],
    ];
    for (const [operation, connector, error] of cases) {
      expect(sharedOrgRefusal(operation, connector, error)).toBe(error);
    }
  });
});
