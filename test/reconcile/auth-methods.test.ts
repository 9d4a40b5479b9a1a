/**
 * What the API shows of an auth method (supported_auth_methods[]) is compared; what it hides
 * (secret header values, metadata it does not show) is verified by fingerprint or said unverified.
 */
import { describe, expect, it } from 'vitest';
import { planChanges } from '../../src/reconcile/plan.js';
import { Secret } from '../../src/secret.js';
import { desired, planOptions, remoteFor } from '../support/fixtures.js';

const tenant = (value: string) => ({ 'X-Tenant': { value: new Secret(value), is_secret: false } });
const METADATA = {
  issuer: 'https://auth.example.com',
  authorization_endpoint: 'https://auth.example.com/authorize',
  token_endpoint: 'https://auth.example.com/token',
  scopes_supported: ['read'],
};

describe('auth methods the API shows', () => {
  it('compares a non-secret header value it shows: equal is in sync (no fingerprint needed), different is sent', () => {
    const wanted = desired('a', { global_headers: tenant('acme') });
    const shown = (value: string) =>
      remoteFor(wanted, {
        supported_auth_methods: [
          { method_type: 'none', global_headers: { 'x-tenant': { value, is_secret: false } } },
        ],
      });
    expect(planChanges([wanted], [shown('acme')], planOptions())).toMatchObject({
      operations: [],
      in_sync: ['a'],
      unverified: [],
    });
    const changed = planChanges([wanted], [shown('other')], planOptions());
    expect(changed.operations[0]).toMatchObject({
      kind: 'update',
      changes: [{ field: 'global_headers.X-Tenant', before: 'other', after: 'acme' }],
      secrets: { fields: ['global_headers'], reason: 'auth-method' },
    });
  });

  it('compares secret header names and secrecy, never their values; the value stays not verified', () => {
    const wanted = desired('a', {
      global_headers: { Authorization: { value: new Secret('canary-v'), is_secret: true } },
    });
    const remote = (headers: Record<string, unknown>) =>
      remoteFor(wanted, { supported_auth_methods: [{ method_type: 'none', global_headers: headers }] });
    const same = planChanges(
      [wanted],
      [remote({ Authorization: { value: '***', is_secret: true } })],
      planOptions(),
    );
    expect(same.operations).toEqual([]);
    expect(same.unverified).toEqual([{ name: 'a', fields: ['global_headers'] }]);
    const missing = planChanges([wanted], [remote({})], planOptions());
    expect(missing.operations[0]?.changes).toEqual([
      { field: 'global_headers.Authorization', before: null, after: '(secret)' },
    ]);
    expect(JSON.stringify(missing)).not.toContain('canary-v');
  });

  it('compares only the declared metadata keys, URLs in normal form; not shown means not verified', () => {
    const wanted = desired('a', { oauth2_server_metadata: METADATA });
    const shown = (extra: Record<string, unknown>) =>
      remoteFor(wanted, {
        supported_auth_methods: [
          {
            method_type: 'oauth2',
            oauth2_server_metadata: {
              ...METADATA,
              issuer: 'https://auth.example.com/',
              x_source: 'provided',
              ...extra,
            },
          },
        ],
      });
    expect(planChanges([wanted], [shown({})], planOptions())).toMatchObject({
      operations: [],
      in_sync: ['a'],
    });
    const changed = planChanges([wanted], [shown({ scopes_supported: ['read', 'write'] })], planOptions());
    expect(changed.operations[0]?.changes).toEqual([
      { field: 'oauth2_server_metadata.scopes_supported', before: '["read","write"]', after: '["read"]' },
    ]);
    expect(changed.operations[0]?.secrets?.reason).toBe('auth-method');
    const hidden = planChanges([wanted], [remoteFor(wanted)], planOptions());
    expect(hidden.unverified).toEqual([{ name: 'a', fields: ['oauth2_server_metadata'] }]);
  });

  it('treats a malformed supported_auth_methods as not shown, never a crash', () => {
    const wanted = desired('a', { global_headers: tenant('acme') });
    for (const odd of [null, 'x', [null], [{ method_type: 'none', global_headers: ['x'] }]]) {
      const remote = remoteFor(wanted, { supported_auth_methods: odd as never });
      expect(planChanges([wanted], [remote], planOptions()).unverified).toEqual([
        { name: 'a', fields: ['global_headers'] },
      ]);
    }
  });
});
