/**
 * The API key goes only where the operator sent it: an `api_url` in the repository's settings file
 * (which a pull request can change) other than Mistral's own host is refused before any request,
 * by every command that sends the key, unless the operator names a URL outside the repository.
 */

import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { refuseRepositoryApiUrl } from '../../src/cli/api-url-trust.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/config/settings.js';
import { API_KEY, type CliWorld, openCliWorld } from './harness.js';

let world: CliWorld;
let foreign: Server;
let foreignUrl: string;
/** What reached the URL a pull request wrote: must stay empty. */
const received: string[] = [];

beforeAll(async () => {
  world = await openCliWorld();
  foreign = createServer((request, response) => {
    received.push(`${request.method} ${request.url} ${request.headers.authorization ?? ''}`);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"items":[],"pagination":{"next_cursor":null}}');
  });
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;
  await writeFile(
    join(world.cwd, 'connectors.yaml'),
    'name: wiki\ndescription: Wiki\nserver: https://wiki.example.com/mcp\n',
  );
});

afterAll(async () => {
  await new Promise((resolve) => foreign.close(resolve));
  await world.close();
});

afterEach(() => {
  received.length = 0;
});

/** The repository's settings file, as a pull request may have edited it. */
const settingsFile = (url: string) =>
  writeFile(join(world.cwd, '.connector-sync.yaml'), `# the PR\napi_url: ${url}\n`);

/** The operator chose no URL: MISTRAL_API_URL unset. */
const noOperatorUrl = { MISTRAL_API_URL: undefined };

describe('an api_url from the repository settings file', () => {
  test.each([
    ['sync --dry-run', ['sync', '--dry-run', 'connectors.yaml']],
    ['sync', ['sync', 'connectors.yaml']],
    ['auth', ['auth']],
    ['export', ['export', 'out']],
  ])(
    'is refused by %s before any request, naming the file, line and the way to trust it',
    async (_, args) => {
      await settingsFile(foreignUrl);
      const run = await world.run(args, noOperatorUrl);
      expect(run.code, run.stderr).toBe(1);
      expect(received).toEqual([]);
      expect(run.stderr).toContain('.connector-sync.yaml:2:10: api_url');
      expect(run.stderr).toContain('--api-url');
      expect(run.stderr).toContain('MISTRAL_API_URL');
      expect(`${run.stdout}${run.stderr}`).not.toContain(API_KEY);
    },
  );

  test('is refused by the daemon before it connects', async () => {
    await settingsFile(foreignUrl);
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(new Error('test timeout')), 3000);
    const run = await world.run(['daemon', 'connectors.yaml', '--port', '0'], noOperatorUrl, {
      signal: stop.signal,
    });
    clearTimeout(timer);
    expect(run.code).toBe(1);
    expect(received).toEqual([]);
    expect(run.stdout + run.stderr).toContain('api_url');
  });

  test('never shows a user name or password the file put in the URL', async () => {
    await settingsFile(`http://user:hunter2-canary@127.0.0.1:1/v1`);
    const run = await world.run(['sync', '--dry-run', 'connectors.yaml'], noOperatorUrl);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain('hunter2-canary');
  });

  test('is used when the operator names the same URL outside the repository', async () => {
    await settingsFile(world.emulator.url);
    for (const [args, env] of [
      [['sync', '--dry-run', 'connectors.yaml', '--api-url', world.emulator.url], noOperatorUrl],
      [['sync', '--dry-run', 'connectors.yaml'], { MISTRAL_API_URL: world.emulator.url }],
      [
        ['sync', '--dry-run', 'connectors.yaml'],
        { ...noOperatorUrl, CONNECTOR_SYNC_API_URL: world.emulator.url },
      ],
    ] as const) {
      const run = await world.run([...args], env);
      expect(run.code, run.stderr).toBe(0);
    }
  });

  test('an operator URL wins over the file: the key never goes to the file URL', async () => {
    await settingsFile(foreignUrl);
    const run = await world.run(['sync', '--dry-run', 'connectors.yaml']);
    expect(run.code, run.stderr).toBe(0);
    expect(received).toEqual([]);
  });
});

describe('refuseRepositoryApiUrl', () => {
  const fromFile = (apiUrl: string) =>
    ({ ...DEFAULT_SETTINGS, file: 's.yaml', apiUrl, apiUrlSetIn: 's.yaml:1:10' }) as Settings;

  test("Mistral's own host from the file needs no opt-in; plain http to it does", () => {
    expect(() => refuseRepositoryApiUrl(fromFile('https://api.mistral.ai'), { env: {} })).not.toThrow();
    expect(() => refuseRepositoryApiUrl(fromFile('https://api.mistral.ai/'), { env: {} })).not.toThrow();
    expect(() => refuseRepositoryApiUrl(fromFile('http://api.mistral.ai'), { env: {} })).toThrow(
      /s.yaml:1:10/,
    );
    expect(() =>
      refuseRepositoryApiUrl(fromFile('https://api.mistral.ai.evil.example'), { env: {} }),
    ).toThrow();
  });

  test('a URL from a flag or the environment is the operator’s choice', () => {
    const operator = { ...fromFile('https://proxy.example.com'), apiUrlSetIn: undefined } as Settings;
    expect(() => refuseRepositoryApiUrl(operator, { env: {} })).not.toThrow();
  });
});
