import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** The published JSON Schema of a connector file: the one source of the rules. */
export const CONNECTOR_SCHEMA_PATH = fileURLToPath(
  new URL('../../schemas/connector.schema.json', import.meta.url),
);

// ajv-formats is CommonJS; under nodenext its default import is the module object or the plugin itself
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;

let validator: ValidateFunction | undefined;

/** The compiled validator, built once per process (compiling costs tens of milliseconds; validating, microseconds). */
export function connectorValidator(): ValidateFunction {
  if (validator === undefined) {
    const schema = JSON.parse(readFileSync(CONNECTOR_SCHEMA_PATH, 'utf8')) as object;
    // verbose: errors carry their schema, so messages can use the schema's own words (patternErrorMessage)
    const ajv = new Ajv2020({
      allErrors: true,
      verbose: true,
      strict: true,
      strictRequired: false,
      allowUnionTypes: true,
    });
    addFormats(ajv);
    // the editor keyword VS Code and yaml-language-server show for a failed pattern
    ajv.addKeyword('patternErrorMessage');
    // the sentence for a `not` rule (two keys that exclude each other), in the schema's own words
    ajv.addKeyword('notErrorMessage');
    validator = ajv.compile(schema);
  }
  return validator;
}

/** Validates one YAML document's data against the schema; returns every error (none when valid). */
export function schemaErrors(data: unknown): ErrorObject[] {
  const validate = connectorValidator();
  if (validate(data)) return [];
  // the if/then/else that picks "one connector" or "a connectors list" adds an error of its own; the branch's errors say it all
  return (validate.errors ?? []).filter((error) => error.keyword !== 'if');
}

interface SchemaShape {
  $defs: { name: { pattern: string }; connector: { properties: Record<string, unknown> } };
}

function schemaShape(): SchemaShape {
  return connectorValidator().schema as SchemaShape;
}

/** The keys a connector may have, as the schema lists them. */
export function connectorKeys(): string[] {
  return Object.keys(schemaShape().$defs.connector.properties);
}

let namePattern: RegExp | undefined;

/** True when `value` is a valid connector name by the schema's own pattern. */
export function isValidName(value: unknown): value is string {
  namePattern ??= new RegExp(schemaShape().$defs.name.pattern, 'u');
  return typeof value === 'string' && namePattern.test(value);
}
