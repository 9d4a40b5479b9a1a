/**
 * `connector-sync export` adopts an existing workspace: the files it writes pass `validate`, and
 * `sync` against the same API then has nothing to do. Write-only values are never exported.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { SeedConnector } from '../../src/emulator/index.js';
import { schemaProblems } from '../support/scenario-schemas.js';
import { API_KEY, type CliWorld, openCliWorld, writesOf } from './harness.js';

const HEADER_CANARY = 'canary-export-3f9a2c61-header';
const CLIENT_SECRET_CANARY = 'canary-export-8b1d4e07-secret';

const SEED: SeedConnector[] = [
  {
    name: 'deepwiki',
    title: 'DeepWiki',
    description: 'DeepWiki MCP connector for code repository exploration',
    server: 'https://mcp.deepwiki.com/mcp',
    visibility: 'shared_workspace',
    icon_url: 'https://deepwiki.com/favicon.ico',
    system_prompt: 'Use DeepWiki for public repositories.\nCite the page.\n',
    headers: { 'X-Team-Key': HEADER_CANARY },
  },
  {
    name: 'drive',
    description: 'Team drive: "quoted", colons: and # hashes',
    server: 'https://drive.example.com/mcp',
    auth_data: { client_id: 'drive-client', client_secret: CLIENT_SECRET_CANARY },
  },
  {
    name: 'org-search',
    description: 'Organization search',
    server: 'https://search.example.com/mcp',
    visibility: 'shared_org',
  },
  {
    name: 'plain',
    description: '',
    server: 'https://plain.example.com/mcp',
    title: '',
    system_prompt: 'One line',
  },
];

let world: CliWorld;

beforeEach(async () => {
  world = await openCliWorld(SEED);
});

afterEach(async () => {
  await world.close();
});

async function exported(dir: string): Promise<Map<string, string>> {
  const folder = join(world.cwd, dir);
  const names = (await readdir(folder)).sort();
  return new Map(
    await Promise.all(names.map(async (name) => [name, await readFile(join(folder, name), 'utf8')] as const)),
  );
}

describe('connector-sync export', () => {
  test('writes one file per user connector, never a Mistral built-in, never a secret value', async () => {
    const run = await world.run(['export', 'adopted']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Exported 4 connectors from');
    const files = await exported('adopted');
    expect([...files.keys()]).toEqual(['deepwiki.yaml', 'drive.yaml', 'org-search.yaml', 'plain.yaml']);
    for (const [name, text] of files) {
      for (const secret of [HEADER_CANARY, CLIENT_SECRET_CANARY, API_KEY])
        expect(text, name).not.toContain(secret);
    }
    // an OAuth connector gets placeholders to fill in, commented out
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the file holds a literal ${env:...} reference
    expect(files.get('drive.yaml')).toContain('#   client_secret: ${env:DRIVE_CLIENT_SECRET}');
    // the schema where a user's repository has the package (a devDependency), never this machine's install
    expect(files.get('deepwiki.yaml')).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/node_modules\/connector-sync\/schemas\/connector\.schema\.json\n/,
    );
    expect(run.stdout + run.stderr).not.toContain(API_KEY);
  });

  test('validate accepts the files, and sync against the same API has nothing to do', async () => {
    expect((await world.run(['export', 'adopted'])).code).toBe(0);

    const validate = await world.run(['validate', 'adopted']);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);

    world.emulator.clearRequestLog();
    const sync = await world.run(['sync', 'adopted', '--dry-run', '--detailed-exitcode', '--output', 'json']);
    expect(sync.code, sync.stdout + sync.stderr).toBe(0);
    const report = JSON.parse(sync.stdout) as { plan: { operations: unknown[]; in_sync: string[] } };
    expect(schemaProblems('sync-output', report)).toEqual([]);
    expect(report.plan.operations).toEqual([]);
    expect(report.plan.in_sync).toEqual(['deepwiki', 'drive', 'org-search', 'plain']);

    // and a real sync (with --prune: the export is the whole truth) writes nothing
    const apply = await world.run(['sync', 'adopted', '--prune', '--detailed-exitcode']);
    expect(apply.code, apply.stdout).toBe(0);
    expect(writesOf(world.emulator)).toEqual([]);
  });

  test('does not overwrite files unless told to; --scope and --protect narrow what is exported', async () => {
    expect((await world.run(['export', 'adopted'])).code).toBe(0);
    const again = await world.run(['export', 'adopted']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('export would overwrite 4 existing file(s)');
    expect(again.stderr).not.toContain('more');
    expect(again.stderr).toContain('--force');
    expect((await world.run(['export', 'adopted', '--force'])).code).toBe(0);

    const narrow = await world.run(['export', 'narrow', '--scope', 'd*', '--protect', 'drive']);
    expect(narrow.code, narrow.stderr).toBe(0);
    expect([...(await exported('narrow')).keys()]).toEqual(['deepwiki.yaml']);
  });

  test('without an API key it stops before any request', async () => {
    const run = await world.run(['export', 'adopted'], { MISTRAL_API_KEY: undefined });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('MISTRAL_API_KEY');
    expect(run.stderr).toContain('--emulator');
    expect(world.emulator.requestLog).toHaveLength(0);
  });
});

describe('export over many existing files', () => {
  test('names the first five and says how many more', async () => {
    const many = await openCliWorld(
      Array.from({ length: 7 }, (_, i) => ({
        name: `svc-${i}`,
        description: `Service ${i}`,
        server: `https://svc-${i}.example.com/mcp`,
      })),
    );
    try {
      expect((await many.run(['export', 'out'])).code).toBe(0);
      const again = await many.run(['export', 'out']);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/export would overwrite 7 existing file\(s\): (\S+, ){4}\S+ and 2 more\n/);
    } finally {
      await many.close();
    }
  });
});
