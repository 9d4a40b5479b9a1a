// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are connector-file text, where ${env:...} is the syntax under test
import { describe, expect, test } from 'vitest';
import { loadDesiredState } from '../../src/config/load.js';
import { memoryFs } from './memory-fs.js';

const HEAD = 'name: svc\ndescription: d\nserver: https://mcp.example.com/svc\n';

async function load(text: string, env: Record<string, string> = {}) {
  const fs = memoryFs({ '/repo/connectors/svc.yaml': HEAD + text });
  return loadDesiredState(['connectors'], { resolve: true, cwd: '/repo', env, fs });
}

describe('active_for and credentials in a connector file', () => {
  test('are read, values as secrets resolved from references', async () => {
    const result = await load(
      'active_for: [workspace]\ncredentials:\n  - { name: bot, scope: workspace, title: Bot, bearer_token: "${env:T}" }\n',
      { T: 'canary-token-1' },
    );
    if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('\n'));
    const [svc] = result.state.connectors;
    expect(svc?.active_for).toEqual(['workspace']);
    expect(svc?.credentials?.[0]).toMatchObject({
      name: 'bot',
      scope: 'workspace',
      title: 'Bot',
      default: null,
    });
    expect(svc?.credentials?.[0]?.bearer_token?.reveal()).toBe('canary-token-1');
    expect(JSON.stringify(svc)).not.toContain('canary-token-1');
  });

  test('two defaults of one scope and auth method are an error at the second, with its line', async () => {
    const result = await load(
      [
        'credentials:',
        '  - { name: a, scope: workspace, default: true, bearer_token: "${env:T}" }',
        '  - { name: b, scope: workspace, default: true, bearer_token: "${env:T}" }',
        '  - { name: c, scope: user, default: true, bearer_token: "${env:T}" }',
        '',
      ].join('\n'),
      { T: 'x' },
    );
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues;
    expect(issues.map((i) => [i.code, i.location.line, i.key])).toEqual([
      ['several-default-credentials', 6, 'credentials[1].default'],
    ]);
    expect(issues[0]?.message).toContain('the API keeps one default per scope and auth method');
  });

  test('a first credential that says default: false with no other default is an error', async () => {
    const result = await load(
      'credentials:\n  - { name: a, scope: user, default: false, headers: { X-Key: "${env:T}" } }\n',
      {
        T: 'x',
      },
    );
    expect(result.ok ? [] : result.issues.map((i) => i.code)).toEqual(['no-default-credential']);
  });

  test('a credential holds a bearer token or headers, not both; an unknown scope is refused', async () => {
    const both = await load(
      'credentials:\n  - { name: a, scope: user, bearer_token: "${env:T}", headers: { X: "${env:T}" } }\n',
      { T: 'x' },
    );
    expect(both.ok ? '' : both.issues.map((i) => i.message).join('\n')).toContain(
      'both `bearer_token` and `headers`',
    );
    const scope = await load('credentials:\n  - { name: a, scope: team, bearer_token: "${env:T}" }\n', {
      T: 'x',
    });
    expect(scope.ok).toBe(false);
    const reference = await load(
      'credentials:\n  - { name: a, scope: user, title: "${env:T}", bearer_token: x }\n',
      {
        T: 'x',
      },
    );
    expect(reference.ok ? [] : reference.issues.map((i) => i.code)).toContain('reference-not-allowed');
  });
});
