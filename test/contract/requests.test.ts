/**
 * Request contract: every request the real client sends, driven by the real planner and applier
 * (runOnce) and the reports, is validated against the vendored OpenAPI document's request schemas
 * with unknown fields forbidden (the real API ignores them silently, so a field it does not define
 * is a value that never arrives). Each body is also held to the client's wire table
 * (src/api/wire-fields.ts). No violation is tolerated: the PATCH carries write-only values only
 * through `auth_methods`, never the `headers`/`auth_data` UpdateConnectorRequest does not define.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectorsClient, createClient } from '../../src/api/client.js';
import { CLIENT_WIRE_FIELDS } from '../../src/api/wire-fields.js';
import type { DesiredConnector, DesiredCredential } from '../../src/config/types.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import type { SecretLedger } from '../../src/reconcile/ledger.js';
import { type RunReport, runOnce } from '../../src/reconcile/run-once.js';
import type { PlanOptions } from '../../src/reconcile/types.js';
import { Secret } from '../../src/secret.js';
import {
  describeViolation,
  findOperation,
  matchOperation,
  openapi,
  type RecordedRequest,
  validateRequest,
} from '../emulator/openapi.js';
import { bodyPaths, covers, type OpenApiDoc } from '../spec/compare-wire.js';
import { desired, headers, planOptions } from '../support/fixtures.js';
import { type RequestRecorder, recordRequests } from '../support/request-recorder.js';

const KEY = 'contract-key';
let emulator: RunningEmulator;
let recorder: RequestRecorder;
let client: ConnectorsClient;
const ledger: SecretLedger = { key: randomBytes(32), records: new Map(), save: async () => {} };

/** Another writer's move, made just before the matching request leaves the client. */
type Hook = { matches: (request: RecordedRequest) => boolean; run: () => void | Promise<void> };
let hooks: Hook[] = [];

/** What the suite drove: operationIds called, planner paths taken. */
const covered = new Set<string>();

beforeAll(async () => {
  emulator = await startEmulator({ apiKey: KEY, builtins: false });
  recorder = recordRequests(async (recorded) => {
    const due = hooks.filter((hook) => hook.matches(recorded));
    hooks = hooks.filter((hook) => !due.includes(hook));
    for (const hook of due) await hook.run();
  });
  client = createClient({ baseUrl: emulator.url, apiKey: KEY, dispatcher: recorder.dispatcher });
});

afterAll(async () => {
  await client.close();
  await recorder.close();
  await emulator.close();
});

const doc = openapi as unknown as OpenApiDoc;

/** Validates what was recorded since the last call, then forgets it. */
function judgeRecorded(): RecordedRequest[] {
  const requests = [...recorder.requests];
  recorder.clear();
  const refused: string[] = [];
  for (const recorded of requests) {
    const found = matchOperation(recorded.method, recorded.path);
    if (found) covered.add(found.operationId);
    for (const violation of validateRequest(recorded)) refused.push(describeViolation(recorded, violation));
    if (!found || recorded.body === undefined) continue;
    const { pathKey, method } = findOperation(found.operationId);
    const schema = openapi.paths[pathKey]![method]!.requestBody as {
      content: Record<string, { schema: object }>;
    };
    const sent = CLIENT_WIRE_FIELDS[found.operationId]?.body?.sent ?? [];
    for (const path of bodyPaths(doc, schema.content['application/json']!.schema as never, recorded.body)) {
      if (!covers(sent, path))
        refused.push(`${recorded.method} ${recorded.path}: ${path} is not in the client's wire table (sent)`);
    }
  }
  expect(refused, refused.join('\n')).toEqual([]);
  return requests;
}

/** One `sync` through the real planner and applier, then the contract on what it sent. */
async function sync(connectors: DesiredConnector[], options: Partial<PlanOptions> = {}): Promise<RunReport> {
  const { listingComplete: _listing, ...plan } = planOptions(options);
  const report = await runOnce(
    {
      loadDesired: async () => ({ ok: true, state: { connectors } as never, warnings: [] }),
      api: client,
      apiUrl: emulator.url,
      openLedger: async () => ledger,
      now: () => new Date(),
    },
    {
      dryRun: false,
      plan,
      concurrency: 4,
      authUrls: true,
      authReturnUrl: 'https://example.com/back',
      pushUnrecorded: false,
    },
  );
  expect(report.error, report.error?.message).toBeNull();
  expect(report.apply?.failed ?? 0).toBe(0);
  for (const op of report.plan?.operations ?? []) {
    covered.add(`plan ${op.kind}`);
    if (op.renamed_from && op.changes.length > 0) covered.add('plan rename with changes');
    for (const change of op.changes)
      covered.add(`change ${change.field}${change.after === null ? ' cleared' : ''}`);
    if (op.secrets) covered.add(`push ${op.secrets.reason}`);
    if (op.visibility) covered.add(`visibility ${op.visibility.via}`);
    if (op.activation) covered.add('activation');
    for (const step of op.credentials ?? [])
      for (const what of step.action === 'delete' ? ['delete'] : step.changes)
        covered.add(`credential ${what}`);
  }
  for (const result of report.apply?.results ?? []) if (result.note) covered.add(`note ${result.note}`);
  judgeRecorded();
  return report;
}

