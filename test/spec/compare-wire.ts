/**
 * The spec check, as a pure function: the vendored OpenAPI document's request fields per
 * operation, expanded into dotted paths, against the client's table (src/api/wire-fields.ts),
 * the emulator's (src/emulator/wire-fields.ts) and the configuration schema's enums. Every
 * difference is a sentence; none means the three agree with the document.
 *
 * Paths: `a.b` a property, `a[]` an array's items, `a{}` a map's values; in a table, `a.*`
 * stands for every path below `a` (a model passed through whole).
 */
import type { ClientWireRow } from '../../src/api/wire-fields.js';
import type { EmulatorWireRow } from '../../src/emulator/wire-fields.js';

type Json = Record<string, unknown>;

/** An OpenAPI document, as parsed. */
export interface OpenApiDoc {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json> };
}

/** The request fields of one operation. */
export interface SpecOperation {
  method: string;
  path: string;
  /** null when the operation takes no body. */
  body: Set<string> | null;
  /** [parent path ('' for the body itself), required child path]. */
  required: Array<[string, string]>;
  query: Set<string>;
}

function resolve(doc: OpenApiDoc, schema: Json, seen: readonly string[]): [Json, readonly string[]] {
  let node = schema;
  let trail = seen;
  while (typeof node.$ref === 'string') {
    const ref = node.$ref;
    if (trail.includes(ref)) return [{}, trail];
    trail = [...trail, ref];
    const name = ref.replace('#/components/schemas/', '');
    node = {
      ...doc.components.schemas[name],
      ...Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$ref')),
    };
  }
  return [node, trail];
}

/** The branches of a schema that are not `null`. */
function branches(doc: OpenApiDoc, schema: Json, seen: readonly string[]): Array<[Json, readonly string[]]> {
  const [node, trail] = resolve(doc, schema, seen);
  const options = (node.anyOf ?? node.oneOf) as Json[] | undefined;
  if (!options) return [[node, trail]];
  return options.filter((option) => option.type !== 'null').flatMap((option) => branches(doc, option, trail));
}

const join = (prefix: string, name: string) => (prefix === '' ? name : `${prefix}.${name}`);

/** Every path a request body of `schema` can carry, below `prefix`. */
function expand(
  doc: OpenApiDoc,
  schema: Json,
  prefix: string,
  out: SpecOperation,
  seen: readonly string[] = [],
): void {
  for (const [node, trail] of branches(doc, schema, seen)) {
    for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Json>)) {
      const path = join(prefix, name);
      out.body!.add(path);
      expand(doc, child, path, out, trail);
    }
    for (const name of (node.required ?? []) as string[]) out.required.push([prefix, join(prefix, name)]);
    if (node.type === 'array' && node.items) {
      out.body!.add(`${prefix}[]`);
      expand(doc, node.items as Json, `${prefix}[]`, out, trail);
    }
    const values = node.additionalProperties;
    if (node.type === 'object' && !node.properties && values !== undefined && values !== false) {
      out.body!.add(`${prefix}{}`);
      if (typeof values === 'object') expand(doc, values as Json, `${prefix}{}`, out, trail);
    }
  }
}

