/**
 * The OpenAPI document the emulator must honour, loaded from ../shared/api (never copied), with
 * ajv validators for the response schemas it gives each operation and status.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { missingSharedDocs, OPENAPI_FILE } from '../support/shared-dir.js';

/** The repository root (this file is test/emulator/openapi.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const DOC_ID = 'connectors-openapi.json';

type Json = Record<string, unknown>;

const missing = missingSharedDocs();
if (missing) throw new Error(missing);

/** The parsed document. */
export const openapi = parse(readFileSync(OPENAPI_FILE, 'utf8')) as Json & {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json> };
};

// OpenAPI 3.1 schemas are JSON Schema 2020-12; strict mode off for OpenAPI-only keywords
// (e.g. `example`), and `password` (a UI hint in OpenAPI) accepted as any string.
// ajv-formats is CommonJS: under nodenext its default import is the module object or the plugin
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('password', true);
ajv.addSchema(openapi, DOC_ID);

function pointer(...parts: string[]): string {
  return parts.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
}

/** Where an operation lives in the document. */
export function findOperation(operationId: string): { pathKey: string; method: string; operation: Json } {
  for (const [pathKey, item] of Object.entries(openapi.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if ((operation as Json).operationId === operationId)
        return { pathKey, method, operation: operation as Json };
    }
  }
  throw new Error(`the OpenAPI document has no operation ${operationId}`);
}

const cache = new Map<string, ValidateFunction>();

/** The validator of an operation's documented response body for a status; null when the document has none. */
export function documentedResponse(operationId: string, status: number): ValidateFunction | null {
  const key = `${operationId} ${status}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const { pathKey, method, operation } = findOperation(operationId);
  const responses = operation.responses as Record<string, Json>;
  const content = responses[String(status)]?.content as Record<string, Json> | undefined;
  if (!content?.['application/json']?.schema) return null;
  const ref = `${DOC_ID}#/${pointer('paths', pathKey, method, 'responses', String(status), 'content', 'application/json', 'schema')}`;
  const validate = ajv.compile({ $ref: ref });
  cache.set(key, validate);
  return validate;
}

/** A component schema's validator. */
export function componentSchema(name: string): ValidateFunction {
  const key = `#${name}`;
  const cached = cache.get(key);
  if (cached) return cached;
  if (!openapi.components.schemas[name]) throw new Error(`no component schema ${name}`);
  const validate = ajv.compile({ $ref: `${DOC_ID}#/components/schemas/${name}` });
  cache.set(key, validate);
  return validate;
}

/** The property names a component schema declares. */
export function declaredProperties(name: string): Set<string> {
  return new Set(Object.keys((openapi.components.schemas[name]?.properties ?? {}) as Json));
}

/**
 * The loose error shape for statuses the document does not describe (401, 403, 404, 409, 413,
 * 429): Mistral's glossary object (`message` required; `object`, `type`, `param`, `code` typed
 * when present), the bare `{"message"}` of 429s, or FastAPI's `{"detail": "..."}`.
 */
export const looseError = ajv.compile({
  anyOf: [
    {
      type: 'object',
      required: ['message'],
      properties: {
        object: { const: 'error' },
        message: { type: 'string', minLength: 1 },
        type: { type: ['string', 'null'] },
        param: { type: ['string', 'null'] },
        code: { type: ['string', 'null'] },
      },
    },
    { type: 'object', required: ['detail'], properties: { detail: { type: 'string', minLength: 1 } } },
  ],
});

/** Readable ajv errors. */
export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message}`).join('; ');
}
