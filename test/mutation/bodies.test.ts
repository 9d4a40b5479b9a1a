/** Request bodies, field by field: what a create or a PATCH sends, and nothing more. */
import { describe, expect, it } from 'vitest';
import type { ConsumerScope } from '../../src/api/types.js';
import type { DesiredCredential } from '../../src/config/types.js';
import { convergeBody, createBody, credentialBody, updateBody } from '../../src/reconcile/bodies.js';
import type { CredentialStep } from '../../src/reconcile/types.js';
import { Secret } from '../../src/secret.js';
import { desired, headers, operation, remoteFor } from '../support/fixtures.js';

const oauth = desired('o', {
  auth_data: { client_id: new Secret('cid'), client_secret: null } as never,
  oauth2_server_metadata: { issuer: 'https://auth.example.com' },
});

describe('createBody', () => {
  it('sends the server in its normal form, an empty description as "", and no unset optional field', () => {
    const wanted = desired('a', { server: 'HTTPS://Mcp.Example.com', description: '  ' });
    expect(createBody(wanted)).toEqual({
      name: 'a',
      description: '',
      server: 'https://mcp.example.com/',
      visibility: 'shared_workspace',
    });
  });

  it('sends a client without a secret as client_secret null', () => {
    expect(createBody(oauth).auth_data).toEqual({ client_id: 'cid', client_secret: null });
  });
});

describe('updateBody', () => {
  const wanted = desired('a', { headers: headers({ Authorization: 'token' }) });

  it('sends the auth method only when the operation pushes secrets', () => {
    const changes = [{ field: 'description' as const, before: 'x', after: 'y' }];
    expect(updateBody(operation('update', 'a', { changes }), wanted)).toEqual({ description: 'y' });
    const pushing = operation('update', 'a', {
      changes,
      secrets: { fields: ['global_headers'], reason: 'changed' } as never,
    });
    expect(updateBody(pushing, wanted)).toEqual({
      description: 'y',
      auth_methods: [
        { method_type: 'none', global_headers: { Authorization: { value: 'token', is_secret: true } } },
      ],
    });
    expect(updateBody(pushing, undefined)).toEqual({ description: 'y' });
  });

  it('never sends the server empty, nor a field it does not manage', () => {
    const changes = [
      { field: 'server' as const, before: 'https://a/', after: null },
      { field: 'global_headers.X' as never, before: 'a', after: 'b' },
      { field: 'title' as const, before: 'T', after: null },
    ];
    expect(updateBody(operation('update', 'a', { changes }), wanted)).toEqual({ title: '' });
  });
});

describe('convergeBody', () => {
  it('renames to the desired name and sends the whole auth method of an OAuth connector, without headers', () => {
    const remote = remoteFor(oauth, { name: 'old-name' });
    expect(convergeBody(oauth, remote)).toEqual({
      name: 'o',
      auth_methods: [
        {
          method_type: 'oauth2',
          oauth2_metadata_secrets: { client_id: 'cid', client_secret: null },
          oauth2_server_metadata: { issuer: 'https://auth.example.com' },
        },
      ],
    });
  });
});

describe('credentialBody', () => {
  const credential = (name: string, extra: Partial<DesiredCredential> = {}): DesiredCredential => ({
    name,
    scope: 'workspace',
    title: null,
    default: null,
    headers: null,
    bearer_token: null,
    ...extra,
  });
  const step = (
    name: string,
    changes: CredentialStep['changes'],
    scope: ConsumerScope = 'workspace',
  ): CredentialStep => ({
    action: 'put',
    scope,
    name,
    changes,
  });
  const first = credential('first', { title: 'First', bearer_token: new Secret('tok') });
  const second = credential('second', { default: false, headers: { 'X-Key': new Secret('k') } });
  const personal = credential('first', { scope: 'user', default: false, bearer_token: new Secret('mine') });
  const connector = desired('a', { credentials: [first, second, personal] });

  it('a created default carries its title, is_default and its values', () => {
    expect(credentialBody(step('first', ['created']), connector)).toEqual({
      name: 'first',
      title: 'First',
      is_default: true,
      credentials: { bearer_token: 'tok' },
    });
  });

  it('a created credential that is not the default carries its header values and no is_default', () => {
    expect(credentialBody(step('second', ['created']), connector)).toEqual({
      name: 'second',
      credentials: { headers: { 'X-Key': 'k' } },
    });
  });

  it('finds the credential by scope and name together', () => {
    expect(credentialBody(step('first', ['values'], 'user'), connector)).toEqual({
      name: 'first',
      credentials: { bearer_token: 'mine' },
    });
  });

  it('a promotion sends is_default alone, a title change no values, an undeclared one its name only', () => {
    expect(credentialBody(step('first', ['default']), connector)).toEqual({
      name: 'first',
      title: 'First',
      is_default: true,
    });
    expect(credentialBody(step('first', ['title']), connector)).toEqual({ name: 'first', title: 'First' });
    expect(credentialBody(step('second', ['default']), connector)).toEqual({ name: 'second' });
    expect(credentialBody(step('gone', ['created']), connector)).toEqual({ name: 'gone' });
    expect(credentialBody(step('gone', ['created']), desired('b'))).toEqual({ name: 'gone' });
  });

  it('a credential with neither token nor headers sends empty headers', () => {
    const bare = desired('c', { credentials: [credential('bare')] });
    expect(credentialBody(step('bare', ['values']), bare)).toEqual({
      name: 'bare',
      credentials: { headers: {} },
    });
  });
});
