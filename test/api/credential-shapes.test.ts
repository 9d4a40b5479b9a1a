import { describe, expect, it } from 'vitest';
import { checkConnector, checkConnectorPage, checkWholeConnector } from '../../src/api/shapes.js';

const base = {
  id: '4d1c2b9e-8f3a-4c55-9d2e-1a2b3c4d5e6f',
  name: 'crm',
  description: 'CRM',
  created_at: '2026-01-01T00:00:00Z',
  modified_at: '2026-01-01T00:00:00Z',
  visibility: 'private',
  owner_type: 'user',
  private_tool_execution: false,
};

describe('connection_credentials at the boundary', () => {
  it('keeps a valid status, an unknown status string as text, and nulls wrong types without dropping the connector', () => {
    const item = {
      ...base,
      connection_credentials: [
        {
          name: 'main',
          authentication_type: 'oauth2',
          scope: 'user',
          is_default: true,
          status: { status_type: 'invalid', error_message: 'oauth expired', error_http_code: 401 },
        },
        { name: 'next', authentication_type: 'oauth2', scope: 'org', status: { status_type: 'degraded' } },
        { name: 'odd', authentication_type: 7, scope: 'user', status: 'valid', is_default: 'yes' },
        { name: 'typed', authentication_type: 'bearer', scope: 'user', status: { status_type: 3 } },
        { title: 'no name' },
        'not an object',
      ],
    };
    const page = checkConnectorPage({ items: [item] });
    expect(page.ok).toBe(true);
    if (!page.ok) return;
    expect(page.value.invalid).toBeUndefined();
    const credentials = page.value.items[0]!.connection_credentials!;
    expect(credentials.map((c) => c.name)).toEqual(['main', 'next', 'odd', 'typed']);
    expect(credentials[0]!.status).toMatchObject({
      status_type: 'invalid',
      error_message: 'oauth expired',
      error_http_code: 401,
    });
    expect(credentials[1]!.status?.status_type).toBe('degraded');
    expect(credentials[2]).toMatchObject({ authentication_type: 'unknown', status: null, is_default: null });
    expect(credentials[3]!.status).toBeNull();
  });

  it('turns a connection_credentials that is not a list into null, on every read path', () => {
    for (const check of [checkConnector, checkWholeConnector]) {
      const result = check({ ...base, connection_credentials: { name: 'x' } });
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.value.connection_credentials).toBeNull();
    }
    const page = checkConnectorPage({ items: [{ ...base, connection_credentials: 'broken' }] });
    expect(page.ok && page.value.items[0]!.connection_credentials).toBeNull();
  });
});
