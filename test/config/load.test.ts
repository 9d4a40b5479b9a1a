// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are connector-file text, where ${env:...} is the syntax under test
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { describe, expect, test } from 'vitest';
import { type LoaderFs, nodeLoaderFs } from '../../src/config/fs.js';
import { loadDesiredState } from '../../src/config/load.js';
import type { DesiredConnector, LoadResult } from '../../src/config/types.js';
import { Secret } from '../../src/secret.js';
import { memoryFs, recordingFs } from './memory-fs.js';

const CWD = '/repo';

function connectorsOf(result: LoadResult): DesiredConnector[] {
  if (!result.ok)
    throw new Error(`expected a valid state, got:\n${result.issues.map((i) => i.message).join('\n')}`);
  return result.state.connectors;
}

function issuesOf(result: LoadResult) {
  if (result.ok) throw new Error('expected issues, got a valid state');
  return result.issues;
}

const DEEPWIKI = `# yaml-language-server: $schema=../schemas/connector.schema.json
name: deepwiki
description: DeepWiki costs $\${0}
server: https://mcp.deepwiki.com/mcp
headers:
  Authorization: Bearer \${env:DEEPWIKI_TOKEN}
  X-Static: plain
auth_data:
  client_id: \${file:secrets/client_id}
secret_version: 3
`;

