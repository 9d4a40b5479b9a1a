/**
 * `connector-sync diff`'s core: two environments compared by connector name, as declared and as
 * they are, with the differing fields; secrets never shown; differences the vars explain expected.
 */
import { describe, expect, it } from 'vitest';
import {
  compareEnvironments,
  type EnvironmentSide,
  isEquivalent,
} from '../../src/reconcile/compare-environments.js';
import {
  environmentDiffJson,
  renderEnvironmentDiffMarkdown,
  renderEnvironmentDiffText,
} from '../../src/render/environment-diff.js';
import { makeStyle } from '../../src/render/style.js';
import { Secret } from '../../src/secret.js';
import { desired, headers, remoteFor } from '../support/fixtures.js';

const KEY = Buffer.alloc(32, 7);
const CANARY = 'canary-diff-secret-5f2a9c';
const ALL = { include: [], protect: [] };

function side(name: string, overrides: Partial<EnvironmentSide> = {}): EnvironmentSide {
  return { name, desired: [], scope: ALL, vars: {}, ...overrides };
}

describe('compareEnvironments', () => {
  it('sorts every name into only in A, only in B, same or differs, as declared', () => {
    const a = side('staging', {
      desired: [desired('same'), desired('changed'), desired('only-staging')],
    });
    const b = side('prod', {
      desired: [desired('same'), desired('changed', { description: 'other' }), desired('only-prod')],
    });
    const c = compareEnvironments(a, b, KEY);
    expect(c.declared.map((e) => [e.name, e.status])).toEqual([
      ['changed', 'differs'],
      ['only-prod', 'only-b'],
      ['only-staging', 'only-a'],
      ['same', 'same'],
    ]);
    expect(c.declared[0]!.fields).toEqual([{ field: 'description', a: 'changed connector', b: 'other' }]);
    expect(c.remote).toBeNull();
    expect(isEquivalent(c)).toBe(false);
  });

  it('normalizes as the planner does: a trailing newline or a URL spelling is no difference', () => {
    const a = side('a', { desired: [desired('x', { description: 'd\n', server: 'HTTPS://Example.com' })] });
    const b = side('b', { desired: [desired('x', { description: 'd', server: 'https://example.com/' })] });
    const c = compareEnvironments(a, b, KEY);
    expect(c.declared).toEqual([{ name: 'x', status: 'same', fields: [], expected: false }]);
    expect(isEquivalent(c)).toBe(true);
  });

  it('marks a difference the vars explain as expected, naming the vars', () => {
    const a = side('staging', {
      vars: { host: 'staging.example.com', team: 'core' },
      desired: [
        desired('x', { server: 'https://staging.example.com/mcp', title: 'Core (staging.example.com)' }),
      ],
    });
    const b = side('prod', {
      vars: { host: 'example.com', team: 'core' },
      desired: [desired('x', { server: 'https://example.com/mcp', title: 'Core (example.com)' })],
    });
    const c = compareEnvironments(a, b, KEY);
    expect(c.declared[0]).toMatchObject({ status: 'differs', expected: true });
    expect(c.declared[0]!.fields.map((f) => [f.field, f.vars])).toEqual([
      ['server', ['host']],
      ['title', ['host']],
    ]);
    expect(isEquivalent(c)).toBe(true);
  });

  it('does not call a difference expected when the vars do not explain all of it', () => {
    const a = side('a', {
      vars: { host: 'a.example.com' },
      desired: [desired('x', { server: 'https://a.example.com/v1' })],
    });
    const b = side('b', {
      vars: { host: 'b.example.com' },
      desired: [desired('x', { server: 'https://b.example.com/v2' })],
    });
    const c = compareEnvironments(a, b, KEY);
    expect(c.declared[0]).toMatchObject({ status: 'differs', expected: false });
    expect(c.declared[0]!.fields[0]!.vars).toBeUndefined();
    expect(isEquivalent(c)).toBe(false);
  });

  it('compares secrets without ever showing them: headers by name, OAuth values by fingerprint', () => {
    const oauth = (secret: string) => ({ client_id: new Secret('id'), client_secret: new Secret(secret) });
    const a = side('a', {
      desired: [desired('x', { headers: headers({ Authorization: CANARY }), auth_data: oauth(CANARY) })],
    });
    const b = side('b', {
      desired: [desired('x', { headers: headers({ Authorization: 'other' }), auth_data: oauth('other') })],
    });
    const c = compareEnvironments(a, b, KEY);
    expect(c.declared[0]!.fields).toEqual([
      { field: 'global_headers.Authorization', a: '(secret)', b: '(secret)' },
      { field: 'auth_data', a: '(secret)', b: '(secret)' },
    ]);
    const same = compareEnvironments(a, { ...a, name: 'b' }, KEY);
    expect(same.declared[0]!.status).toBe('same');
    for (const out of [
      JSON.stringify(environmentDiffJson(c)),
      renderEnvironmentDiffText(c, makeStyle(false)),
      renderEnvironmentDiffMarkdown(c),
    ])
      expect(out).not.toContain(CANARY.slice(0, 12));
  });

  it('compares the workspaces as they are, in each side`s scope and without Mistral`s own', () => {
    const x = desired('x');
    const a = side('a', {
      scope: { include: ['x', 'y', 'theirs'], protect: [] },
      remote: [
        remoteFor(x, { tools: [{ name: 'search' }, { name: 'fetch' }] }),
        remoteFor(desired('y')),
        remoteFor(desired('builtin'), { mistral: true }),
      ],
    });
    const b = side('b', {
      scope: { include: [], protect: ['y'] },
      remote: [
        remoteFor(x, { visibility: 'private', tools: [{ name: 'fetch' }] }),
        remoteFor(desired('y')),
        remoteFor(desired('theirs')),
      ],
    });
    const c = compareEnvironments(a, b, KEY);
    expect(c.remote!.map((e) => [e.name, e.status])).toEqual([
      ['theirs', 'only-b'],
      ['x', 'differs'],
      ['y', 'only-a'],
    ]);
    expect(c.remote![1]!.fields).toEqual([
      { field: 'visibility', a: 'shared_workspace', b: 'private' },
      { field: 'tools', a: 'fetch, search', b: 'fetch' },
    ]);
  });

  it('shows the plain headers a workspace shows, and secret ones only as (secret)', () => {
    const x = desired('x');
    const method = (value: unknown) => [{ method_type: 'none', global_headers: value }];
    const a = side('a', {
      remote: [
        remoteFor(x, { supported_auth_methods: method({ 'X-Team': { value: 'core', is_secret: false } }) }),
      ],
    });
    const b = side('b', {
      remote: [
        remoteFor(x, { supported_auth_methods: method({ 'x-team': { value: CANARY, is_secret: true } }) }),
      ],
    });
    expect(compareEnvironments(a, b, KEY).remote![0]!.fields).toEqual([
      { field: 'global_headers.X-Team', a: 'core', b: '(secret)' },
    ]);
  });
});

