/** Seed files in, state files round trip: what a person restarting the emulator would notice. */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { writeOnlyFingerprint } from '../../src/emulator/persist.js';
import { call } from './helpers.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'emulator-state-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('seed files', () => {
  it('loads connectors from YAML, with fixed ids, tools and OAuth state', async () => {
    const file = path.join(dir, 'seed.yaml');
    await writeFile(
      file,
      [
        'connectors:',
        '  - name: deepwiki',
        '    description: DeepWiki',
        '    server: https://mcp.deepwiki.com/mcp',
        '    id: 11111111-2222-4333-8444-555555555555',
        '    tools:',
        '      - name: ask_question',
        '        description: Ask about a repository',
        '  - name: drive',
        '    description: Drive',
        '    server: https://drive.example.com/mcp',
        '    auth_data: { client_id: abc, client_secret: shh }',
        '    is_authenticated: true',
        '',
      ].join('\n'),
    );
    const emulator = await startEmulator({ seed: file, builtins: false });
    try {
      const deepwiki = (await call(emulator, 'GET', '/v1/connectors/11111111-2222-4333-8444-555555555555'))
        .json;
      expect(deepwiki).toMatchObject({ name: 'deepwiki' });
      const tools = (await call(emulator, 'GET', '/v1/connectors/deepwiki/tools')).json as Array<{
        name: string;
      }>;
      expect(tools.map((tool) => tool.name)).toEqual(['ask_question']);
      expect((await call(emulator, 'GET', '/v1/connectors/drive')).json).toMatchObject({
        is_authenticated: true,
      });
    } finally {
      await emulator.close();
    }
  });

  it('refuses a seed file with every problem listed, naming the entry and field', async () => {
    const file = path.join(dir, 'seed.json');
    await writeFile(
      file,
      JSON.stringify([
        { name: 'ok', description: 'fine', server: 'https://ok.example.com' },
        { name: 'bad name', description: 'x', server: 'https://x.example.com', colour: 'red' },
        { name: 'ok', description: 'again', server: 'nope' },
      ]),
    );
    const failure = await startEmulator({ seed: file }).catch((error: unknown) => error as Error);
    expect(failure).toMatchObject({ code: 'SETTINGS_INVALID' });
    const message = (failure as Error).message;
    expect(message).toContain(file);
    expect(message).toContain('connectors[1].name');
    expect(message).toContain('connectors[1].colour: unknown field');
    expect(message).toContain('connectors[2].server');
    expect(message).toContain("connectors[2].name: 'ok' is also used by connectors[0]");
  });

  it('refuses a seed entry that takes the name of a built-in', async () => {
    await expect(
      startEmulator({ seed: [{ name: 'gmail', description: 'mine', server: 'https://x.example.com' }] }),
    ).rejects.toThrow(/built-in/);
  });

  it('says which file is missing', async () => {
    await expect(startEmulator({ seed: path.join(dir, 'absent.yaml') })).rejects.toThrow(
      /absent\.yaml: no such file/,
    );
  });
});

