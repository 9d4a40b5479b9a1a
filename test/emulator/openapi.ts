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
import { missingSharedDocs, SHARED_DIR } from '../support/shared-dir.js';

/** The repository root (this file is test/emulator/openapi.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const DOC_ID = 'connectors-openapi.json';

type Json = Record<string, unknown>;

const missing = missingSharedDocs();
if (missing) throw new Error(missing);

type Document = Json & {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json> };
};

const readDocument = (file: string) =>
  parse(readFileSync(path.join(SHARED_DIR, 'api', file), 'utf8')) as Document;

/**
 * The parsed documents as one: the Connectors API, and the read side of the Agents API that
 * connector-sync reads agents from. Their shared schemas (the validation error) are identical.
 */
export const openapi = mergeDocuments(
  readDocument('connectors-openapi.yaml'),
  readDocument('agents-openapi.yaml'),
);

function mergeDocuments(base: Document, extra: Document): Document {
  for (const [name, schema] of Object.entries(extra.components.schemas)) {
    const own = base.components.schemas[name];
    if (own !== undefined && JSON.stringify(own) !== JSON.stringify(schema))
      throw new Error(`the two OpenAPI documents define ${name} differently`);
  }
  return {
    ...base,
    paths: { ...base.paths, ...extra.paths },
    components: { ...base.components, schemas: { ...extra.components.schemas, ...base.components.schemas } },
  };
}

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

// ---------------------------------------------------------------------------------------------
// Requests: what a client sends, proven against the document with unknown names forbidden.

const STRICT_ID = 'connectors-openapi-strict.json';

/**
 * The document with `additionalProperties: false` on every object schema that lists properties
 * and says nothing about extra ones. The real API (pydantic) ignores an unknown body field
 * silently, so a client that sends one is talking to nobody: the contract makes that an error.
 * Maps (`additionalProperties` given, like `global_headers`) stay maps.
 */
export function strictClone<T>(node: T): T {
  if (Array.isArray(node)) return node.map((item) => strictClone(item)) as T;
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    // example values are data, not schemas
    out[key] = key === 'example' || key === 'examples' || key === 'default' ? value : strictClone(value);
  }
  if (out.type === 'object' && typeof out.properties === 'object' && !('additionalProperties' in out)) {
    out.additionalProperties = false;
  }
  return out as T;
}

ajv.addSchema(strictClone(openapi), STRICT_ID);

/** One request as a client put it on the wire; `body` is undefined when it sent none. */
export interface RecordedRequest {
  method: string;
  /** The path without the query, still percent-encoded. */
  path: string;
  query: Array<[string, string]>;
  body: unknown;
}

/** Something a request does that the document does not allow. */
export interface Violation {
  /** null when no operation of the document has this method and path. */
  operationId: string | null;
  /** Where: `body.headers`, `query.fetch_user_data`, `path.connector_id`, or `request`. */
  where: string;
  message: string;
}