/** The request fields of every operation of the document, by operationId. */
export function specOperations(doc: OpenApiDoc): Map<string, SpecOperation> {
  const operations = new Map<string, SpecOperation>();
  for (const [pathKey, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const found: SpecOperation = {
        method: method.toUpperCase(),
        path: pathKey.replace(/#.*$/, ''),
        body: null,
        required: [],
        query: new Set(),
      };
      const schema = (
        (operation.requestBody as Json | undefined)?.content as Record<string, Json> | undefined
      )?.['application/json']?.schema as Json | undefined;
      if (schema) {
        found.body = new Set();
        expand(doc, schema, '', found);
      }
      for (const param of (operation.parameters ?? []) as Json[]) {
        if (param.in !== 'query') continue;
        // an object parameter goes on the wire form-exploded: its properties are the names
        const [node] = resolve(doc, (param.schema ?? {}) as Json, []);
        if (node.type === 'object' && node.properties) {
          for (const name of Object.keys(node.properties as Json)) found.query.add(name);
        } else found.query.add(param.name as string);
      }
      operations.set(operation.operationId as string, found);
    }
  }
  return operations;
}

/** True when a table's list names the path, itself or through a `.*` above it. */
export function covers(list: readonly string[], path: string): boolean {
  return list.some(
    (entry) => entry === path || (entry.endsWith('.*') && path.startsWith(entry.slice(0, -1))),
  );
}

/** Differences between the document's fields and one table's two lists, in sentences. */
function compareSplit(
  label: string,
  spec: ReadonlySet<string>,
  lists: Record<string, readonly string[]>,
): string[] {
  const problems: string[] = [];
  const [[firstName, first], [secondName, second]] = Object.entries(lists) as [
    [string, readonly string[]],
    [string, readonly string[]],
  ];
  for (const path of spec) {
    const inFirst = covers(first, path);
    const inSecond = covers(second, path);
    if (!inFirst && !inSecond)
      problems.push(`${label}: the spec's field ${path} is in neither ${firstName} nor ${secondName}`);
    if (first.includes(path) && second.includes(path))
      problems.push(`${label}: ${path} is in both ${firstName} and ${secondName}`);
  }
  for (const [name, list] of [
    [firstName, first],
    [secondName, second],
  ] as const) {
    for (const entry of list) {
      const base = entry.endsWith('.*') ? entry.slice(0, -2) : entry;
      if (!spec.has(base))
        problems.push(`${label}: ${name} names ${entry}, a field the spec does not define`);
    }
  }
  return problems;
}

function compareParts(
  label: string,
  spec: SpecOperation,
  body: Record<string, readonly string[]> | undefined,
  query: Record<string, readonly string[]> | undefined,
): string[] {
  const problems: string[] = [];
  if (spec.body !== null) {
    if (body) problems.push(...compareSplit(`${label} body`, spec.body, body));
    else problems.push(`${label}: the spec defines a body, the table describes none`);
  } else if (body) problems.push(`${label}: the table describes a body, the spec defines none`);
  if (spec.query.size > 0 || query)
    problems.push(...compareSplit(`${label} query`, spec.query, query ?? { a: [], b: [] }));
  return problems;
}

/** Schema enums and models the configuration file shares with the document. */
export interface ConfigSchemaFacts {
  visibility: readonly string[] | null;
  /** A credential's (or active_for's) scope enum, once the configuration has one. */
  scope: readonly string[] | null;
  /** The properties of oauth2_server_metadata, once the configuration has it. */
  oauth2ServerMetadata: readonly string[] | null;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}

/** Every difference between the document and the client's table, the emulator's and the configuration schema. */
export function compareWire(
  doc: OpenApiDoc,
  client: Readonly<Record<string, ClientWireRow>>,
  emulator: Readonly<Record<string, EmulatorWireRow>>,
  config?: ConfigSchemaFacts,
): string[] {
  const problems: string[] = [];
  const operations = specOperations(doc);
  for (const [id, spec] of operations) {
    const row = client[id];
    if (!row)
      problems.push(`client: ${id} (${spec.method} ${spec.path}) is in neither its used nor unused list`);
    else {
      if (row.method !== spec.method || row.path !== spec.path)
        problems.push(
          `client: ${id} is ${spec.method} ${spec.path} in the spec, ${row.method} ${row.path} in the table`,
        );
      if (row.use === 'used') {
        const split = (part: { sent: readonly string[]; declined: readonly string[] } | undefined) =>
          part && { sent: part.sent, declined: part.declined };
        problems.push(...compareParts(`client: ${id}`, spec, split(row.body), split(row.query)));
        for (const [parent, child] of spec.required) {
          const parentSent = parent === '' || covers(row.body?.sent ?? [], parent);
          if (parentSent && !covers(row.body?.sent ?? [], child))
            problems.push(`client: ${id} body: the spec requires ${child}, the client does not send it`);
        }
      }
    }
    const served = emulator[id];
    if (!served)
      problems.push(`emulator: ${id} (${spec.method} ${spec.path}) is in neither its used nor unused list`);
    else if (served.use === 'used') {
      const split = (part: { read: readonly string[]; ignored: readonly string[] } | undefined) =>
        part && { read: part.read, ignored: part.ignored };
      problems.push(...compareParts(`emulator: ${id}`, spec, split(served.body), split(served.query)));
    }
  }
  for (const id of Object.keys(client))
    if (!operations.has(id)) problems.push(`client: ${id} is not an operation of the spec`);
  for (const id of Object.keys(emulator))
    if (!operations.has(id)) problems.push(`emulator: ${id} is not an operation of the spec`);
  if (config) problems.push(...compareConfig(doc, config));
  return problems;
}

function enumOf(doc: OpenApiDoc, name: string): readonly string[] {
  return (doc.components.schemas[name]?.enum ?? []) as string[];
}

function compareConfig(doc: OpenApiDoc, config: ConfigSchemaFacts): string[] {
  const problems: string[] = [];
  const visibility = enumOf(doc, 'PublicResourceVisibility');
  if (!config.visibility || !sameSet(config.visibility, visibility))
    problems.push(
      `config schema: visibility is [${config.visibility}], the spec's PublicResourceVisibility is [${visibility}]`,
    );
  const scopes = consumerScopes(doc);
  if (config.scope && !sameSet(config.scope, scopes))
    problems.push(`config schema: scope is [${config.scope}], the spec's consumer_scope is [${scopes}]`);
  const metadata = Object.keys(
    (doc.components.schemas.ExtendedOAuthServerMetadata?.properties ?? {}) as Json,
  );
  if (config.oauth2ServerMetadata && !sameSet(config.oauth2ServerMetadata, metadata))
    problems.push(
      `config schema: oauth2_server_metadata has [${config.oauth2ServerMetadata}], the spec's ExtendedOAuthServerMetadata has [${metadata}]`,
    );
  return problems;
}

/** The activate path's consumer_scope enum (user, workspace, organization). */
function consumerScopes(doc: OpenApiDoc): readonly string[] {
  for (const item of Object.values(doc.paths)) {
    for (const operation of Object.values(item)) {
      for (const param of (operation.parameters ?? []) as Json[]) {
        if (param.name === 'consumer_scope') return ((param.schema as Json).enum ?? []) as string[];
      }
    }
  }
  return [];
}

/**
 * The paths a body actually carries, read along the document's schema (maps as `{}`, arrays as
 * `[]`); a field the schema does not define is named as it is.
 */
export function bodyPaths(doc: OpenApiDoc, schema: Json, value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const options = branches(doc, schema, []);
  if (Array.isArray(value)) {
    const items = options.find(([node]) => node.type === 'array')?.[0].items as Json | undefined;
    return [`${prefix}[]`, ...value.flatMap((item) => bodyPaths(doc, items ?? {}, item, `${prefix}[]`))];
  }
  const node = options.find(([option]) => option.type === 'object' || option.properties)?.[0] ?? {};
  const properties = (node.properties ?? {}) as Record<string, Json>;
  const out: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (!node.properties && node.additionalProperties !== undefined) {
      const values = typeof node.additionalProperties === 'object' ? (node.additionalProperties as Json) : {};
      out.push(`${prefix}{}`, ...bodyPaths(doc, values, child, `${prefix}{}`));
    } else {
      const path = join(prefix, key);
      // below a field the schema does not define there is nothing more to learn
      out.push(path, ...(properties[key] ? bodyPaths(doc, properties[key], child, path) : []));
    }
  }
  return [...new Set(out)];
}