describe('loadDesiredState', () => {
  test('accepts two connectors that swap names, and a chain of renames', async () => {
    const fs = memoryFs({
      '/repo/connectors/swap.yaml': [
        'name: a\nrenamed_from: b\ndescription: was b\nserver: https://mcp.example.com/b',
        'name: b\nrenamed_from: a\ndescription: was a\nserver: https://mcp.example.com/a',
        'name: d\nrenamed_from: c\ndescription: was c\nserver: https://mcp.example.com/c',
        'name: c\nrenamed_from: x\ndescription: was x\nserver: https://mcp.example.com/x',
      ].join('\n---\n'),
    });
    const result = await loadDesiredState(['connectors'], { resolve: false, cwd: CWD, env: {}, fs });
    expect(connectorsOf(result).map((c) => `${c.renamed_from}->${c.name}`)).toEqual([
      'b->a',
      'a->b',
      'c->d',
      'x->c',
    ]);
  });

  test('returns each connector with defaults, positions and secrets wrapped as written when not resolving', async () => {
    const fs = memoryFs({ '/repo/connectors/deepwiki.yaml': DEEPWIKI });
    const [connector] = connectorsOf(
      await loadDesiredState(['connectors'], { resolve: false, cwd: CWD, env: {}, fs }),
    );

    expect(connector).toMatchObject({
      name: 'deepwiki',
      description: 'DeepWiki costs ${0}',
      server: 'https://mcp.deepwiki.com/mcp',
      visibility: 'private',
      title: null,
      icon_url: null,
      system_prompt: null,
      renamed_from: null,
      expect_tools: [],
      secret_version: '3',
      secretsResolved: false,
      source: { file: 'connectors/deepwiki.yaml', line: 2, column: 1 },
    });
    expect(connector?.fieldSources.server).toEqual({ file: 'connectors/deepwiki.yaml', line: 4, column: 1 });
    expect(connector?.fieldSources.headers).toEqual({ file: 'connectors/deepwiki.yaml', line: 5, column: 1 });
    expect(connector?.headers?.Authorization).toBeInstanceOf(Secret);
    expect(connector?.headers?.Authorization?.reveal()).toBe('Bearer ${env:DEEPWIKI_TOKEN}');
    expect(connector?.auth_data?.client_id.reveal()).toBe('${file:secrets/client_id}');
    expect(connector?.auth_data?.client_secret).toBeNull();
  });

  test('resolves env and file references, relative paths from the file, trimming the trailing newline', async () => {
    const fs = memoryFs({
      '/repo/connectors/deepwiki.yaml': DEEPWIKI,
      '/repo/connectors/secrets/client_id': 'the-client-id\r\n',
    });
    const env = { DEEPWIKI_TOKEN: 'tok-123' };
    const [connector] = connectorsOf(
      await loadDesiredState(['connectors'], { resolve: true, cwd: CWD, env, fs }),
    );

    expect(connector?.secretsResolved).toBe(true);
    expect(connector?.headers?.Authorization?.reveal()).toBe('Bearer tok-123');
    expect(connector?.headers?.['X-Static']?.reveal()).toBe('plain');
    expect(connector?.auth_data?.client_id.reveal()).toBe('the-client-id');
    // the wrapped values never print
    expect(JSON.stringify(connector)).not.toContain('tok-123');
    expect(inspect(connector, { depth: 10 })).not.toContain('the-client-id');
  });

  test('reads a secret file once however many references name it', async () => {
    const fs = memoryFs({
      '/repo/a.yaml': `connectors:
  - name: one
    description: d
    server: https://a.example.com
    headers: { X-Key: "\${file:/run/secrets/key}" }
  - name: two
    description: d
    server: https://b.example.com
    headers: { X-Key: "\${file:/run/secrets/key}" }
`,
      '/run/secrets/key': 'k',
    });
    connectorsOf(await loadDesiredState(['a.yaml'], { resolve: true, cwd: CWD, env: {}, fs }));
    expect(fs.reads.filter((path) => path === '/run/secrets/key')).toHaveLength(1);
  });

  test('collects every issue of every file instead of stopping at the first', async () => {
    const fs = memoryFs({
      '/repo/c/a.yaml': 'name: a\ndescription: x\nserver: ftp://nope\nvisibility: public\n',
      '/repo/c/b.yaml': 'name: [unclosed\n',
      '/repo/c/c.yaml': 'name: c\ndescripton: typo\nserver: https://c.example.com\n',
      '/repo/c/d.yaml': '',
    });
    const issues = issuesOf(await loadDesiredState(['c'], { resolve: false, cwd: CWD, env: {}, fs }));
    expect(issues.map((issue) => `${issue.location.file}:${issue.code}`)).toEqual([
      'c/a.yaml:bad-url',
      'c/a.yaml:bad-visibility',
      'c/b.yaml:yaml-syntax',
      'c/c.yaml:unknown-key',
      'c/d.yaml:empty-file',
    ]);
  });

  test('an empty file is an error, never "fewer connectors"', async () => {
    const fs = memoryFs({
      '/repo/c/a.yaml': 'name: a\ndescription: x\nserver: https://a.example.com\n',
      '/repo/c/b.yaml': '# everything in this file was commented out\n',
    });
    const result = await loadDesiredState(['c'], { resolve: false, cwd: CWD, env: {}, fs });
    expect(result.ok).toBe(false);
    expect(issuesOf(result)[0]).toMatchObject({
      code: 'empty-file',
      location: { file: 'c/b.yaml', line: 1 },
    });
  });

  test('names both places of a duplicate name, in related and in the message', async () => {
    const fs = memoryFs({
      '/repo/c/a.yaml': 'name: same\ndescription: x\nserver: https://a.example.com\n',
      '/repo/c/b.yaml': '\n\nname: same\ndescription: y\nserver: https://b.example.com\n',
    });
    const [issue] = issuesOf(await loadDesiredState(['c'], { resolve: false, cwd: CWD, env: {}, fs }));
    expect(issue).toMatchObject({
      code: 'duplicate-name',
      key: 'name',
      location: { file: 'c/b.yaml', line: 3, column: 7 },
      related: [{ file: 'c/a.yaml', line: 1, column: 7 }],
    });
    expect(issue?.message).toContain('c/a.yaml:1:7');
    expect(issue?.message).toContain('c/b.yaml:3:7');
  });

  test('keeps warnings apart from errors and stays valid with warnings only', async () => {
    const fs = memoryFs({
      '/repo/a.yaml':
        'name: a\ndescription: x\nserver: https://a.example.com\nauth_data:\n  client_id: id\n  client_secret: s3cr3t\n',
    });
    const result = await loadDesiredState(['a.yaml'], { resolve: false, cwd: CWD, env: {}, fs });
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => [w.code, w.key])).toEqual([
      ['literal-secret', 'auth_data.client_secret'],
    ]);
    expect(result.warnings[0]?.message).not.toContain('s3cr3t');
  });

  test('a header named __proto__ stays a header and pollutes nothing', async () => {
    const fs = memoryFs({
      '/repo/a.yaml':
        'name: a\ndescription: x\nserver: https://a.example.com\nheaders:\n  __proto__: value\n',
    });
    const [connector] = connectorsOf(
      await loadDesiredState(['a.yaml'], { resolve: false, cwd: CWD, env: {}, fs }),
    );
    expect(Object.keys(connector?.headers ?? {})).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(connector?.headers)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).value).toBeUndefined();
  });

  test('lists the files read, relative to the working directory', async () => {
    const fs = memoryFs({
      '/repo/c/b.yaml': 'name: b\ndescription: x\nserver: https://b.example.com\n',
      '/repo/c/a.yml': 'name: a\ndescription: x\nserver: https://a.example.com\n',
      '/elsewhere/z.yaml': 'name: z\ndescription: x\nserver: https://z.example.com\n',
    });
    const result = await loadDesiredState(['c', '/elsewhere/z.yaml'], {
      resolve: false,
      cwd: CWD,
      env: {},
      fs,
    });
    expect(result.ok && result.state.files).toEqual(['c/a.yml', 'c/b.yaml', '/elsewhere/z.yaml']);
    expect(connectorsOf(result).map((c) => c.name)).toEqual(['a', 'b', 'z']);
  });

  test('refuses a file over 1 MiB without reading it', async () => {
    const fs = memoryFs({ '/repo/big.yaml': new Uint8Array(2 * 1024 * 1024) });
    const [issue] = issuesOf(await loadDesiredState(['big.yaml'], { resolve: false, cwd: CWD, env: {}, fs }));
    expect(issue).toMatchObject({ code: 'file-too-large', location: { file: 'big.yaml', line: 0 } });
    expect(fs.reads).toEqual([]);
  });

  test('no path at all is an issue, not an empty desired state', async () => {
    const result = await loadDesiredState([], { resolve: false, cwd: CWD, env: {}, fs: memoryFs({}) });
    expect(issuesOf(result).map((issue) => issue.code)).toEqual(['no-paths']);
  });

  test('a thousand files load in order, and a duplicate among them is still found', async () => {
    const tree: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) {
      const id = String(i).padStart(4, '0');
      tree[`/repo/many/c${id}.yaml`] =
        `name: c${id}\ndescription: connector ${id}\nserver: https://mcp.example.com/${id}\n`;
    }
    const valid = await loadDesiredState(['many'], { resolve: false, cwd: CWD, env: {}, fs: memoryFs(tree) });
    const names = connectorsOf(valid).map((c) => c.name);
    expect(names).toHaveLength(1000);
    expect(names[0]).toBe('c0000');
    expect(names[999]).toBe('c0999');
    expect(valid.ok && valid.state.files).toHaveLength(1000);

    tree['/repo/many/zz.yaml'] = 'name: c0500\ndescription: again\nserver: https://mcp.example.com/x\n';
    const invalid = await loadDesiredState(['many'], {
      resolve: false,
      cwd: CWD,
      env: {},
      fs: memoryFs(tree),
    });
    expect(
      issuesOf(invalid).map((issue) => [issue.code, issue.location.file, issue.related?.[0]?.file]),
    ).toEqual([['duplicate-name', 'many/zz.yaml', 'many/c0500.yaml']]);
  });

  test('a folder of files costs one stat and one realpath in all: each file is only read', async () => {
    const tree: Record<string, string> = {};
    for (let i = 0; i < 50; i++) {
      tree[`/repo/many/c${i}.yaml`] =
        `name: c${i}\ndescription: connector ${i}\nserver: https://mcp.example.com/${i}\n`;
    }
    const asked: string[] = [];
    const fs = recordingFs(memoryFs(tree), asked);
    const result = await loadDesiredState(['many'], { resolve: false, cwd: CWD, env: {}, fs });
    expect(connectorsOf(result)).toHaveLength(50);
    expect(asked.filter((call) => !call.startsWith('readSource'))).toEqual([
      'stat /repo/many',
      'realpath /repo/many',
      'readdir /repo/many',
    ]);
    expect(asked.filter((call) => call.startsWith('readSource'))).toHaveLength(50);
  });

  test('the examples resolve with the variables and secret files the README lists', async () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    const secrets = memoryFs({
      '/run/secrets/linear_client_id': 'linear-id\n',
      '/run/secrets/linear_client_secret': 'linear-secret\n',
      '/run/secrets/sentry_client_secret': 'sentry-secret\n',
    });
    // the repository from disk, the secret files from memory
    const fs: LoaderFs = {
      ...nodeLoaderFs,
      readFile: (path, max) =>
        path.startsWith('/run/secrets/') ? secrets.readFile(path, max) : nodeLoaderFs.readFile(path, max),
    };
    const env = { GITHUB_MCP_TOKEN: 'gh', SENTRY_OAUTH_CLIENT_ID: 'sentry-id', HF_TOKEN: 'hf' };
    const result = await loadDesiredState(['examples/connectors'], { resolve: true, cwd: root, env, fs });
    const byName = new Map(connectorsOf(result).map((c) => [c.name, c]));
    expect(result.warnings).toEqual([]);
    expect(byName.size).toBe(8);
    expect(byName.get('github-engineering')?.headers?.Authorization?.reveal()).toBe('Bearer gh');
    expect(byName.get('linear')?.auth_data?.client_secret?.reveal()).toBe('linear-secret');
    expect(byName.get('sentry')?.auth_data?.client_id.reveal()).toBe('sentry-id');
    expect(byName.get('huggingface')?.headers?.Authorization?.reveal()).toBe('Bearer hf');
    expect(byName.get('deepwiki')?.expect_tools).toEqual([
      'read_wiki_structure',
      'read_wiki_contents',
      'ask_question',
    ]);
  });
});
