import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function validate(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  tty = false,
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (text: string) => (stdout += text), isTTY: tty },
    stderr: { write: (text: string) => (stderr += text), isTTY: tty },
    env,
    cwd,
    signal: new AbortController().signal,
  };
  const code = await runCli(['validate', ...args], io);
  return { code, stdout, stderr };
}

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'validate-command-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function writeTree(root: string, files: Record<string, string>): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

describe('connector-sync validate', () => {
  test('annotates the files under GITHUB_ACTIONS, as sync does; never in JSON output', async () => {
    const dir = await writeTree(join(work, 'annotate'), {
      'c/ok.yaml': 'name: ok\ndescription: Fine\nserver: https://ok.example.com/mcp\n',
      'c/bad.yaml': 'name: bad\ndescription: Bad\nserver: https://bad.example.com/mcp\nvisibilty: private\n',
    });
    const run = await validate(['c'], dir, { GITHUB_ACTIONS: 'true' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error file=c\/bad\.yaml,line=4,col=1::.*visibilty/m);
    const json = await validate(['--output', 'json', 'c'], dir, { GITHUB_ACTIONS: 'true' });
    expect(json.stdout).not.toContain('::error');
    const outside = await validate(['c'], dir);
    expect(outside.stdout + outside.stderr).not.toContain('::error');
  });

  test('the examples validate clean and are listed with visibility and place', async () => {
    const run = await validate(['examples/connectors'], ROOT);
    expect(run.code).toBe(0);
    // the only warning: two examples are private, which an API key's default connector access scope hides
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^examples\/connectors\/context7\.yaml:7:1: warning: 2 connectors are private .*\[private-needs-key-scope\]$/,
      ),
    ]);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('8 connectors in 6 files, 1 warning');
    expect(lines).toContain('deepwiki            shared_workspace  examples/connectors/deepwiki.yaml:3');
    expect(lines.map((line) => line.split(/\s+/)[0])).toEqual([
      'context7-docs',
      'deepwiki',
      'github-engineering',
      'linear',
      'sentry',
      'cloudflare-docs',
      'microsoft-learn',
      'huggingface',
      '8',
    ]);
  });

  test('every example file starts with the schema line for editors', async () => {
    const run = await validate(['--output', 'json', 'examples/connectors'], ROOT);
    const files = new Set(
      (JSON.parse(run.stdout) as { connectors: Array<{ file: string }> }).connectors.map((c) => c.file),
    );
    for (const file of files) {
      const text = await readFile(join(ROOT, file), 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/connector.schema.json');
    }
  });

  test('--output json matches schemas/validate-output.schema.json, valid or not', async () => {
    const schema = JSON.parse(await readFile(join(ROOT, 'schemas/validate-output.schema.json'), 'utf8'));
    const check = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    const dir = await writeTree(join(work, 'json'), {
      'bad/a.yaml': 'name: a\ndescripton: typo\nserver: https://a.example.com\n',
      'bad/b.yaml': 'name: a\ndescription: dup\nserver: https://b.example.com\n',
      'bad/c.yaml':
        'name: c\ndescription: c\nserver: https://c.example.com\nheaders: { Authorization: clear }\n',
    });
    const invalid = await validate(['--output', 'json', 'bad', 'missing'], dir);
    const valid = await validate(['--output', 'json', join(ROOT, 'examples/connectors')], dir);
    for (const [run, code] of [
      [invalid, 1],
      [valid, 0],
    ] as const) {
      expect(run.code).toBe(code);
      expect(run.stderr).toBe('');
      const output = JSON.parse(run.stdout);
      expect(check(output), JSON.stringify(check.errors)).toBe(true);
      expect(output.valid).toBe(code === 0);
    }
    const report = JSON.parse(invalid.stdout) as { issues: Array<{ code: string; severity: string }> };
    expect(report.issues.map((issue) => `${issue.severity}:${issue.code}`)).toEqual([
      'error:unknown-key',
      'error:duplicate-name',
      'warning:literal-secret',
      'error:path-not-found',
    ]);
  });

  test('--quiet prints nothing when valid and only the errors when not', async () => {
    const quietValid = await validate(['--quiet', 'examples/connectors'], ROOT);
    expect(quietValid).toEqual({ code: 0, stdout: '', stderr: '' });
    const dir = await writeTree(join(work, 'quiet'), { 'a.yaml': 'name: a\n' });
    const quietInvalid = await validate(['-q', '.'], dir);
    expect(quietInvalid.code).toBe(1);
    expect(quietInvalid.stderr).toContain(
      'a.yaml:1:1: error: connector `a` is missing required key `description`',
    );
  });

  test('colour only on a TTY without NO_COLOR, and never with --no-color', async () => {
    const dir = await writeTree(join(work, 'colour'), { 'a.yaml': 'name: a\n' });
    const tty = await validate(['.'], dir, {}, true);
    expect(tty.stderr).toContain('\u001b[31merror:\u001b[39m');
    const noColorEnv = await validate(['.'], dir, { NO_COLOR: '1' }, true);
    expect(noColorEnv.stderr).not.toContain('\u001b[');
    let stderr = '';
    const io: CliIO = {
      stdout: { write: () => true, isTTY: true },
      stderr: { write: (text: string) => (stderr += text), isTTY: true },
      env: {},
      cwd: dir,
      signal: new AbortController().signal,
    };
    expect(await runCli(['--no-color', 'validate', '.'], io)).toBe(1);
    expect(stderr).toContain('a.yaml:1:1: error:');
    expect(stderr).not.toContain('\u001b[');
  });

  test('--help describes the flags; a bad flag value is a usage error (exit 2)', async () => {
    const help = await validate(['--help'], ROOT);
    expect(help.code).toBe(0);
    for (const flag of ['--resolve', '--output <format>', '--quiet', '[path...]'])
      expect(help.stdout).toContain(flag);
    const bad = await validate(['--output', 'xml'], ROOT);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("argument 'xml' is invalid");
  });
});

