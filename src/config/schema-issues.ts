import type { ErrorObject } from 'ajv';
import { formatKeyPath, type KeySegment, makeIssue, quoteValue } from './issues.js';
import { type DocumentContext, locateKey, locateValue } from './positions.js';
import { closestMatch } from './suggest.js';
import type { ConfigIssue } from './types.js';

/** Visibility values the API shows but a file may not declare, with the reason. */
const RESERVED_VALUES: Record<string, string> = {
  shared_global: "is reserved for Mistral's own connectors",
};

/** Issue codes for rules that live in a shared `$defs` entry of the schema. */
const DEF_CODES: Record<string, string> = {
  name: 'bad-name',
  httpUrl: 'bad-url',
  headerValue: 'invalid-header-value',
};

interface Located {
  error: ErrorObject;
  /** Path of the value the error is about (for additionalProperties/required: of the key concerned). */
  segments: KeySegment[];
  /** The value at `segments`, when there is one. */
  value: unknown;
}

/** Turns a JSON pointer into key segments, using the data to tell list indexes from keys. */
function pointerSegments(pointer: string, data: unknown): { segments: KeySegment[]; value: unknown } {
  const segments: KeySegment[] = [];
  let value = data;
  if (pointer === '') return { segments, value };
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      const index = Number(part);
      segments.push(index);
      value = value[index];
    } else {
      segments.push(part);
      value =
        value !== null && typeof value === 'object'
          ? Object.getOwnPropertyDescriptor(value, part)?.value
          : undefined;
    }
  }
  return { segments, value };
}

/** "a string", "a mapping", "a list": what a person calls a YAML value's kind. */
export function describeKind(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a number' : 'a decimal number';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  object: 'a mapping',
  array: 'a list',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  null: 'empty',
};

function expectedKinds(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => EXPECTED[String(t)] ?? String(t)).join(' or ');
}

function defName(error: ErrorObject): string | undefined {
  return /^#\/\$defs\/([^/]+)\//.exec(error.schemaPath)?.[1];
}

