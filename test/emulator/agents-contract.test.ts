import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { describeErrors, documentedResponse, looseError } from './openapi.js';

let emulator: RunningEmulator;
const KEY = 'agents-contract-key';

beforeAll(async () => {
  emulator = await startEmulator({
    apiKey: KEY,
    agents: [
      {
        name: 'one',
        id: 'ag_one',
        tools: [{ type: 'connector', connector_id: 'github', tool_configuration: { include: ['a'] } }],
      },
      {
        name: 'two',
        id: 'ag_two',
        tools: [{ type: 'web_search' }],
        versions: [{ tools: [] }],
        aliases: { prod: 0 },
      },
      { name: 'three', id: 'ag_three' },
    ],
  });
});
afterAll(() => emulator.close());

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const reply = await request(`${emulator.url}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
  return { status: reply.statusCode, body: await reply.body.json() };
}

function expectDocumented(operationId: string, reply: { status: number; body: unknown }): void {
  const validate = documentedResponse(operationId, reply.status) ?? looseError;
  expect(validate(reply.body), `${operationId} ${reply.status}: ${describeErrors(validate.errors)}`).toBe(
    true,
  );
}

describe('the emulator serves the read side of the Agents API as the document says', () => {
  it('pages agents by page_token until next_page_token is null', async () => {
    const first = await get('/v1/agents/pages?page_size=2');
    expectDocumented('agents_api_v1_agents_list_pages', first);
    const token = (first.body as { next_page_token: string }).next_page_token;
    const second = await get(`/v1/agents/pages?page_size=2&page_token=${token}`);
    expectDocumented('agents_api_v1_agents_list_pages', second);
    expect(
      (second.body as { data: Array<{ name: string }>; next_page_token: null }).next_page_token,
    ).toBeNull();
    expectDocumented('agents_api_v1_agents_list_pages', await get('/v1/agents/pages?page_size=0'));
    expect((await get('/v1/agents/pages?page_size=0')).status).toBe(422);
  });

  it('serves an agent, its versions, one version, its aliases; 404 for an unknown one', async () => {
    expectDocumented('agents_api_v1_agents_get', await get('/v1/agents/ag_two'));
    expectDocumented('agents_api_v1_agents_list_versions', await get('/v1/agents/ag_two/versions'));
    const old = await get('/v1/agents/ag_two/versions/0');
    expectDocumented('agents_api_v1_agents_get_version', old);
    expect(old.body).toMatchObject({ version: 0, versions: [0, 1], tools: [] });
    const aliases = await get('/v1/agents/ag_two/aliases');
    expectDocumented('agents_api_v1_agents_list_version_aliases', aliases);
    expect(aliases.body).toMatchObject([{ alias: 'prod', version: 0 }]);
    const missing = await get('/v1/agents/nope/aliases');
    expect(missing.status).toBe(404);
    expectDocumented('agents_api_v1_agents_get', missing);
  });
});
