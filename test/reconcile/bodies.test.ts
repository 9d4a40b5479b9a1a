/**
 * Request bodies against the published spec (../shared/api/connectors-openapi.yaml): a PATCH never
 * carries `headers` or `auth_data` (UpdateConnectorRequest has neither; the API would ignore them),
 * and write-only values travel in one complete `auth_methods` entry.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { carriedBy, convergeBody, createBody, updateBody } from '../../src/reconcile/bodies.js';
import { planChanges } from '../../src/reconcile/plan.js';
import { Secret } from '../../src/secret.js';
import { desired, headers, planOptions, remoteFor } from '../support/fixtures.js';
import { OPENAPI_FILE } from '../support/shared-dir.js';

const SPEC = parse(readFileSync(OPENAPI_FILE, 'utf8')) as {
  components: { schemas: Record<string, { properties: Record<string, unknown> }> };
};
const propertiesOf = (schema: string) => Object.keys(SPEC.components.schemas[schema]!.properties);

const METADATA = {
  issuer: 'https://auth.example.com',
  authorization_endpoint: 'https://auth.example.com/authorize',
  token_endpoint: 'https://auth.example.com/token',
};

const oauth = desired('oauth', {
  headers: headers({ Authorization: 'Bearer canary-h1' }),
  global_headers: {
    Authorization: { value: new Secret('Bearer canary-h1'), is_secret: true },
    'X-Tenant': { value: new Secret('acme'), is_secret: false },
  },
  auth_data: { client_id: new Secret('canary-id'), client_secret: new Secret('canary-secret') },
  oauth2_server_metadata: METADATA,
  secret_version: '2',
});
const plain = desired('plain', { headers: headers({ 'X-Key': 'canary-k1' }) });

/** Every PATCH body the planner and the applier can make for these connectors. */
function updateBodies() {
  const bodies = [];
  for (const connector of [oauth, plain]) {
    const remote = remoteFor(connector, { description: 'old words', name: `${connector.name}-old` });
    const pushed = planChanges(
      [{ ...connector, renamed_from: `${connector.name}-old` }],
      [remote],
      planOptions({ pushSecrets: ['*'] }),
    );
    bodies.push(updateBody(pushed.operations[0]!, connector), convergeBody(connector, remote));
  }
  return bodies;
}

describe('request bodies against the published spec', () => {
  it("a PATCH body's keys are UpdateConnectorRequest's, and its auth method's AuthenticationMethodCreateOrUpdateRequest's", () => {
    const update = new Set(propertiesOf('UpdateConnectorRequest'));
    const method = new Set(propertiesOf('AuthenticationMethodCreateOrUpdateRequest'));
    const bodies = updateBodies();
    expect(bodies.every((body) => 'auth_methods' in body)).toBe(true);
    for (const body of bodies) {
      expect(Object.keys(body).filter((key) => !update.has(key))).toEqual([]);
      for (const entry of body.auth_methods ?? [])
        expect(Object.keys(entry).filter((key) => !method.has(key))).toEqual([]);
    }
  });

  it("a create body's keys are CreateConnectorRequest's, headers going as global_headers (one store, the one an update reaches)", () => {
    const create = new Set(propertiesOf('CreateConnectorRequest'));
    const body = createBody(oauth);
    expect(Object.keys(body).filter((key) => !create.has(key))).toEqual([]);
    expect(body).not.toHaveProperty('headers');
    expect(body.global_headers).toEqual({
      Authorization: { value: 'Bearer canary-h1', is_secret: true },
      'X-Tenant': { value: 'acme', is_secret: false },
    });
    expect(body.auth_data).toEqual({ client_id: 'canary-id', client_secret: 'canary-secret' });
    expect(body.oauth2_server_metadata).toEqual(METADATA);
    expect(carriedBy(body).sort()).toEqual(['auth_data', 'headers', 'oauth2_server_metadata']);
  });

  it('the auth method entry carries every declared value of the method, whatever triggered it', () => {
    const remote = remoteFor(oauth);
    const plan = planChanges([oauth], [remote], planOptions({ pushSecrets: ['oauth'] }));
    const body = updateBody(plan.operations[0]!, oauth);
    expect(body).toEqual({
      auth_methods: [
        {
          method_type: 'oauth2',
          global_headers: {
            Authorization: { value: 'Bearer canary-h1', is_secret: true },
            'X-Tenant': { value: 'acme', is_secret: false },
          },
          oauth2_metadata_secrets: { client_id: 'canary-id', client_secret: 'canary-secret' },
          oauth2_server_metadata: METADATA,
        },
      ],
    });
    expect(carriedBy(body).sort()).toEqual(['auth_data', 'headers', 'oauth2_server_metadata']);
    const none = updateBody(
      planChanges([plain], [remoteFor(plain)], planOptions({ pushSecrets: ['*'] })).operations[0]!,
      plain,
    );
    expect(none.auth_methods).toEqual([
      { method_type: 'none', global_headers: { 'X-Key': { value: 'canary-k1', is_secret: true } } },
    ]);
  });

  it('the create-only metadata URL is carried by a create, never by an update', () => {
    const url = desired('url', { oauth2_server_metadata_url: 'https://auth.example.com/.well-known/x' });
    expect(carriedBy(createBody(url))).toEqual(['oauth2_server_metadata_url']);
    expect(convergeBody(url, remoteFor(url))).toEqual({});
  });
});
