/** `connector-sync emulator`, run in-process as a person would run it, stopped as SIGINT would. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'emulator-cli-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts the command; resolves with its URL once the first line is out. */
function runEmulator(args: string[]) {
  const controller = new AbortController();
  let stdout = '';
  let stderr = '';
  let announce: (url: string) => void = () => {};
  const announced = new Promise<string>((resolve) => {
    announce = resolve;
  });
  const io: CliIO = {
    stdout: {
      write(text: string) {
        stdout += text;
        if (stdout.includes('\n')) announce(stdout.split('\n')[0]!);
        return true;
      },
    },
    stderr: {
      write(text: string) {
        stderr += text;
        return true;
      },
    },
    env: {},
    cwd: dir,
    signal: controller.signal,
  };
  const exit = runCli(['emulator', ...args], io);
  return {
    /** The announced URL, or a rejection saying why the command ended without one. */
    url: () =>
      Promise.race([announced, exit.then((code) => Promise.reject(new Error(`exited ${code}: ${stderr}`)))]),
    exit,
    stop: () => controller.abort(new Error('received SIGINT')),
    output: () => ({ stdout, stderr }),
  };
}

describe('connector-sync emulator', () => {
  it('prints its URL first, answers the API there, and exits 0 when interrupted', async () => {
    await writeFile(
      path.join(dir, 'seed.yaml'),
      '- name: deepwiki\n  description: DeepWiki\n  server: https://mcp.deepwiki.com/mcp\n',
    );
    const run = runEmulator(['--port', '0', '--seed', 'seed.yaml', '--no-builtins']);
    const url = await run.url();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await request(`${url}/v1/connectors/deepwiki`, {
      headers: { authorization: 'Bearer test' },
    });
    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toMatchObject({ name: 'deepwiki' });
    expect(run.output().stdout.split('\n')[1]).toContain('curl');
    run.stop();
    expect(await run.exit).toBe(0);
    await expect(request(`${url}/v1/connectors`)).rejects.toThrow();
  });

  it('applies fault and key flags, and never prints the key', async () => {
    const run = runEmulator([
      '--port',
      '0',
      '--api-key',
      'Kq9secretkey',
      '--rate-limit',
      '1',
      '--auth-ttl',
      '30',
    ]);
    const url = await run.url();
    const headers = { authorization: 'Bearer Kq9secretkey' };
    const first = await request(`${url}/v1/connectors`, { headers });
    await first.body.dump();
    const second = await request(`${url}/v1/connectors`, { headers });
    await second.body.dump();
    expect([first.statusCode, second.statusCode]).toEqual([200, 429]);
    const wrongKey = await request(`${url}/v1/connectors`, { headers: { authorization: 'Bearer other' } });
    await wrongKey.body.dump();
    expect(wrongKey.statusCode).toBe(401);
    run.stop();
    expect(await run.exit).toBe(0);
    const { stdout, stderr } = run.output();
    expect(`${stdout}${stderr}`).not.toContain('Kq9secretkey');
  });

  it('refuses a bad flag value with a usage error naming the flag', async () => {
    const run = runEmulator(['--error-rate', '2']);
    expect(await run.exit).toBe(2);
    expect(run.output().stderr).toContain('--error-rate');
  });

  it('takes the key scope and org admin flags, and refuses an unknown mode', async () => {
    const run = runEmulator([
      '--port',
      '0',
      '--key-scope',
      'shared_only',
      '--no-org-admin',
      '--auth-methods-update',
      'merge',
    ]);
    const url = await run.url();
    const headers = { authorization: 'Bearer k', 'content-type': 'application/json' };
    const body = JSON.stringify({
      name: 'org',
      description: 'x',
      server: 'https://o.example.com',
      visibility: 'shared_org',
    });
    const refused = await request(`${url}/v1/connectors`, { method: 'POST', headers, body });
    await refused.body.dump();
    expect(refused.statusCode).toBe(403);
    const mine = JSON.stringify({ name: 'mine', description: 'x', server: 'https://m.example.com' });
    const created = await request(`${url}/v1/connectors`, { method: 'POST', headers, body: mine });
    await created.body.dump();
    const hidden = await request(`${url}/v1/connectors/mine`, { headers });
    await hidden.body.dump();
    expect([created.statusCode, hidden.statusCode]).toEqual([201, 404]);
    run.stop();
    expect(await run.exit).toBe(0);
    for (const [flag, value] of [
      ['--key-scope', 'everything'],
      ['--auth-methods-update', 'patch'],
    ]) {
      const bad = runEmulator([flag!, value!]);
      expect(await bad.exit).toBe(2);
      expect(bad.output().stderr).toContain(flag);
    }
  });

  it('reports an unreadable seed file as an error, not a crash', async () => {
    const run = runEmulator(['--port', '0', '--seed', 'missing.yaml']);
    expect(await run.exit).toBe(1);
    expect(run.output().stderr).toMatch(/missing\.yaml: no such file/);
    expect(run.output().stderr).not.toContain('internal error');
  });
});
