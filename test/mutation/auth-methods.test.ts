/** compareAuth, shape by shape: what the API shows of an auth method against what the file declares. */
import { describe, expect, it } from 'vitest';
import type { RemoteConnector } from '../../src/api/types.js';
import type { DesiredConnector } from '../../src/config/types.js';
import { compareAuth } from '../../src/reconcile/auth-methods.js';
import { Secret } from '../../src/secret.js';
import { desired, remoteFor } from '../support/fixtures.js';

const header = (value: string, is_secret = false) => ({ value: new Secret(value), is_secret });
const showing = (connector: DesiredConnector, methods: unknown[]): RemoteConnector =>
  remoteFor(connector, { supported_auth_methods: methods as RemoteConnector['supported_auth_methods'] });
const oauth = (metadata: Record<string, unknown>) =>
  desired('o', { oauth2_server_metadata: metadata, oauth2_server_metadata_url: null });

describe('compareAuth, headers', () => {
  it("reads only the method of the connector's own type, skipping entries of the wrong shape", () => {
    const wanted = desired('a', { global_headers: { 'X-Tenant': header('acme') } });
    const remote = showing(wanted, [
      null,
      'none',
      { method_type: 'oauth2', global_headers: { 'x-tenant': { value: 'other', is_secret: false } } },
      { method_type: 'none', global_headers: { 'x-tenant': { value: 'acme', is_secret: false } } },
    ]);
    expect(compareAuth(wanted, remote)).toEqual({ changes: [], readable: new Set(['headers']) });
  });

  it('shows a value that is not text as unknown, and a secret one as (secret)', () => {
    const wanted = desired('a', { global_headers: { 'X-Tenant': header('5'), 'X-Key': header('k', true) } });
    const remote = showing(wanted, [
      {
        method_type: 'none',
        global_headers: {
          'x-tenant': { value: 5, is_secret: false },
          'x-key': { value: 'k', is_secret: false },
        },
      },
    ]);
    expect(compareAuth(wanted, remote)).toEqual({
      changes: [
        { field: 'global_headers.X-Tenant', before: null, after: '5' },
        { field: 'global_headers.X-Key', before: 'k', after: '(secret)' },
      ],
      readable: new Set(),
    });
  });

  it('a header that became secret is a change even when its value is hidden', () => {
    const wanted = desired('a', { global_headers: { 'X-Tenant': header('acme') } });
    const remote = showing(wanted, [
      { method_type: 'none', global_headers: { 'X-Tenant': { is_secret: true } } },
    ]);
    expect(compareAuth(wanted, remote).changes).toEqual([
      { field: 'global_headers.X-Tenant', before: '(secret)', after: 'acme' },
    ]);
  });

  it('ignores OAuth metadata the API shows for a connector that declares none', () => {
    const wanted = desired('a', { global_headers: { 'X-Tenant': header('acme') } });
    const remote = showing(wanted, [
      {
        method_type: 'none',
        global_headers: { 'x-tenant': { value: 'acme', is_secret: false } },
        oauth2_server_metadata: { issuer: 'x' },
      },
    ]);
    expect(compareAuth(wanted, remote)).toEqual({ changes: [], readable: new Set(['headers']) });
  });
});

describe('compareAuth, OAuth server metadata', () => {
  it('ignores headers the API shows for a connector that declares none', () => {
    const wanted = oauth({ issuer: 'https://auth.example.com' });
    const remote = showing(wanted, [
      {
        method_type: 'oauth2',
        global_headers: { 'x-a': { value: 'b' } },
        oauth2_server_metadata: { issuer: 'https://auth.example.com/' },
      },
    ]);
    expect(compareAuth(wanted, remote)).toEqual({
      changes: [],
      readable: new Set(['oauth2_server_metadata']),
    });
  });

  it('compares http(s) URLs in their normal form and any other text as it is', () => {
    const declared = {
      same_http: 'http://auth.example.com',
      other_host: 'https://b.example.com',
      scheme_case: 'FOO:bar',
      not_url_at_start: 'XHTTPS://a.example',
      shown_null: 'x',
      missing: 'y',
      list: ['read'],
      text_vs_list: 'https://a.example',
      list_vs_text: ['https://a.example'],
    };
    const shown = {
      same_http: 'http://auth.example.com/',
      other_host: 'https://a.example.com/',
      scheme_case: 'foo:bar',
      not_url_at_start: 'xhttps://a.example',
      shown_null: null,
      list: ['write'],
      text_vs_list: ['https://a.example'],
      list_vs_text: 'https://a.example',
    };
    const wanted = oauth(declared);
    const result = compareAuth(
      wanted,
      showing(wanted, [{ method_type: 'oauth2', oauth2_server_metadata: shown }]),
    );
    expect(result.changes).toEqual([
      {
        field: 'oauth2_server_metadata.other_host',
        before: 'https://a.example.com/',
        after: 'https://b.example.com',
      },
      { field: 'oauth2_server_metadata.scheme_case', before: 'foo:bar', after: 'FOO:bar' },
      {
        field: 'oauth2_server_metadata.not_url_at_start',
        before: 'xhttps://a.example',
        after: 'XHTTPS://a.example',
      },
      { field: 'oauth2_server_metadata.shown_null', before: null, after: 'x' },
      { field: 'oauth2_server_metadata.missing', before: null, after: 'y' },
      { field: 'oauth2_server_metadata.list', before: '["write"]', after: '["read"]' },
      {
        field: 'oauth2_server_metadata.text_vs_list',
        before: '["https://a.example"]',
        after: 'https://a.example',
      },
      {
        field: 'oauth2_server_metadata.list_vs_text',
        before: 'https://a.example',
        after: '["https://a.example"]',
      },
    ]);
  });
});