/** The operation a method and path call, with its path parameters (decoded); null when none. */
export function matchOperation(
  method: string,
  path: string,
): { operationId: string; pathKey: string; params: Record<string, string> } | null {
  const segments = path.split('/').slice(1);
  let best: {
    operationId: string;
    pathKey: string;
    params: Record<string, string>;
    literals: number;
  } | null = null;
  for (const [pathKey, item] of Object.entries(openapi.paths)) {
    const operation = item[method.toLowerCase()];
    if (!operation) continue;
    const template = pathKey.replace(/#.*$/, '').split('/').slice(1);
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    const fits = template.every((part, index) => {
      const segment = segments[index]!;
      const param = /^\{(.+)\}$/.exec(part)?.[1];
      if (param === undefined) {
        literals += 1;
        return part === segment;
      }
      params[param] = decodeURIComponent(segment);
      return segment.length > 0;
    });
    // a literal segment (`user/credentials`) wins over a parameter (`{consumer_scope}`)
    if (fits && (best === null || literals > best.literals)) {
      best = { operationId: operation.operationId as string, pathKey, params, literals };
    }
  }
  if (best === null) return null;
  const { literals: _literals, ...found } = best;
  return found;
}

interface ParameterDoc {
  name: string;
  in: string;
  schema?: Json;
}

function parameters(operationId: string): Array<ParameterDoc & { index: number }> {
  const { operation } = findOperation(operationId);
  return ((operation.parameters ?? []) as ParameterDoc[]).map((param, index) => ({ ...param, index }));
}

function compileStrict(ref: string): ValidateFunction {
  const cached = cache.get(ref);
  if (cached) return cached;
  const validate = ajv.compile({ $ref: `${STRICT_ID}#/${ref}` });
  cache.set(ref, validate);
  return validate;
}

function operationPointer(operationId: string): string {
  const { pathKey, method } = findOperation(operationId);
  return pointer('paths', pathKey, method);
}

/** The strict validator of an operation's request body; null when the operation takes no body. */
export function requestValidator(operationId: string): ValidateFunction | null {
  const { operation } = findOperation(operationId);
  const content = (operation.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
  if (!content?.['application/json']?.schema) return null;
  return compileStrict(
    `${operationPointer(operationId)}/${pointer('requestBody', 'content', 'application/json', 'schema')}`,
  );
}

function resolveRef(ref: string): Json {
  let node: unknown = openapi;
  for (const part of ref.replace(/^#\//, '').split('/')) {
    node = (node as Json)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return node as Json;
}

/**
 * The query names an operation declares, each with its schema's pointer. An object parameter
 * (`query_filters`) goes on the wire form-exploded, as its properties (`active=true`), the way
 * FastAPI reads it and the official SDK sends it.
 */
export function queryNames(operationId: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const param of parameters(operationId)) {
    if (param.in !== 'query') continue;
    const at = `${operationPointer(operationId)}/${pointer('parameters', String(param.index), 'schema')}`;
    const ref = param.schema?.$ref as string | undefined;
    const target = ref ? resolveRef(ref) : param.schema;
    if (target?.type === 'object' && ref) {
      for (const property of Object.keys(target.properties as Json)) {
        names.set(property, `${ref.replace(/^#\//, '')}/${pointer('properties', property)}`);
      }
    } else names.set(param.name, at);
  }
  return names;
}

/** A query or path value is text: it fits when the text, or the number or boolean it spells, does. */
function fitsText(validate: ValidateFunction, text: string): boolean {
  const candidates: unknown[] = [text];
  if (/^-?\d+(\.\d+)?$/.test(text)) candidates.push(Number(text));
  if (text === 'true' || text === 'false') candidates.push(text === 'true');
  return candidates.some((candidate) => validate(candidate));
}

/** The query's problems: names the operation does not declare, values its schema refuses, repeats. */
export function queryValidator(operationId: string): (query: Array<[string, string]>) => Violation[] {
  const names = queryNames(operationId);
  return (query) => {
    const problems: Violation[] = [];
    const seen = new Set<string>();
    for (const [name, value] of query) {
      const where = `query.${name}`;
      const at = names.get(name);
      if (at === undefined) {
        problems.push({ operationId, where, message: `the document declares no query parameter ${name}` });
      } else if (seen.has(name)) {
        problems.push({ operationId, where, message: 'sent twice' });
      } else if (!fitsText(compileStrict(at), value)) {
        problems.push({ operationId, where, message: `"${value}" does not fit its schema` });
      }
      seen.add(name);
    }
    return problems;
  };
}

function pathProblems(operationId: string, params: Record<string, string>): Violation[] {
  const problems: Violation[] = [];
  for (const param of parameters(operationId)) {
    if (param.in !== 'path') continue;
    const at = `${operationPointer(operationId)}/${pointer('parameters', String(param.index), 'schema')}`;
    const value = params[param.name];
    if (value === undefined || !fitsText(compileStrict(at), value)) {
      problems.push({
        operationId,
        where: `path.${param.name}`,
        message: `"${value}" does not fit its schema`,
      });
    }
  }
  return problems;
}

/** Every way a request breaks the document (strict): path, query and body. Empty when it is a valid call. */
export function validateRequest(request: RecordedRequest): Violation[] {
  const found = matchOperation(request.method, request.path);
  if (found === null) {
    return [
      { operationId: null, where: 'request', message: `no operation is ${request.method} ${request.path}` },
    ];
  }
  const { operationId, params } = found;
  const problems = [...pathProblems(operationId, params), ...queryValidator(operationId)(request.query)];
  const validate = requestValidator(operationId);
  if (validate === null) {
    if (request.body !== undefined)
      problems.push({ operationId, where: 'body', message: 'the operation takes no body, one was sent' });
  } else if (request.body === undefined) {
    problems.push({ operationId, where: 'body', message: 'the operation needs a body, none was sent' });
  } else if (!validate(request.body)) {
    for (const error of validate.errors ?? []) {
      // anyOf reports itself and each branch: the `null` branch says nothing worth reading
      if (error.keyword === 'anyOf' || (error.keyword === 'type' && error.params.type === 'null')) continue;
      const extra = error.keyword === 'additionalProperties' ? `/${error.params.additionalProperty}` : '';
      const where = `body${`${error.instancePath}${extra}`.replaceAll('/', '.')}`;
      const message =
        error.keyword === 'additionalProperties'
          ? 'the document does not define this field'
          : `${error.message}`;
      problems.push({ operationId, where, message });
    }
  }
  return problems;
}

/** A violation in a sentence, for a failing test's message. */
export function describeViolation(request: RecordedRequest, violation: Violation): string {
  return `${request.method} ${request.path} (${violation.operationId ?? 'no operation'}): ${violation.where} ${violation.message}`;
}
