import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { schemaJson } from './validator-names.js';
import { validator } from './validators.js';

/** The published JSON Schema of a connector file: the one source of the rules. */
export const CONNECTOR_SCHEMA_PATH = fileURLToPath(
  new URL('../../schemas/connector.schema.json', import.meta.url),
);

/** The validator of connector files, loaded or compiled once per process (see validators.ts). */
export function connectorValidator(): ValidateFunction {
  return validator('connector');
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

let shape: SchemaShape | undefined;

function schemaShape(): SchemaShape {
  shape ??= schemaJson('connector') as SchemaShape;
  return shape;
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