const secretHeaders = (value: string) => headers({ Authorization: `Bearer ${value}` });
const oauth = (secret: string | null) => ({
  client_id: new Secret('client-id-canary'),
  client_secret: secret === null ? null : new Secret(secret),
});

describe('the strict request validator', () => {
  const id = '00000000-0000-4000-8000-000000000001';

  it('refuses a PATCH that carries headers, a field UpdateConnectorRequest does not define', () => {
    const patch = {
      method: 'PATCH',
      path: `/v1/connectors/${id}`,
      query: [],
      body: { description: 'x', headers: {} },
    };
    expect(validateRequest(patch)).toEqual([
      {
        operationId: 'connector_update_v1',
        where: 'body.headers',
        message: 'the document does not define this field',
      },
    ]);
    expect(validateRequest({ ...patch, body: { description: 'x' } })).toEqual([]);
  });

  it('names fields, never their values (a refused secret stays secret)', () => {
    const canary = 'canary-4f1d9e';
    const body = {
      headers: { Authorization: canary },
      auth_data: { client_id: canary, client_secret: canary },
    };
    const patch = { method: 'PATCH', path: `/v1/connectors/${id}`, query: [], body };
    const said = validateRequest(patch).map((violation) => describeViolation(patch, violation));
    expect(said).toHaveLength(2);
    expect(said.join('\n')).not.toContain(canary);
  });

  it('refuses unknown fields in nested models, but keeps maps open', () => {
    const method = { method_type: 'none', global_headers: { 'X-Any-Name': { value: 'v', is_secret: true } } };
    const patch = {
      method: 'PATCH',
      path: `/v1/connectors/${id}`,
      query: [],
      body: { auth_methods: [method] },
    };
    expect(validateRequest(patch)).toEqual([]);
    const extra = { auth_methods: [{ ...method, global_headers: { X: { value: 'v', secret: true } } }] };
    expect(validateRequest({ ...patch, body: extra }).map((v) => v.where)).toEqual([
      'body.auth_methods.0.global_headers.X.secret',
    ]);
    const missing = { auth_methods: [{ global_headers: {} }] };
    expect(validateRequest({ ...patch, body: missing }).map((v) => v.message)).toContain(
      "must have required property 'method_type'",
    );
  });

  it('refuses undeclared query names, bad path parameters, and a body where none is taken', () => {
    const list = {
      method: 'GET',
      path: '/v1/connectors',
      query: [['active', 'true']] as Array<[string, string]>,
      body: undefined,
    };
    expect(validateRequest(list)).toEqual([]);
    // named in the document's `default` of query_filters, but not declared by ConnectorsQueryFilters
    expect(validateRequest({ ...list, query: [['fetch_user_data', 'true']] })[0]?.where).toBe(
      'query.fetch_user_data',
    );
    expect(validateRequest({ ...list, query: [['page_size', '1001']] })[0]?.where).toBe('query.page_size');
    expect(
      validateRequest({ method: 'DELETE', path: '/v1/connectors/docs', query: [], body: undefined })[0]
        ?.where,
    ).toBe('path.connector_id');
    expect(
      validateRequest({ method: 'PUT', path: `/v1/connectors/${id}/share`, query: [], body: {} })[0]?.where,
    ).toBe('body');
    expect(
      validateRequest({
        method: 'POST',
        path: `/v1/connectors/${id}/team/activate`,
        query: [],
        body: undefined,
      })[0]?.where,
    ).toBe('path.consumer_scope');
    expect(
      validateRequest({ method: 'POST', path: '/v1/connectors/docs/pause', query: [], body: undefined })[0]
        ?.operationId,
    ).toBeNull();
  });

  it('matches literal path segments before parameters', () => {
    expect(matchOperation('DELETE', '/v1/connectors/docs/user/credentials')?.operationId).toBe(
      'connector_delete_all_user_credentials_v1',
    );
    expect(matchOperation('DELETE', '/v1/connectors/docs/user/credentials/main')?.params).toEqual({
      connector_id_or_name: 'docs',
      credentials_name: 'main',
    });
    expect(matchOperation('POST', `/v1/connectors/${id}/workspace/activate`)?.operationId).toBe(
      'connector_activate_for_consumer_v1',
    );
  });
});

