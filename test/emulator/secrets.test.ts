/**
 * Write-only values: create's `headers` and `auth_data`, secret global header values, OAuth client
 * secrets of auth methods and credential values are kept but never returned. Canary values go in
 * through every write path (valid and invalid bodies) and no answer, body or header, of any
 * endpoint (API or control) may contain them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { type Answer, type CallOptions, call } from './helpers.js';

// distinct from their first character, because a leak may show only a prefix (V8 quotes about ten)
const HEADER = 'Hq7canaryheader91f0';
const CLIENT_ID = 'Ix4canaryclientid5c2a';
const SECRET = 'Sz2canarysecrete77d';
const GLOBAL = 'Gw5canaryglobal3b1d';
const BEARER = 'Bt8canarybearer0e4c';
const CANARIES = [HEADER, CLIENT_ID, SECRET, GLOBAL, BEARER];
const PREFIX = 6;

let emulator: RunningEmulator;
const answers: Array<{ what: string; answer: Answer }> = [];

async function record(method: string, path: string, options?: CallOptions): Promise<Answer> {
  const answer = await call(emulator, method, path, options);
  answers.push({ what: `${method} ${path} -> ${answer.status}`, answer });
  return answer;
}

const secretFields = {
  headers: { Authorization: `Bearer ${HEADER}`, 'X-Extra': HEADER },
  auth_data: { client_id: CLIENT_ID, client_secret: SECRET },
};

beforeAll(async () => {
  emulator = await startEmulator({
    seed: [
      { name: 'seeded', description: 'seeded', server: 'https://seeded.example.com/mcp', ...secretFields },
    ],
  });
});

afterAll(async () => {
  await emulator.close();
});

describe('headers and auth_data never come back', () => {
  it('are stored', async () => {
    const created = await record('POST', '/v1/connectors', {
      body: { name: 'canary', description: 'x', server: 'https://canary.example.com/mcp', ...secretFields },
    });
    expect(created.status).toBe(201);
    expect(emulator.store.get('canary')?.org_headers).toEqual(secretFields.headers);
    expect(emulator.store.get('canary')?.auth_methods[0]?.oauth2_metadata_secrets).toMatchObject(
      secretFields.auth_data,
    );
    const global = await record('POST', '/v1/connectors', {
      body: {
        name: 'global',
        description: 'x',
        server: 'https://global.example.com/mcp',
        global_headers: { 'X-Key': { value: GLOBAL }, 'X-Plain': { value: 'shown', is_secret: false } },
      },
    });
    expect(global.status).toBe(201);
    expect(emulator.store.get('global')?.auth_methods[0]?.global_headers['X-Key']).toEqual({
      value: GLOBAL,
      is_secret: true,
    });
  });

  it('are absent from every answer of every endpoint, errors included', async () => {
    const id = emulator.store.get('canary')!.id;
    await record('GET', '/v1/connectors?page_size=1000');
    await record('GET', '/v1/connectors/canary');
    await record('GET', `/v1/connectors/${id}`);
    await record('PATCH', `/v1/connectors/${id}`, { body: { description: 'again', ...secretFields } });
    await record('PATCH', `/v1/connectors/${id}`, {
      body: { visibility: 'shared_org', headers: HEADER, auth_data: { client_id: 5, client_secret: SECRET } },
    });
    await record('PATCH', `/v1/connectors/${id}`, { body: { auth_data: SECRET } });
    await record('POST', '/v1/connectors', {
      body: {
        name: 'bad name',
        server: 'not a url',
        headers: [HEADER],
        auth_data: { client_secret: SECRET },
      },
    });
    await record('POST', '/v1/connectors', { body: `{"headers": {"X": "${HEADER}"}, ` });
    // V8's "Unexpected token" message quotes the text it could not parse
    await record('POST', '/v1/connectors', { body: `{"headers": {"X": ${HEADER}}}` });
    await record('PATCH', `/v1/connectors/${id}`, {
      body: `{"auth_data": {"client_secret": "${SECRET}"}} trailing`,
    });
    await record('POST', '/v1/connectors', {
      body: { name: 'canary', description: 'dup', server: 'https://c.example.com', ...secretFields },
    });
    await record('PATCH', `/v1/connectors/${id}`, {
      body: {
        auth_methods: [
          {
            method_type: 'oauth2',
            global_headers: { 'X-Key': { value: GLOBAL } },
            oauth2_metadata_secrets: { client_id: CLIENT_ID, client_secret: SECRET },
          },
        ],
      },
    });
    await record('PATCH', `/v1/connectors/${id}`, {
      body: {
        auth_methods: [
          { method_type: 'none', global_headers: { 'X-Key': { value: 5, secret: GLOBAL } } },
          { method_type: 'oauth2', oauth2_metadata_secrets: { client_id: 7, client_secret: [SECRET] } },
        ],
      },
    });
    for (const scope of ['user', 'workspace', 'organization']) {
      await record('POST', `/v1/connectors/canary/${scope}/credentials`, {
        body: { name: 'token', credentials: { bearer_token: BEARER } },
      });
      await record('POST', `/v1/connectors/canary/${scope}/credentials`, {
        body: { name: 'headers', credentials: { headers: { 'X-Key': GLOBAL } } },
      });
      await record('POST', `/v1/connectors/canary/${scope}/credentials`, {
        body: { name: 'bad name', credentials: { bearer_token: [BEARER], headers: { X: 1 } } },
      });
      await record('GET', `/v1/connectors/canary/${scope}/credentials`);
    }
    expect(emulator.store.get('canary')?.credentials.workspace.map((c) => c.name)).toEqual([
      'token',
      'headers',
    ]);
    await record('GET', '/v1/connectors/canary/authentication_methods');
    await record('GET', '/v1/connectors/global');
    await record('PUT', `/v1/connectors/${id}/share`);
    await record('DELETE', `/v1/connectors/${id}/share`);
    await record('GET', '/v1/connectors/canary/auth_url?app_return_url=https%3A%2F%2Fapp.example.com');
    emulator.markAuthenticated('canary');
    await record('GET', '/v1/connectors/canary/tools');
    await record('GET', '/v1/connectors/canary/tools?pretty=true&refresh=true');
    await record('GET', '/v1/connectors/seeded');
    await record('GET', '/_emulator/requests');
    await record('GET', '/_emulator/stats');
    await record('POST', '/_emulator/connectors/canary/authenticate');
    await record('GET', '/_emulator/requests');
    await record('DELETE', `/v1/connectors/${id}`);
    expect(answers.length).toBeGreaterThan(15);
    expect(answers.filter(({ answer }) => answer.status === 422).length).toBeGreaterThanOrEqual(7);
    for (const { what, answer } of answers) {
      const seen = `${answer.text}\n${JSON.stringify(answer.headers)}`;
      for (const canary of CANARIES) {
        expect(seen.includes(canary.slice(0, PREFIX)), `${what} shows (part of) ${canary}`).toBe(false);
      }
    }
  });

  it('still say which write-only field was wrong, without its value', async () => {
    const invalid = await call(emulator, 'POST', '/v1/connectors', {
      body: { name: 'x', description: 'x', server: 'https://x.example.com', headers: HEADER },
    });
    expect(invalid.json).toEqual({
      detail: [{ type: 'dict_type', loc: ['body', 'headers'], msg: 'Input should be a valid dictionary' }],
    });
  });
});
