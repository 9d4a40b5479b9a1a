/**
 * Property tests of the loader (the planner's own properties live in
 * test/reconcile/plan.property.test.ts): whatever the files hold, loadDesiredState returns a
 * result (every problem as an issue with its place) and never throws; and a desired state that
 * does not load never reaches the API, so it can never cause a write.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadDesiredState } from '../../src/config/load.js';
import type { LoadResult } from '../../src/config/types.js';
import { runOnce } from '../../src/reconcile/run-once.js';
import { memoryFs } from '../config/memory-fs.js';
import { FakeApi } from '../support/fake-api.js';
import { syncSettings } from './support/direct.js';

/** A `${kind:name}` reference as a file writes it. */
const ref = (kind: 'env' | 'file', name: string) => `$\{${kind}:${name}}`;

const ROOT = '/repo';
const DIR = `${ROOT}/connectors`;
const ENV = { TEAM_KEY: 'k-123' };

function load(files: Record<string, string | Uint8Array>): Promise<LoadResult> {
  const tree = Object.fromEntries(Object.entries(files).map(([name, text]) => [`${DIR}/${name}`, text]));
  return loadDesiredState([DIR], { resolve: true, cwd: ROOT, env: ENV, fs: memoryFs(tree) });
}

/** A result, never a throw; each issue says what and where. */
function expectWellFormed(result: LoadResult): void {
  if (result.ok) return;
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(issue.code).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(issue.severity).toBe('error');
    expect(issue.message.trim().length).toBeGreaterThan(0);
    expect(typeof issue.location.file).toBe('string');
    expect(issue.location.line).toBeGreaterThanOrEqual(0);
    expect(issue.location.column).toBeGreaterThanOrEqual(0);
  }
}

// pieces of YAML and of connector files, glued at random: indentation, flow and block forms,
// anchors, aliases, merge keys, tags, directives, references, control characters
const TOKENS = [
  'name: ',
  'app-1',
  'connectors:',
  '\n',
  '\n  ',
  '\n    ',
  '- ',
  ': ',
  ':',
  '"',
  "'",
  '&a ',
  '*a',
  '<<: *a',
  '!!str ',
  '!!binary ',
  '!custom ',
  '? ',
  '|',
  '>-',
  '# note',
  '---\n',
  '...\n',
  '%YAML 1.2\n',
  '[',
  ']',
  '{',
  '}',
  ', ',
  'description: a connector',
  'server: https://mcp.example.com/mcp',
  'visibility: shared_workspace',
  'visibility: everyone',
  'headers:',
  `X-Key: ${ref('env', 'TEAM_KEY')}`,
  `X-Key: ${ref('env', 'MISSING')}`,
  'auth_data:',
  `client_secret: ${ref('file', '../secret')}`,
  '${env:',
  'renamed_from: app-2',
  'expect_tools: [a, b]',
  'true',
  'null',
  '~',
  '0x1F',
  '1e400',
  '\t',
  '\r\n',
  '\u0000',
  '\ufeff',
  '\u2028',
];

const yamlish = fc
  .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })), { maxLength: 40 })
  .map((parts) => parts.join(''));

const CONNECTOR_KEYS = [
  'name',
  'description',
  'server',
  'visibility',
  'title',
  'icon_url',
  'system_prompt',
  'headers',
  'auth_data',
  'renamed_from',
  'expect_tools',
  'secret_version',
  '__proto__',
  'constructor',
];

// connector-shaped mappings with values of any type, so the schema and reference checks run deep
const connectorish = fc.dictionary(fc.constantFrom(...CONNECTOR_KEYS), fc.anything({ maxDepth: 3 }), {
  maxKeys: 8,
});
const documentValue = fc.oneof(
  fc.anything({ maxDepth: 4 }),
  connectorish,
  fc.record({ connectors: fc.array(fc.oneof(connectorish, fc.anything({ maxDepth: 2 })), { maxLength: 4 }) }),
);

describe('loadDesiredState never throws', () => {
  it('on arbitrary YAML-ish text', async () => {
    await fc.assert(
      fc.asyncProperty(yamlish, yamlish, async (first, second) => {
        expectWellFormed(await load({ 'a.yaml': first, 'nested/b.yml': second }));
      }),
      { numRuns: 400 },
    );
  });

  it('on arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        expectWellFormed(await load({ 'a.yaml': bytes }));
      }),
      { numRuns: 200 },
    );
  });

  it('on arbitrary values dumped as YAML', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(documentValue, { minLength: 1, maxLength: 3 }), async (documents) => {
        const text = documents.map((value) => stringify(value) ?? '').join('---\n');
        expectWellFormed(await load({ 'a.yaml': text }));
      }),
      { numRuns: 300 },
    );
  });
});

const VALID = (name: string) =>
  `name: ${name}\ndescription: ${name} connector\nserver: https://${name}.example.com/mcp\n` +
  `visibility: shared_workspace\nheaders:\n  X-Key: ${ref('env', 'TEAM_KEY')}\n`;

// one way or another to break an otherwise valid desired state
const breakage = fc.oneof(
  fc.constant({ 'broken.yaml': 'name: broken\ndescription: "unterminated\nserver: https://x.example.com\n' }),
  fc.constant({ 'broken.yaml': '' }),
  fc.constant({ 'broken.yaml': '# only a comment\n' }),
  fc.constant({ 'broken.yaml': VALID('app-1') }), // a duplicate name
  fc.constant({ 'broken.yaml': `${VALID('other')}descripton: typo\n` }),
  fc.constant({ 'broken.yaml': VALID('other').replace('shared_workspace', 'everyone') }),
  fc.constant({ 'broken.yaml': VALID('other').replace('TEAM_KEY', 'MISSING_KEY') }),
  fc.constant({
    'broken.yaml': `${VALID('other')}auth_data:\n  client_id: x\n  client_secret: \${file:/run/none}\n`,
  }),
  fc.constant({ 'broken.yaml': VALID('not a valid name!') }),
  fc.constant({ 'broken.yaml': new Uint8Array([0xff, 0xfe, 0x00, 0x41]) }),
  yamlish.map((text) => ({ 'broken.yaml': text })),
);

describe('an invalid desired state never produces a write', () => {
  it('stops before the first API call, whatever is wrong', async () => {
    let invalid = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 5 }),
        breakage,
        fc.boolean(),
        async (valid, broken, prune) => {
          const files: Record<string, string | Uint8Array> = { ...broken };
          for (let i = 1; i <= valid; i++) files[`app-${i}.yaml`] = VALID(`app-${i}`);
          const loaded = await load(files);
          if (loaded.ok) return;
          invalid += 1;
          const api = new FakeApi();
          const report = await runOnce(
            { loadDesired: async () => loaded, api, apiUrl: 'http://127.0.0.1:1', now: () => new Date(0) },
            syncSettings({ prune, allowEmpty: prune }),
          );
          expect(report.phase).toBe('ConfigInvalid');
          expect(report.issues.length).toBeGreaterThan(0);
          expect(api.calls, 'API calls made on an invalid desired state').toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
    // the property held for many invalid states, not vacuously
    expect(invalid).toBeGreaterThan(150);
  });
});