describe('every request the client sends, through the real planner and applier', () => {
  const plain = desired('plain');
  const secret = desired('secret', { headers: secretHeaders('v1'), auth_data: oauth('client-secret-v1') });
  const publicClient = desired('public_client', { auth_data: oauth(null) });
  const full = desired('full', {
    title: 'Full',
    icon_url: 'https://example.com/icon.png',
    system_prompt: 'Be brief.',
    visibility: 'private',
    expect_tools: ['search'],
  });

  it('creates: minimal, with headers and auth_data, with a public OAuth client', async () => {
    const report = await sync([plain, secret, publicClient, full]);
    expect(report.plan?.operations.map((op) => op.kind)).toEqual(['create', 'create', 'create', 'create']);
  });

  it('updates each managed field, then clears the optional ones', async () => {
    const changed = desired('full', {
      ...full,
      description: 'changed',
      server: 'https://mcp.example.com/full-v2',
      title: 'Full 2',
      icon_url: 'https://example.com/icon2.png',
      system_prompt: 'Be briefer.',
    });
    await sync([plain, secret, publicClient, changed]);
    const cleared = desired('full', { ...changed, title: null, icon_url: null, system_prompt: null });
    await sync([plain, secret, publicClient, cleared]);
  });

  it('pushes write-only values: requested, a secret_version bump, a changed fingerprint', async () => {
    const reason = (report: RunReport) =>
      report.plan?.operations.filter((op) => op.name === 'secret').map((op) => op.secrets?.reason);
    expect(reason(await sync([plain, secret, publicClient, full], { pushSecrets: ['secret'] }))).toEqual([
      'requested',
    ]);
    const bumped = desired('secret', { ...secret, secret_version: '2' });
    expect(reason(await sync([plain, bumped, publicClient, full]))).toEqual(['secret-version']);
    const rotated = desired('secret', { ...secret, secret_version: '2', headers: secretHeaders('v2') });
    expect(reason(await sync([plain, rotated, publicClient, full]))).toEqual(['fingerprint']);
  });

  it('shares, unshares, replaces for a visibility the API cannot change in place', async () => {
    const shared = desired('full', { ...full, visibility: 'shared_workspace' });
    await sync([plain, shared]);
    await sync([plain, desired('full', { ...full, visibility: 'private' })]);
    await sync([plain, desired('full', { ...full, visibility: 'shared_org' })], { allowReplace: true });
  });

  it('renames, alone and with a change', async () => {
    await sync([desired('plain_2', { ...plain, name: 'plain_2', renamed_from: 'plain' })]);
    await sync([
      desired('plain_3', { ...plain, name: 'plain_3', renamed_from: 'plain_2', description: 'moved' }),
    ]);
  });

  it('deletes with prune', async () => {
    await sync([desired('plain_3', { ...plain, name: 'plain_3', description: 'moved' })], {
      prune: true,
      maxDeleteFraction: 1,
    });
  });

  it('adopts a connector another writer created after the listing (409, get, PATCH)', async () => {
    hooks.push({
      matches: (r) => r.method === 'POST' && (r.body as { name?: string } | undefined)?.name === 'adopted',
      run: () => {
        emulator.store.insert({
          name: 'adopted',
          description: 'by hand',
          server: 'https://mcp.example.com/x',
        });
      },
    });
    const adopted = desired('adopted', { headers: secretHeaders('adopt') });
    const report = await sync([
      desired('plain_3', { ...plain, name: 'plain_3', description: 'moved' }),
      adopted,
    ]);
    expect(report.apply?.results.map((r) => r.note)).toContain('adopted the existing connector of that name');
  });

  it('creates again a connector deleted between the listing and its update (PATCH 404, get, POST)', async () => {
    const id = emulator.store.get('plain_3')!.id;
    hooks.push({
      matches: (r) => r.method === 'PATCH' && r.path.endsWith(id),
      run: async () => {
        const reply = await request(`${emulator.url}/v1/connectors/${id}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${KEY}` },
        });
        await reply.body.dump();
      },
    });
    const report = await sync([desired('plain_3', { ...plain, name: 'plain_3', description: 'again' })]);
    expect(report.apply?.results[0]?.note).toBe('it had been deleted: created again');
  });

  it('activates and deactivates scopes; creates, retitles, rotates, promotes and prunes credentials', async () => {
    const token = (name: string, extra: Partial<DesiredCredential> = {}): DesiredCredential => ({
      name,
      scope: 'workspace',
      title: null,
      default: null,
      headers: null,
      bearer_token: new Secret(`canary-token-${name}`),
      ...extra,
    });
    const keyed = token('keyed', {
      scope: 'user',
      bearer_token: null,
      headers: { 'X-Key': new Secret('canary-k') },
    });
    const org = token('org', { scope: 'organization', title: 'Org' });
    const consumer = (active_for: DesiredConnector['active_for'], credentials: DesiredCredential[]) =>
      desired('consumer', { active_for, credentials });
    const only = { scope: ['consumer'] };
    await sync([consumer(['workspace', 'user'], [token('one'), token('two'), keyed, org])], only);
    await sync([consumer(['workspace'], [token('one', { title: 'One' }), token('two'), keyed, org])], only);
    const rotated = token('two', { default: true, bearer_token: new Secret('canary-token-two-v2') });
    await sync([consumer(['workspace'], [token('one', { title: 'One' }), rotated, keyed, org])], only);
    // every scope's delete, by name: one (workspace), keyed (user), org (organization)
    const report = await sync([consumer(['workspace'], [rotated])], { ...only, prune: true });
    expect(
      report.plan?.operations[0]?.credentials?.map((step) => `${step.action} ${step.scope}/${step.name}`),
    ).toEqual(['delete user/keyed', 'delete workspace/one', 'delete organization/org']);
    const quiet = await sync([consumer(['workspace'], [rotated])], { ...only, prune: true });
    expect(quiet.plan?.operations).toEqual([]);
    expect(quiet.plan?.in_sync).toEqual(['consumer']);
  });

  it('lists with active and tools pretty (calls no plan makes)', async () => {
    await client.listConnectors({ active: true });
    await client.listTools('plain_3', { pretty: true, refresh: true, pageSize: 1 });
    judgeRecorded();
  });

  it('reads the agents, their aliases and the older versions aliases pin (every page)', async () => {
    const withAgents = await startEmulator({
      apiKey: KEY,
      builtins: false,
      agents: [
        { name: 'one', tools: [{ type: 'connector', connector_id: 'plain_3' }] },
        {
          name: 'pinned',
          tools: [],
          versions: [{ tools: [{ type: 'connector', connector_id: 'plain_3' }] }],
          aliases: { prod: 0, next: 1 },
        },
      ],
    });
    try {
      const reader = createClient({ baseUrl: withAgents.url, apiKey: KEY, dispatcher: recorder.dispatcher });
      const listing = await reader.listAgents();
      expect(listing.complete).toBe(true);
      expect(listing.agents.find((a) => a.name === 'pinned')?.versions).toEqual([
        { version: 1, latest: true, aliases: ['next'], connectors: [] },
        {
          version: 0,
          latest: false,
          aliases: ['prod'],
          connectors: [{ connector_id: 'plain_3', tool_configuration: null }],
        },
      ]);
      judgeRecorded();
    } finally {
      await withAgents.close();
    }
  });

  it('covered every operation the client uses and every planner path', () => {
    const used = Object.entries(CLIENT_WIRE_FIELDS)
      .filter(([, row]) => row.use === 'used')
      .map(([id]) => id);
    const paths = [
      'plan create',
      'plan update',
      'plan rename',
      'plan rename with changes',
      'plan replace',
      'plan delete',
      ...['description', 'server', 'title', 'icon_url', 'system_prompt'].map((field) => `change ${field}`),
      ...['title', 'icon_url', 'system_prompt'].map((field) => `change ${field} cleared`),
      'push create',
      'push requested',
      'push secret-version',
      'push fingerprint',
      'visibility create',
      'visibility share',
      'visibility unshare',
      'visibility replace',
      'note adopted the existing connector of that name',
      'note it had been deleted: created again',
      'note replaced: deleted, then created',
      'activation',
      ...['created', 'title', 'default', 'values', 'delete'].map((what) => `credential ${what}`),
    ];
    for (const entry of [...used, ...paths]) expect(covered, entry).toContain(entry);
  });
});
