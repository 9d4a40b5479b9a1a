// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are connector-file text, where ${env:...} is the syntax under test
/** `global_headers` and the OAuth server metadata fields in connector files. */
import { describe, expect, test } from 'vitest';
import { loadDesiredState } from '../../src/config/load.js';
import type { LoadResult } from '../../src/config/types.js';
import { memoryFs } from './memory-fs.js';

const BASE = 'name: wiki\ndescription: Wiki\nserver: https://wiki.example.com/mcp\n';

async function load(text: string, env: Record<string, string> = {}): Promise<LoadResult> {
  const fs = memoryFs({ '/repo/connectors/wiki.yaml': BASE + text });
  return loadDesiredState(['connectors'], { resolve: true, cwd: '/repo', env, fs });
}

describe('global_headers and OAuth server metadata', () => {
  test('global_headers take a value or {value, is_secret}, secret by default, with references; headers merge in as secret', async () => {
    const result = await load(
      'headers:\n  Authorization: Bearer ${env:TOKEN}\nglobal_headers:\n  X-Key: ${env:KEY}\n  X-Tenant: { value: acme, is_secret: false }\n',
      { TOKEN: 'canary-t', KEY: 'canary-k' },
    );
    if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('\n'));
    const headers = result.state.connectors[0]!.global_headers!;
    const shown = Object.fromEntries(
      Object.entries(headers).map(([name, h]) => [name, [h.value.reveal(), h.is_secret]]),
    );
    expect(shown).toEqual({
      Authorization: ['Bearer canary-t', true],
      'X-Key': ['canary-k', true],
      'X-Tenant': ['acme', false],
    });
  });

  test('a header in both headers and global_headers (in any case) is an error at its line', async () => {
    const result = await load('headers:\n  Authorization: a\nglobal_headers:\n  authorization: b\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toContainEqual(
      expect.objectContaining({
        code: 'duplicate-header',
        key: 'global_headers.authorization',
        location: { file: 'connectors/wiki.yaml', line: 7, column: 3 },
        related: [{ file: 'connectors/wiki.yaml', line: 5, column: 3 }],
      }),
    );
  });

  test('oauth2_server_metadata and oauth2_server_metadata_url exclude each other', async () => {
    const result = await load(
      'oauth2_server_metadata:\n  issuer: https://a.example.com\n  authorization_endpoint: https://a.example.com/a\n  token_endpoint: https://a.example.com/t\noauth2_server_metadata_url: https://a.example.com/m\n',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => [i.code, i.message])).toEqual([
      [
        'exclusive-keys',
        'the connector declares both `oauth2_server_metadata` and `oauth2_server_metadata_url`, which the API takes only one of: keep one',
      ],
    ]);
  });

  test('metadata is data: references are not allowed in it, unknown keys are refused', async () => {
    const result = await load(
      'oauth2_server_metadata:\n  issuer: https://a.example.com\n  authorization_endpoint: https://a.example.com/a\n  token_endpoint: https://a.example.com/t\n  x_scope: ${env:SCOPE}\n',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.code)).toEqual(['reference-not-allowed']);
    const typo = await load(
      'oauth2_server_metadata:\n  issuer: https://a.example.com\n  authorization_endpoint: https://a.example.com/a\n  token_endpoint: https://a.example.com/t\n  scopes: [a]\n',
    );
    expect(typo.ok).toBe(false);
  });
});
