/**
 * `connector-sync sync` behaviour that needs the process around it: an interrupt (SIGINT/SIGTERM
 * reach the command as an aborted signal) and progress on a terminal. Everything else about sync
 * is a scenario in test/scenarios/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type ScenarioProxy, startScenarioProxy } from '../support/scenario-proxy.js';
import { type CliWorld, openCliWorld, writesOf } from './harness.js';

let world: CliWorld;
let proxy: ScenarioProxy;

beforeEach(async () => {
  world = await openCliWorld();
  proxy = await startScenarioProxy(world.emulator.url);
  await mkdir(join(world.cwd, 'connectors'));
  const entries = ['a', 'b', 'c', 'd', 'e'].map(
    (name) =>
      `  - name: svc-${name}\n    description: Service ${name}\n    server: https://${name}.example.com/mcp\n`,
  );
  await writeFile(join(world.cwd, 'connectors', 'all.yaml'), `connectors:\n${entries.join('')}`);
});

afterEach(async () => {
  await proxy.close();
  await world.close();
});

describe('sync in its process', () => {
  test('an interrupt lets the write in flight finish, starts no other, says so, exits 1; the next run converges', async () => {
    const controller = new AbortController();
    // the signal arrives while the first create is on its way to the API
    proxy.arm([{ when: 'POST /v1/connectors', run: () => controller.abort(new Error('received SIGINT')) }]);
    const run = await world.run(
      ['sync', '--concurrency', '1', '--output', 'json'],
      { MISTRAL_API_URL: proxy.url },
      { signal: controller.signal },
    );
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      phase: string;
      results: Array<{ name: string; status: string; note: string | null }>;
    };
    expect(report.phase).toBe('Interrupted');
    expect(report.results.map((r) => [r.name, r.status])).toEqual([
      ['svc-a', 'applied'],
      ['svc-b', 'skipped'],
      ['svc-c', 'skipped'],
      ['svc-d', 'skipped'],
      ['svc-e', 'skipped'],
    ]);
    expect(report.results[1]?.note).toBe('not started: interrupted');
    expect(writesOf(world.emulator)).toEqual(['POST /v1/connectors']);

    const next = await world.run(['sync', '--detailed-exitcode']);
    expect(next.code).toBe(2);
    expect(
      world.emulator.store
        .list()
        .filter((c) => !c.mistral)
        .map((c) => c.name)
        .sort(),
    ).toEqual(['svc-a', 'svc-b', 'svc-c', 'svc-d', 'svc-e']);
  });

  test('on a terminal, a counter shows progress on stderr and is cleared at the end', async () => {
    const run = await world.run(['sync', '--concurrency', '1'], {}, { stderrIsTTY: true });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('\r\x1b[2KApplying: 1/5  create svc-a');
    expect(run.stderr).toContain('\r\x1b[2KApplying: 5/5  create svc-e');
    expect(run.stderr.endsWith('\r\x1b[2K')).toBe(true);
  });

  test('without a terminal, or with JSON output, there is no progress counter', async () => {
    const plain = await world.run(['sync', '--dry-run']);
    expect(plain.stderr).toBe('');
    const json = await world.run(['sync', '--output', 'json'], {}, { stderrIsTTY: true });
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
  });

  test('in a log, the plan is printed before the first write and each result as it lands', async () => {
    let logged = '';
    const atEachCreate: string[] = [];
    const watching = await startScenarioProxy(world.emulator.url, {
      onRequest: (request) => {
        if (request.method === 'POST') atEachCreate.push(logged);
      },
    });
    try {
      const run = await world.run(
        ['sync', '--concurrency', '1'],
        { MISTRAL_API_URL: watching.url },
        {
          onStdout: (text) => {
            logged += text;
          },
        },
      );
      expect(run.code).toBe(0);
      // when the first create went out, the header and the whole plan were already in the log
      expect(atEachCreate[0]).toContain('5 desired connectors; ');
      expect(atEachCreate[0]).toContain('+ create  svc-e');
      expect(atEachCreate[0]).not.toContain('✓');
      // when the second went out, the first result was there too
      expect(atEachCreate[1]).toContain('✓ create svc-a');
      // the plan and each result once, then the summary
      expect(run.stdout.split('+ create  svc-e').length).toBe(2);
      expect(run.stdout.split('✓ create svc-a').length).toBe(2);
      expect(run.stdout).toContain('Applied 5 of 5 operations.');
    } finally {
      await watching.close();
    }
  });

  test('an interrupted run says how many were not started in one line, not one line each', async () => {
    const controller = new AbortController();
    proxy.arm([{ when: 'POST /v1/connectors', run: () => controller.abort(new Error('received SIGINT')) }]);
    const run = await world.run(
      ['sync', '--concurrency', '1'],
      { MISTRAL_API_URL: proxy.url },
      { signal: controller.signal },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('4 not started (interrupted): svc-b, svc-c, svc-d, svc-e');
    expect(run.stdout).not.toContain('svc-b skipped');
  });
});