function connectorName(data: unknown, segments: readonly KeySegment[]): string | undefined {
  let node = data;
  if (segments[0] === 'connectors' && typeof segments[1] === 'number') {
    node = (data as { connectors?: unknown[] } | null)?.connectors?.[segments[1]];
  }
  const name = (node as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function isConnectorSchema(schema: unknown): boolean {
  return (schema as { title?: unknown } | undefined)?.title === 'Connector';
}

function propertiesOf(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties) : [];
}

function typeIssue(ctx: DocumentContext, at: Located): ConfigIssue {
  const { error, segments, value } = at;
  const key = formatKeyPath(segments);
  const location = locateValue(ctx, segments);
  if (error.params.type === 'object' && isConnectorSchema(error.parentSchema)) {
    const what = 'a mapping of keys (name:, description:, server:, ...)';
    const message =
      segments.length === 0
        ? `a connector document must be ${what} or a \`connectors:\` list; found ${describeKind(value)}`
        : `\`${key}\` must be a connector, ${what}; found ${describeKind(value)}`;
    return makeIssue('not-a-mapping', message, location, { key });
  }
  if (value === null || value === undefined) {
    return makeIssue('wrong-type', `\`${key}\` has no value: give it one, or remove the key`, location, {
      key,
    });
  }
  const expected = expectedKinds(error.params.type);
  let message = `\`${key}\` must be ${expected}, found ${describeKind(value)}`;
  if (expected === 'a string' && (typeof value === 'number' || typeof value === 'boolean')) {
    message += '; put it in quotes to make it text';
  }
  return makeIssue('wrong-type', message, location, { key });
}

function unknownKeyIssue(ctx: DocumentContext, at: Located, suggestion: string | undefined): ConfigIssue {
  const { error, segments } = at;
  const unknown = String(error.params.additionalProperty);
  const key = formatKeyPath(segments);
  const location = locateKey(ctx, segments);
  const allowed = propertiesOf(error.parentSchema);
  let message = `unknown key ${quoteValue(unknown)}`;
  if (allowed.length === 1 && allowed[0] === 'connectors') {
    message += ' beside `connectors:`: a document with a `connectors:` list holds nothing else';
  } else if (suggestion !== undefined) {
    message += `; did you mean \`${suggestion}\`?`;
  } else {
    message += `; allowed keys: ${allowed.join(', ')}`;
  }
  return makeIssue('unknown-key', message, location, { key });
}

function requiredIssue(ctx: DocumentContext, at: Located, data: unknown): ConfigIssue {
  const missing = String(at.error.params.missingProperty);
  const parent = at.segments.slice(0, -1);
  const location = locateValue(ctx, parent);
  const owner = isConnectorSchema(at.error.parentSchema) ? connectorName(data, parent) : undefined;
  let message: string;
  if (owner !== undefined) message = `connector ${quoteValue(owner)} is missing required key \`${missing}\``;
  else if (parent.length === 0 || isConnectorSchema(at.error.parentSchema))
    message = `missing required key \`${missing}\``;
  else message = `\`${formatKeyPath(parent)}\` is missing required key \`${missing}\``;
  return makeIssue('missing-key', message, location, { key: formatKeyPath(at.segments) });
}

function enumIssue(ctx: DocumentContext, at: Located): ConfigIssue {
  const { error, segments, value } = at;
  const key = formatKeyPath(segments);
  const allowed = (error.params.allowedValues as unknown[]).map(String);
  const code = segments.at(-1) === 'visibility' ? 'bad-visibility' : 'invalid-value';
  const location = locateValue(ctx, segments);
  const list = allowed.join(', ');
  if (typeof value === 'string' && RESERVED_VALUES[value] !== undefined) {
    return makeIssue(code, `\`${key}: ${value}\` ${RESERVED_VALUES[value]}; use one of ${list}`, location, {
      key,
    });
  }
  const found = typeof value === 'string' ? quoteValue(value) : describeKind(value);
  let message = `\`${key}\` must be one of ${list}; found ${found}`;
  const suggestion = typeof value === 'string' ? closestMatch(value, allowed) : undefined;
  if (suggestion !== undefined) message += `; did you mean \`${suggestion}\`?`;
  return makeIssue(code, message, location, { key });
}

function valueIssue(ctx: DocumentContext, at: Located): ConfigIssue {
  const { error, segments, value } = at;
  const key = formatKeyPath(segments);
  const location = locateValue(ctx, segments);
  const def = defName(error);
  const schema = error.parentSchema as { patternErrorMessage?: string } | undefined;
  const fallback =
    error.keyword === 'minLength'
      ? 'empty-value'
      : error.keyword === 'maxLength'
        ? 'too-long'
        : 'invalid-value';
  const code = (def !== undefined ? DEF_CODES[def] : undefined) ?? fallback;
  const length = typeof value === 'string' ? value.length : 0;
  switch (error.keyword) {
    case 'maxLength':
      return makeIssue(
        code,
        `\`${key}\` is ${length} characters long; at most ${error.params.limit} are allowed`,
        location,
        { key },
      );
    case 'minLength':
      return makeIssue(code, `\`${key}\` must not be empty`, location, { key });
    default: {
      const rule = schema?.patternErrorMessage ?? `must be a valid ${String(error.params.format ?? 'value')}`;
      return makeIssue(code, `\`${key}\` ${rule}`, location, { key });
    }
  }
}

function headerNameIssue(ctx: DocumentContext, at: Located): ConfigIssue {
  const name = String(at.error.propertyName);
  const segments = [...at.segments, name];
  const rule =
    (at.error.parentSchema as { patternErrorMessage?: string }).patternErrorMessage ?? 'is not allowed';
  return makeIssue('bad-header-name', `header name ${quoteValue(name)} ${rule}`, locateKey(ctx, segments), {
    key: formatKeyPath(segments),
  });
}

function issueFor(
  ctx: DocumentContext,
  at: Located,
  data: unknown,
  suggestion: string | undefined,
): ConfigIssue {
  const { error, segments } = at;
  switch (error.keyword) {
    case 'type':
      return typeIssue(ctx, at);
    case 'additionalProperties':
      return unknownKeyIssue(ctx, at, suggestion);
    case 'required':
      return requiredIssue(ctx, at, data);
    case 'enum':
      return enumIssue(ctx, at);
    case 'uniqueItems': {
      const repeated = [...segments, Number(error.params.i)];
      const item = (at.value as unknown[])[Number(error.params.i)];
      const shown = typeof item === 'string' ? quoteValue(item) : 'an item';
      return makeIssue(
        'duplicate-item',
        `\`${formatKeyPath(segments)}\` lists ${shown} more than once`,
        locateValue(ctx, repeated),
        { key: formatKeyPath(repeated) },
      );
    }
    case 'minItems':
      return makeIssue(
        'empty-list',
        `\`${formatKeyPath(segments)}\` is an empty list: the document declares no connector`,
        locateValue(ctx, segments),
        { key: formatKeyPath(segments) },
      );
    case 'pattern':
      if (error.propertyName !== undefined) return headerNameIssue(ctx, at);
      return valueIssue(ctx, at);
    case 'not': {
      const rule = (error.parentSchema as { notErrorMessage?: string }).notErrorMessage;
      if (rule === undefined) return valueIssue(ctx, at);
      const key = formatKeyPath(segments);
      const who = key === '' ? 'the connector' : `\`${key}\``;
      return makeIssue(
        'exclusive-keys',
        `${who} ${rule}`,
        locateValue(ctx, segments),
        key === '' ? {} : { key },
      );
    }
    default:
      return valueIssue(ctx, at);
  }
}

/** Drops errors another error at the same place already explains (a length error explains the name pattern too). */
function isRedundant(at: Located, all: readonly Located[]): boolean {
  const { error } = at;
  if (error.keyword === 'propertyNames') return true;
  const same = all.filter((other) => other !== at && other.error.instancePath === error.instancePath);
  if (error.keyword !== 'pattern' && error.keyword !== 'format') return false;
  if (error.propertyName !== undefined) return false;
  if (same.some((other) => other.error.keyword === 'minLength' || other.error.keyword === 'type'))
    return true;
  const tooLong = same.find((other) => other.error.keyword === 'maxLength');
  if (tooLong !== undefined && typeof at.value === 'string' && typeof error.params.pattern === 'string') {
    // only the length is wrong when every allowed-length piece of the value matches the pattern
    const limit = Number(tooLong.error.params.limit);
    const pattern = new RegExp(error.params.pattern, 'u');
    const pieces: string[] = [];
    for (let i = 0; i < at.value.length; i += limit) pieces.push(at.value.slice(i, i + limit));
    if (pieces.every((piece) => pattern.test(piece))) return true;
  }
  // a URL that fails both `format` and `pattern` gets one message
  return error.keyword === 'format' && same.some((other) => other.error.keyword === 'pattern');
}

/**
 * Turns ajv's errors for one YAML document into issues a person can act on: each at the
 * `file:line:column` of the value or key concerned, with the key path and the schema's own words.
 * A typo of a missing required key is one issue ("did you mean"), not two.
 */
export function schemaIssues(
  ctx: DocumentContext,
  data: unknown,
  errors: readonly ErrorObject[],
): ConfigIssue[] {
  const located: Located[] = errors.map((error) => {
    const { segments, value } = pointerSegments(error.instancePath, data);
    if (error.keyword === 'additionalProperties') segments.push(String(error.params.additionalProperty));
    if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
    return { error, segments, value };
  });
  const suggestions = new Map<Located, string | undefined>();
  const coveredRequired = new Set<string>();
  let listMeant = false;
  for (const at of located) {
    if (at.error.keyword !== 'additionalProperties') continue;
    const atRoot = at.error.instancePath === '' && isConnectorSchema(at.error.parentSchema);
    // at a document's root, `connector:` or `Connectors:` means the list form
    const candidates = [...propertiesOf(at.error.parentSchema), ...(atRoot ? ['connectors'] : [])];
    const suggestion = closestMatch(String(at.error.params.additionalProperty), candidates);
    suggestions.set(at, suggestion);
    if (suggestion === 'connectors' && atRoot) {
      // the keys a single connector requires are not missing from what is meant as a list
      listMeant = true;
    } else if (suggestion !== undefined) {
      coveredRequired.add(`${at.error.instancePath}/${suggestion}`);
    }
  }
  const issues: ConfigIssue[] = [];
  for (const at of located) {
    if (isRedundant(at, located)) continue;
    if (
      at.error.keyword === 'required' &&
      (coveredRequired.has(`${at.error.instancePath}/${at.error.params.missingProperty}`) ||
        (at.error.instancePath === '' && listMeant))
    ) {
      continue;
    }
    issues.push(issueFor(ctx, at, data, suggestions.get(at)));
  }
  return issues;
}
