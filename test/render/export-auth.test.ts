// biome-ignore-all lint/suspicious/noTemplateCurlyInString: exported connector-file text, where ${env:...} is the placeholder syntax
/** Export writes what the API shows of the auth method, and reads back in sync. */
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../src/config/load.js';
import { planChanges } from '../../src/reconcile/plan.js';
import { connectorToYaml } from '../../src/render/export-yaml.js';
import { memoryFs } from '../config/memory-fs.js';
import { desired, planOptions, remoteFor } from '../support/fixtures.js';

const METADATA = {
  issuer: 'https://auth.example.com/',
  authorization_endpoint: 'https://auth.example.com/authorize',
  token_endpoint: 'https://auth.example.com/token',
  scopes_supported: ['read'],
  registration_endpoint: null,
  x_source: 'provided',
};

describe('export of auth methods', () => {
  it('writes non-secret global headers and the OAuth metadata, secret header names as placeholders; the file is in sync', async () => {
    const remote = remoteFor(desired('sso-api'), {
      supported_auth_methods: [
        {
          method_type: 'oauth2',
          has_default_credentials: false,
          global_headers: {
            'X-Tenant': { value: 'acme', is_secret: false },
            Authorization: { value: '**********', is_secret: true },
          },
          oauth2_server_metadata: METADATA,
        },
      ],
    });
    const text = connectorToYaml(remote, '../schemas/connector.schema.json');
    expect(text).toContain('#   Authorization: ${env:SSO_API_AUTHORIZATION}');
    expect(text).not.toContain('*****');
    const fs = memoryFs({ '/repo/connectors/sso-api.yaml': text });
    const loaded = await loadDesiredState(['connectors'], { resolve: true, cwd: '/repo', env: {}, fs });
    if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join('\n'));
    const [connector] = loaded.state.connectors;
    expect(connector?.global_headers?.['X-Tenant']?.is_secret).toBe(false);
    expect(connector?.oauth2_server_metadata).toEqual({
      issuer: 'https://auth.example.com/',
      authorization_endpoint: 'https://auth.example.com/authorize',
      token_endpoint: 'https://auth.example.com/token',
      scopes_supported: ['read'],
      x_source: 'provided',
    });
    const plan = planChanges(loaded.state.connectors, [remote], planOptions());
    expect(plan.operations).toEqual([]);
    expect(plan.in_sync).toEqual(['sso-api']);
  });
});
