import { _, type Options, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneModule from 'ajv/dist/standalone/index.js';
import addFormatsModule from 'ajv-formats';
import { schemaJson, type ValidatorName } from './validator-names.js';

// CommonJS modules: under nodenext a default import is the module object or the function itself
const interop = <T>(module: unknown): T => ((module as { default?: unknown }).default ?? module) as T;
const addFormats = interop<(ajv: Ajv2020) => Ajv2020>(addFormatsModule);
const standaloneCode = interop<(ajv: Ajv2020, validate: ValidateFunction) => string>(standaloneModule);

interface ValidatorSpec {
  options: Options;
  /** Keywords and formats beyond JSON Schema's own. */
  extend?: (ajv: Ajv2020) => void;
}

const SPECS: Record<ValidatorName, ValidatorSpec> = {
  connector: {
    // verbose: errors carry their schema, so messages can use the schema's own words (patternErrorMessage)
    options: { allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true },
    extend: (ajv) => {
      addFormats(ajv);
      // the editor keyword VS Code and yaml-language-server show for a failed pattern
      ajv.addKeyword('patternErrorMessage');
      // the sentence for a `not` rule (two keys that exclude each other), in the schema's own words
      ajv.addKeyword('notErrorMessage');
    },
  },
  settings: { options: { allErrors: true, strict: false } },
};

function newAjv(name: ValidatorName, forSource: boolean): Ajv2020 {
  // the built module finds ajv-formats' format checks where the package is installed
  const code = { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` };
  const ajv = new Ajv2020({ ...SPECS[name].options, ...(forSource ? { code } : {}) });
  SPECS[name].extend?.(ajv);
  return ajv;
}

/** Compiles a validator from its schema (what the build does once, ahead of time). */
export function compileValidator(name: ValidatorName): ValidateFunction {
  return newAjv(name, false).compile(schemaJson(name) as object);
}

/** The validator as a CommonJS module of plain code, for the build to write into dist/config/. */
export function validatorModuleCode(name: ValidatorName): string {
  const ajv = newAjv(name, true);
  return `${standaloneCode(ajv, ajv.compile(schemaJson(name) as object))}\n`;
}