describe('state files', () => {
  it('keeps every change across a restart, write-only values as fingerprints, in a file only its owner can read', async () => {
    const statePath = path.join(dir, 'nested', 'state.json');
    const first = await startEmulator({ statePath });
    const created = (
      await call(first, 'POST', '/v1/connectors', {
        body: {
          name: 'kept',
          description: 'survives restarts',
          server: 'https://kept.example.com/mcp',
          auth_data: { client_id: 'id', client_secret: 'kept-secret' },
        },
      })
    ).json as { id: string; created_at: string };
    await call(first, 'PATCH', `/v1/connectors/${created.id}`, { body: { description: 'changed' } });
    first.markAuthenticated('kept');
    await first.close();

    expect((await stat(statePath)).mode & 0o077).toBe(0);
    expect(await readFile(statePath, 'utf8')).not.toContain('kept-secret');
    expect((await readdir(path.dirname(statePath))).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    const second = await startEmulator({ statePath });
    try {
      const kept = (await call(second, 'GET', '/v1/connectors/kept')).json;
      expect(kept).toMatchObject({
        id: created.id,
        created_at: created.created_at,
        description: 'changed',
        is_authenticated: true,
      });
      expect(second.store.get('kept')?.auth_methods[0]?.oauth2_metadata_secrets?.client_secret).toBe(
        writeOnlyFingerprint('kept-secret'),
      );
      expect(second.store.get('gmail')).toBeDefined();
      await call(second, 'DELETE', `/v1/connectors/${created.id}`);
      await second.flush();
      const saved = JSON.parse(await readFile(statePath, 'utf8')) as { connectors: Array<{ name: string }> };
      expect(saved.connectors.map((record) => record.name)).not.toContain('kept');
    } finally {
      await second.close();
    }
  });

  it('starts from the state file rather than the seed once the file exists', async () => {
    const statePath = path.join(dir, 'state.json');
    const seed = [{ name: 'seeded', description: 'x', server: 'https://seeded.example.com' }];
    const first = await startEmulator({ statePath, seed, builtins: false });
    await call(first, 'DELETE', `/v1/connectors/${first.store.get('seeded')?.id}`);
    await first.close();
    const second = await startEmulator({ statePath, seed, builtins: false });
    try {
      expect(second.store.size).toBe(0);
    } finally {
      await second.close();
    }
  });

  it('keeps only fingerprints of secret global header values, OAuth clients and credential values', async () => {
    const statePath = path.join(dir, 'state.json');
    const first = await startEmulator({ statePath, builtins: false });
    await call(first, 'POST', '/v1/connectors', {
      body: {
        name: 'vault',
        description: 'x',
        server: 'https://vault.example.com/mcp',
        headers: { 'X-Org': 'org-hidden' },
        global_headers: {
          'X-Key': { value: 'global-hidden' },
          'X-Region': { value: 'eu-shown', is_secret: false },
        },
        auth_data: { client_id: 'client-hidden', client_secret: 'secret-hidden' },
      },
    });
    for (const credentials of [{ bearer_token: 'bearer-hidden' }, { headers: { 'X-Cred': 'cred-hidden' } }]) {
      await call(first, 'POST', '/v1/connectors/vault/user/credentials', {
        body: { name: Object.keys(credentials)[0], credentials },
      });
    }
    await first.close();
    const text = await readFile(statePath, 'utf8');
    for (const hidden of [
      'org-hidden',
      'global-hidden',
      'client-hidden',
      'secret-hidden',
      'bearer-hidden',
      'cred-hidden',
    ])
      expect(text, hidden).not.toContain(hidden);
    expect(text).toContain('eu-shown');
    const second = await startEmulator({ statePath });
    try {
      const vault = second.store.get('vault')!;
      expect(vault.auth_methods[0]?.global_headers['X-Key']?.value).toBe(
        writeOnlyFingerprint('global-hidden'),
      );
      expect(vault.credentials.user.map((c) => [c.name, c.is_default])).toEqual([
        ['bearer_token', true],
        ['headers', true],
      ]);
      expect((await call(second, 'GET', '/v1/connectors/vault')).json).toMatchObject({
        supported_auth_methods: [{ global_headers: { 'X-Region': { value: 'eu-shown', is_secret: false } } }],
      });
    } finally {
      await second.close();
    }
  });

  it('loads a file of an older version (headers, auth_data, auth_methods as a list of types)', async () => {
    const statePath = path.join(dir, 'state.json');
    const old = {
      id: '11111111-2222-4333-8444-555555555555',
      name: 'legacy',
      description: 'x',
      server: 'https://legacy.example.com/mcp',
      created_at: '2026-01-01T00:00:00.000Z',
      modified_at: '2026-01-01T00:00:00.000Z',
      visibility: 'shared_workspace',
      owner_type: 'workspace',
      headers: { 'X-Key': writeOnlyFingerprint('v') },
      auth_data: { client_id: writeOnlyFingerprint('c'), client_secret: null },
      auth_methods: ['oauth2', 'bearer'],
      is_authenticated: true,
    };
    const file = { format: 'connector-sync-emulator-state', version: 1, connectors: [old] };
    await writeFile(statePath, JSON.stringify(file));
    const emulator = await startEmulator({ statePath });
    try {
      const legacy = emulator.store.get('legacy')!;
      expect(legacy.org_headers).toEqual(old.headers);
      expect(legacy.auth_methods.map((m) => m.method_type)).toEqual(['oauth2', 'bearer']);
      expect(legacy.auth_methods[0]?.oauth2_metadata_secrets?.client_id).toBe(old.auth_data.client_id);
      expect(legacy.activation).toEqual({ user: false, workspace: true, organization: false });
      expect((await call(emulator, 'GET', '/v1/connectors/legacy')).json).toMatchObject({
        is_authenticated: true,
        connection_credentials: [{ name: 'oauth2', authentication_type: 'oauth2', status: null }],
      });
    } finally {
      await emulator.close();
    }
  });

  it('refuses a file that is not an emulator state file', async () => {
    const statePath = path.join(dir, 'state.json');
    await writeFile(statePath, '{"hello": "world"}');
    await expect(startEmulator({ statePath })).rejects.toMatchObject({ code: 'SETTINGS_INVALID' });
  });
});
