import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { generatedFile, type ValidatorName } from './validator-names.js';

/**
 * The JSON Schema validators. Compiling one costs ajv's import and tens to hundreds of
 * milliseconds, paid by every command before its first API call, so `npm run build` writes each
 * as plain code into dist/config/ (scripts/build-validators.ts) and a process loads that. Where it
 * is absent (tests run from src/, a build by tsc alone, the action bundle) the schema is compiled
 * here with the same options: both give the same errors (test/config/validators.test.ts).
 */
const require = createRequire(import.meta.url);

function precompiled(name: ValidatorName): ValidateFunction | undefined {
  try {
    return require(`./${generatedFile(name)}`) as ValidateFunction;
  } catch (error) {
    // only "not built": a generated file that fails to load is a broken build, never a fallback
    const notBuilt =
      (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' &&
      String((error as Error).message).includes(generatedFile(name));
    if (notBuilt) return undefined;
    throw error;
  }
}

const built = { connector: precompiled('connector'), settings: precompiled('settings') };
// ajv itself is imported only when a validator was not built ahead of time
const compiler = built.connector && built.settings ? undefined : await import('./validator-compile.js');
const compiled = new Map<ValidatorName, ValidateFunction>();

/** The validator of a schema, loaded or compiled once per process. */
export function validator(name: ValidatorName): ValidateFunction {
  const ready = built[name] ?? compiled.get(name);
  if (ready !== undefined) return ready;
  const fresh = compiler!.compileValidator(name);
  compiled.set(name, fresh);
  return fresh;
}
