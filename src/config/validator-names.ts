import { readFileSync } from 'node:fs';

/** The JSON Schemas of schemas/ that data is validated against. */
export type ValidatorName = 'connector' | 'settings';

/** A schema of schemas/ as data. */
export function schemaJson(name: ValidatorName): unknown {
  return JSON.parse(readFileSync(new URL(`../../schemas/${name}.schema.json`, import.meta.url), 'utf8'));
}

/** The file `npm run build` writes for a validator, beside the compiled validators module. */
export function generatedFile(name: ValidatorName): string {
  return `${name}-validator.generated.cjs`;
}