describe('the diff renderers', () => {
  const hostile = 'x\u001b]8;;https://evil.example\u0007[click](https://evil.example)|<b>';
  const a = side('staging', {
    vars: { host: 's.example.com' },
    desired: [desired('x', { server: 'https://s.example.com/' })],
  });
  const b = side('prod', {
    vars: { host: 'p.example.com' },
    desired: [desired('x', { server: 'https://p.example.com/' })],
    remote: [remoteFor(desired('x'), { description: hostile })],
  });

  it('say offline when the workspaces were not read, and name the vars', () => {
    const text = renderEnvironmentDiffText(compareEnvironments(a, b, KEY), makeStyle(false));
    expect(text).toContain(
      'As declared (staging vs prod): 0 same, 1 differ, 0 only in staging, 0 only in prod',
    );
    expect(text).toContain(
      `server: https://s.example.com/ | https://p.example.com/ (expected: \${var:host})`,
    );
    expect(text).toContain('As they are (staging vs prod): not compared (--offline)');
    expect(text).toContain('staging and prod are equivalent');
  });

  it('escape what a workspace says, in text and Markdown', () => {
    const c = compareEnvironments({ ...a, remote: [remoteFor(desired('x'))] }, b, KEY);
    const text = renderEnvironmentDiffText(c, makeStyle(false));
    expect(text).not.toContain('\u001b');
    expect(text).toContain('\\e]8;;');
    const markdown = renderEnvironmentDiffMarkdown(c);
    expect(markdown).not.toContain('\u001b');
    // inside a code span nothing is a link or a tag, and the cell's `|` is escaped
    expect(markdown).toContain('| `x\\e]8;;https://evil.example\\x07[click](https://evil.example)\\|<b>` |');
    expect(environmentDiffJson(c)).toMatchObject({ environments: ['staging', 'prod'], equivalent: false });
  });

  it('keep a listed name with a `|` in its own Markdown cell', () => {
    const name = 'x|[click](https://evil.example)|';
    const c = compareEnvironments({ ...a, remote: [remoteFor(desired(name))] }, { ...b, remote: [] }, KEY);
    const markdown = renderEnvironmentDiffMarkdown(c);
    const row = markdown.split('\n').find((line) => line.includes('evil.example'));
    expect(row).toBe('| `x\\|[click](https://evil.example)\\|` | only in staging |  |  |  |');
  });
});
