/**
 * `npm run spec:check`: the client's and the emulator's field tables, and the configuration
 * schema's enums, against the vendored OpenAPI document. Any difference fails, with a sentence
 * that names the operation and the field.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIENT_WIRE_FIELDS } from '../../src/api/wire-fields.js';
import { EMULATOR_WIRE_FIELDS } from '../../src/emulator/wire-fields.js';
import { openapi, repoRoot } from '../emulator/openapi.js';
import { type ConfigSchemaFacts, compareWire, type OpenApiDoc } from './compare-wire.js';

type Json = Record<string, unknown>;

/** The first property of that name anywhere in a JSON schema. */
function findProperty(node: unknown, name: string): Json | null {
  if (typeof node !== 'object' || node === null) return null;
  const properties = (node as Json).properties as Json | undefined;
  if (properties && typeof properties[name] === 'object') return properties[name] as Json;
  for (const child of Object.values(node)) {
    const found = findProperty(child, name);
    if (found) return found;
  }
  return null;
}

const configSchema = JSON.parse(readFileSync(path.join(repoRoot, 'schemas/connector.schema.json'), 'utf8'));

/** What the configuration schema says about the values it shares with the document. */
function configFacts(): ConfigSchemaFacts {
  const metadata = findProperty(configSchema, 'oauth2_server_metadata');
  return {
    visibility: (findProperty(configSchema, 'visibility')?.enum as string[] | undefined) ?? null,
    scope: (findProperty(configSchema, 'scope')?.enum as string[] | undefined) ?? null,
    oauth2ServerMetadata: metadata?.properties ? Object.keys(metadata.properties as Json) : null,
  };
}

const doc = openapi as unknown as OpenApiDoc;

describe('spec:check', () => {
  it('the client, the emulator and the configuration schema agree with the vendored document', () => {
    expect(compareWire(doc, CLIENT_WIRE_FIELDS, EMULATOR_WIRE_FIELDS, configFacts())).toEqual([]);
  });

  it('names a field removed from the document (a scratch copy, in memory)', () => {
    const scratch = structuredClone(doc);
    const method = scratch.components.schemas.AuthenticationMethodCreateOrUpdateRequest as Json;
    delete (method.properties as Json).global_headers;
    const problems = compareWire(scratch, CLIENT_WIRE_FIELDS, EMULATOR_WIRE_FIELDS, configFacts());
    expect(problems).toContain(
      'client: connector_update_v1 body: sent names auth_methods[].global_headers, a field the spec does not define',
    );
    expect(problems).toContain(
      'emulator: connector_update_v1 body: read names auth_methods[].global_headers{}.value, a field the spec does not define',
    );
  });

  it('names a field added to the document, an operation no table lists, a required field not sent', () => {
    const scratch = structuredClone(doc);
    const update = scratch.components.schemas.UpdateConnectorRequest as Json;
    (update.properties as Json).visibility = { type: 'string' };
    const create = scratch.components.schemas.CreateConnectorRequest as Json;
    create.required = [...(create.required as string[]), 'protocol'];
    scratch.paths['/v1/connectors/{connector_id}/pause'] = { post: { operationId: 'connector_pause_v1' } };
    const problems = compareWire(scratch, CLIENT_WIRE_FIELDS, EMULATOR_WIRE_FIELDS);
    expect(problems).toEqual(
      expect.arrayContaining([
        "client: connector_update_v1 body: the spec's field visibility is in neither sent nor declined",
        "emulator: connector_update_v1 body: the spec's field visibility is in neither read nor ignored",
        'client: connector_create_v1 body: the spec requires protocol, the client does not send it',
        'client: connector_pause_v1 (POST /v1/connectors/{connector_id}/pause) is in neither its used nor unused list',
      ]),
    );
  });

  it('names a configuration enum that differs from the document', () => {
    const facts = { ...configFacts(), visibility: ['private', 'shared_workspace', 'shared_global'] };
    expect(compareWire(doc, CLIENT_WIRE_FIELDS, EMULATOR_WIRE_FIELDS, facts)).toEqual([
      "config schema: visibility is [private,shared_workspace,shared_global], the spec's PublicResourceVisibility is [shared_org,shared_workspace,private]",
    ]);
  });
});
