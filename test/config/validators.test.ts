import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { compileValidator, validatorModuleCode } from '../../src/config/validator-compile.js';
import { generatedFile, type ValidatorName } from '../../src/config/validator-names.js';
import { validator } from '../../src/config/validators.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Loads the code the build writes as the CommonJS module it will be, its dependencies from this repository. */
function generated(name: ValidatorName): ValidateFunction {
  const module = { exports: {} as unknown };
  const require = createRequire(join(ROOT, 'dist', 'config', generatedFile(name)));
  new Function('module', 'exports', 'require', validatorModuleCode(name))(module, module.exports, require);
  return module.exports as ValidateFunction;
}

function errorsOf(validate: ValidateFunction, data: unknown) {
  return validate(data) ? [] : validate.errors;
}

const CONNECTORS: unknown[] = [
  ...readdirSync(join(ROOT, 'examples', 'connectors')).flatMap((file) =>
    parseAllDocuments(readFileSync(join(ROOT, 'examples', 'connectors', file), 'utf8')).map((doc) =>
      doc.toJS(),
    ),
  ),
  { name: 'Bad Name', server: 'not a url', description: 3, visibility: 'everyone', extra: true },
  { connectors: [{ name: 'a', server: 'https://a.example.com' }, 'x'] },
  { name: 'a', description: 'd', server: 'https://a.example.com', headers: { Authorization: 1 } },
  { name: 'a', description: 'd', server: 'https://a.example.com', auth_data: {}, credentials: [] },
  'text',
];

const SETTINGS: unknown[] = [
  { paths: ['connectors'], prune: true, concurrency: 8, scope: ['team-*'] },
  { prune: 'yes', concurrency: 0, scope: [''], unknown_key: 1, max_delete_percent: 200 },
  [],
];

describe('the precompiled validators the build writes', () => {
  test.each([
    ['connector', CONNECTORS],
    ['settings', SETTINGS],
  ] as const)('give the %s schema the same verdicts and errors as compiling it', (name, inputs) => {
    const compiled = compileValidator(name);
    const built = generated(name);
    for (const input of inputs) expect(errorsOf(built, input)).toEqual(errorsOf(compiled, input));
    expect(inputs.some((input) => errorsOf(compiled, input)?.length)).toBe(true);
  });

  test('are loaded or compiled once per process', () => {
    expect(validator('connector')).toBe(validator('connector'));
    expect(validator('settings')).not.toBe(validator('connector'));
  });
});
