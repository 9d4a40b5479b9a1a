/**
 * The published JSON Schemas of the CLI's outputs, compiled once (ajv, draft 2020-12, with
 * formats), so every JSON document a test sees is checked against what programs are promised.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under nodenext its default import is the module object or the plugin itself
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;

const SCHEMAS = ['sync-output', 'auth-output', 'probe-output', 'diff-output'] as const;

let compiled: Map<string, ValidateFunction> | undefined;

function validators(): Map<string, ValidateFunction> {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  compiled = new Map();
  for (const name of SCHEMAS) {
    const schema = JSON.parse(
      readFileSync(new URL(`../../schemas/${name}.schema.json`, import.meta.url), 'utf8'),
    ) as { $id: string };
    compiled.set(name, ajv.compile(schema));
    if (name === 'sync-output') {
      const plan = ajv.getSchema(`${schema.$id}#/$defs/plan`);
      if (!plan) throw new Error('sync-output.schema.json has no $defs/plan');
      compiled.set('plan', plan);
    }
  }
  return compiled;
}

/** The problems of a document against a schema (`sync-output`, `auth-output`, or `plan`), or [] when valid. */
export function schemaProblems(name: (typeof SCHEMAS)[number] | 'plan', document: unknown): string[] {
  const validate = validators().get(name)!;
  if (validate(document)) return [];
  return (validate.errors ?? []).map(
    (error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`,
  );
}
