/**
 * Writes each JSON Schema validator as plain code beside the compiled validators module in dist/
 * (run by `npm run build` after tsc): a process then loads it instead of compiling the schema
 * with ajv, which cost every command tens to hundreds of milliseconds before its first API call.
 *
 *   node scripts/build-validators.ts            writes dist/config/<name>-validator.generated.cjs
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG = join(ROOT, 'dist', 'config');
const from = (file: string) => pathToFileURL(join(CONFIG, file)).href;
const { generatedFile } = (await import(
  from('validator-names.js')
)) as typeof import('../src/config/validator-names.js');
const { validatorModuleCode } = (await import(
  from('validator-compile.js')
)) as typeof import('../src/config/validator-compile.js');

for (const name of ['connector', 'settings'] as const) {
  writeFileSync(join(CONFIG, generatedFile(name)), validatorModuleCode(name));
}
