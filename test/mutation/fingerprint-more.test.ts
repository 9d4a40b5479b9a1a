/** Fingerprints and auth groups: which values move a fingerprint, and which auth method carries them. */
import { describe, expect, it } from 'vitest';
import type { DesiredCredential } from '../../src/config/types.js';
import {
  authMethodOf,
  canonical,
  fieldsOfGroup,
  fingerprintGroups,
} from '../../src/reconcile/fingerprint.js';
import { Secret } from '../../src/secret.js';
import { desired, headers } from '../support/fixtures.js';

const key = Buffer.alloc(32, 7);

describe('the auth method of a connector', () => {
  it('is OAuth as soon as any one OAuth field is declared, else none', () => {
    const oauth = { client_id: new Secret('id'), client_secret: null };
    expect(authMethodOf(desired('a'))).toBe('none');
    expect(authMethodOf(desired('a', { headers: headers({ A: '1' }) }))).toBe('none');
    expect(authMethodOf(desired('a', { auth_data: oauth }))).toBe('oauth2');
    expect(authMethodOf(desired('a', { oauth2_server_metadata: { issuer: 'x' } }))).toBe('oauth2');
    expect(authMethodOf(desired('a', { oauth2_server_metadata_url: 'https://id.example.com' }))).toBe(
      'oauth2',
    );
  });
});

describe('the fields of the headers group, in the file words', () => {
  const global = (values: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, { value: new Secret(v), is_secret: false }]),
    );

  it('name headers:, global_headers: or both, as the file declares them', () => {
    // headers: alone (merged into global_headers by the loader)
    expect(fieldsOfGroup(desired('a', { headers: headers({ A: '1' }) }), 'headers')).toEqual(['headers']);
    // global_headers: alone
    expect(fieldsOfGroup(desired('a', { global_headers: global({ B: '2' }) }), 'headers')).toEqual([
      'global_headers',
    ]);
    // both: global_headers holds more than the headers merged into it
    expect(
      fieldsOfGroup(
        desired('a', { global_headers: global({ B: '2' }), headers: headers({ A: '1' }) }),
        'headers',
      ),
    ).toEqual(['headers', 'global_headers']);
  });

  it('other groups are their own field, and a credential is credentials', () => {
    expect(fieldsOfGroup(desired('a'), 'auth_data')).toEqual(['auth_data']);
    expect(fieldsOfGroup(desired('a'), 'credential:user/x')).toEqual(['credentials']);
  });
});

describe('fingerprints of the other groups', () => {
  const credential = (values: Record<string, string>, bearer: string | null = null): DesiredCredential => ({
    name: 'c',
    scope: 'workspace',
    title: null,
    default: null,
    headers: headers(values),
    bearer_token: bearer === null ? null : new Secret(bearer),
  });
  const ofCredential = (c: DesiredCredential) =>
    fingerprintGroups(desired('a', { credentials: [c] }), key)?.['credential:workspace/c'];

  it('a credential: move with a header value, name or the bearer token, not with header order or case', () => {
    const names = ['b', 'a', 'c', 'A-b', 'x2', 'm'];
    const forward = ofCredential(
      credential(Object.fromEntries(names.map((n) => [n, `v-${n.toLowerCase()}`]))),
    );
    expect(forward).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const reversed = [...names].reverse();
    expect(
      ofCredential(credential(Object.fromEntries(reversed.map((n) => [n, `v-${n.toLowerCase()}`])))),
    ).toBe(forward);
    expect(
      ofCredential(
        credential(Object.fromEntries(names.map((n) => [n.toUpperCase(), `v-${n.toLowerCase()}`]))),
      ),
    ).toBe(forward);
    expect(ofCredential(credential({ a: '1' }))).not.toBe(ofCredential(credential({ a: '2' })));
    expect(ofCredential(credential({ a: '1' }))).not.toBe(ofCredential(credential({ b: '1' })));
    expect(ofCredential(credential({}, 't1'))).not.toBe(ofCredential(credential({}, 't2')));
    expect(ofCredential(credential({}, 't1'))).not.toBe(ofCredential(credential({})));
  });

  it('OAuth server metadata: move with any value, nested or not, but not with key order', () => {
    const of = (metadata: Record<string, unknown>) =>
      fingerprintGroups(desired('a', { oauth2_server_metadata: metadata }), key)?.oauth2_server_metadata;
    const base = of({
      issuer: 'https://id',
      endpoints: { token: '/t', authorize: '/a', b: '/b' },
      z: [1, { y: 2, x: 1 }],
    });
    expect(base).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(
      of({
        z: [1, { x: 1, y: 2 }],
        endpoints: { b: '/b', authorize: '/a', token: '/t' },
        issuer: 'https://id',
      }),
    ).toBe(base);
    expect(
      of({
        issuer: 'https://id',
        endpoints: { token: '/t2', authorize: '/a', b: '/b' },
        z: [1, { y: 2, x: 1 }],
      }),
    ).not.toBe(base);
    expect(of({ issuer: 'https://other' })).not.toBe(of({ issuer: 'https://id' }));
  });

  it('the OAuth metadata URL and active_for: move with the value', () => {
    const url = (u: string) =>
      fingerprintGroups(desired('a', { oauth2_server_metadata_url: u }), key)?.oauth2_server_metadata_url;
    expect(url('https://a')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url('https://a')).not.toBe(url('https://b'));
    const active = (scopes: ('user' | 'workspace')[]) =>
      fingerprintGroups(desired('a', { active_for: scopes }), key)?.active_for;
    expect(active(['user', 'workspace'])).toBe(active(['workspace', 'user']));
    expect(active(['user'])).not.toBe(active(['workspace']));
  });
});

describe('canonical', () => {
  it('sorts object keys by code unit at every depth and keeps arrays, values and nulls', () => {
    const value = canonical({ b: 1, a: { d: [{ f: 1, e: null }], c: 'x' }, B: true, 'a-': 2 });
    expect(JSON.stringify(value)).toBe('{"B":true,"a":{"c":"x","d":[{"e":null,"f":1}]},"a-":2,"b":1}');
    expect(canonical(null)).toBeNull();
    expect(canonical('s')).toBe('s');
    expect(canonical([3, 1])).toEqual([3, 1]);
  });
});