describe('secret values never appear in any output', () => {
  const CANARY_ENV = 'CANARY-env-7f3a9c-value';
  const CANARY_FILE = 'CANARY-file-51be2d-value';
  const env = { CANARY_TOKEN: CANARY_ENV, EMPTY_ONE: '' };

  async function scenario(name: string, files: Record<string, string>): Promise<string> {
    return writeTree(join(work, `canary-${name}`), { ...files, 'secrets/token': `${CANARY_FILE}\n` });
  }

  const valid = {
    'c/a.yaml': `name: a
description: d
server: https://a.example.com
headers:
  Authorization: Bearer \${env:CANARY_TOKEN}
auth_data:
  client_id: \${file:../secrets/token}
  client_secret: \${env:CANARY_TOKEN}
`,
  };
  const invalid = {
    ...valid,
    'c/b.yaml': `name: b
description: d
server: https://b.example.com
headers:
  X-Canary: \${file:../secrets/token}
  X-Broken: "\${env:CANARY_TOKEN}\\nsecond line"
  X-Empty: \${env:EMPTY_ONE}
  X-Missing: \${env:NOT_SET}
auth_data:
  client_id: \${env:CANARY_TOKEN}
  client_secrt: typo
`,
    'c/c.yaml': `name: a
description: duplicate of a, with a bad visibility
server: https://c.example.com
visibility: shared-org
headers: { Authorization: "\${env:CANARY_TOKEN}" }
`,
  };

  test.each([
    ['valid', valid, 0],
    ['invalid', invalid, 1],
  ] as const)(
    '%s desired state, text and JSON, with and without --resolve',
    async (name, files, expected) => {
      const dir = await scenario(name, files);
      for (const args of [
        ['c'],
        ['--resolve', 'c'],
        ['--output', 'json', 'c'],
        ['--resolve', '--output', 'json', 'c'],
      ]) {
        const run = await validate(args, dir, env);
        expect(run.code, args.join(' ')).toBe(
          args.includes('--resolve') || name === 'invalid' ? expected : 0,
        );
        const shown = run.stdout + run.stderr;
        expect(shown.length).toBeGreaterThan(0);
        expect(shown).not.toContain(CANARY_ENV);
        expect(shown).not.toContain(CANARY_FILE);
        expect(shown).not.toContain('CANARY-');
      }
    },
  );
});
