import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { buildCli, type CliProcess, spawnCli } from './built-cli.js';
import { connectorYaml, waitFor } from './harness.js';

let bin: string;
let dir: string;
let emulator: RunningEmulator;
let cli: CliProcess | undefined;
let receiver: WebhookReceiver | undefined;

beforeAll(async () => {
  bin = await buildCli();
}, 120_000);

afterEach(async () => {
  if (cli && cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
  cli = undefined;
  await emulator?.close();
  await receiver?.close();
  receiver = undefined;
  rmSync(dir, { recursive: true, force: true });
});

afterAll(() => {
  rmSync(join(bin, '../..'), { recursive: true, force: true });
});

const NAMES = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];

async function start(latencyMs: number): Promise<CliProcess> {
  dir = mkdtempSync(join(tmpdir(), 'cs-signals-'));
  mkdirSync(join(dir, 'connectors'));
  for (const name of NAMES) writeFileSync(join(dir, 'connectors', `${name}.yaml`), connectorYaml(name));
  emulator = await startEmulator({ builtins: false, faults: { latencyMs } });
  cli = spawnCli(
    bin,
    ['daemon', '--port', '0', '--concurrency', '1', '--debounce', '50', '--log-level', 'debug', 'connectors'],
    {
      cwd: dir,
      env: {
        MISTRAL_API_KEY: 'test-key',
        MISTRAL_API_URL: emulator.url,
        CONNECTOR_SYNC_STATE_DIR: join(dir, 'state'),
      },
    },
  );
  return cli;
}

describe('daemon process: signals', () => {
  it('SIGTERM during an apply: the write in flight completes, nothing is half-written, exit 0', async () => {
    const process = await start(300);
    await process.line(/"msg":"listening on http:\/\/127\.0\.0\.1:\d+"/);
    await process.line(/"msg":"create applied"/);
    process.child.kill('SIGTERM');
    expect(await process.exited).toBe(0);

    const logged = process.stdout.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    const applied = logged.filter((l) => l.msg === 'create applied').map((l) => l.connector);
    const skipped = logged.filter((l) => l.msg === 'create skipped').map((l) => l.connector);
    // the create that was in flight when the signal came finished; the rest never started
    expect(applied.length).toBeGreaterThanOrEqual(2);
    expect(skipped.length).toBeGreaterThan(0);
    expect([...applied, ...skipped].sort()).toEqual(NAMES);
    const stored = emulator.store.list();
    expect(stored.map((c) => c.name).sort()).toEqual([...applied].sort());
    for (const connector of stored) {
      expect(connector).toMatchObject({
        description: `The ${connector.name} connector`,
        server: `https://${connector.name}.example.com/mcp`,
      });
    }
    expect(logged.map((l) => l.msg)).toContain('stopped');
    expect(logged.find((l) => l.msg === 'reconcile Interrupted')).toBeDefined();
  });

  it('SIGHUP reconciles at once; SIGTERM when idle exits 0', async () => {
    const process = await start(0);
    await process.line(/"msg":"reconcile Applied"/);
    process.child.kill('SIGHUP');
    const line = await process.line(/"reasons":\["signal"\].*"msg":"reconcile [A-Z]/);
    expect(JSON.parse(line)).toMatchObject({ msg: 'reconcile Applied', planned: 0 });
    process.child.kill('SIGTERM');
    expect(await process.exited).toBe(0);
  });

  it('a second signal exits at once', async () => {
    const process = await start(1500);
    await process.line(/"msg":"listening on/);
    // a write must be in flight (1.5 s each), or the first signal alone ends an idle daemon with 0
    await process.line(/"msg":"create applied"/);
    process.child.kill('SIGTERM');
    await process.line(/shutting down/);
    process.child.kill('SIGTERM');
    expect(await process.exited).toBe(130);
  });
});

/** A daemon whose connector file is invalid (one config_invalid message) and whose webhook is `r`. */
async function startNotifying(r: WebhookReceiver): Promise<CliProcess> {
  dir = mkdtempSync(join(tmpdir(), 'cs-notify-stop-'));
  mkdirSync(join(dir, 'connectors'));
  writeFileSync(
    join(dir, '.connector-sync.yaml'),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a connector-sync reference, not a template
    'notify:\n  - url: ${env:HOOK_URL}\n    format: json\n    events: [config_invalid]\n',
  );
  writeFileSync(join(dir, 'connectors', 'wiki.yaml'), 'name: [broken\n');
  emulator = await startEmulator({ builtins: false });
  cli = spawnCli(bin, ['daemon', '--port', '0', 'connectors'], {
    cwd: dir,
    env: {
      MISTRAL_API_KEY: 'test-key',
      MISTRAL_API_URL: emulator.url,
      CONNECTOR_SYNC_STATE_DIR: join(dir, 'state'),
      HOOK_URL: r.url,
    },
  });
  return cli;
}

describe('daemon process: notifications at shutdown', () => {
  it('SIGTERM while a message waits for its retry: it is delivered before the process exits', async () => {
    receiver = await startReceiver();
    const r = receiver;
    // the first attempt fails: the retry comes a second later (the default backoff)
    r.answer = (_message, index) => (index === 0 ? 503 : 200);
    const process = await startNotifying(r);
    await waitFor('the first attempt', () => r.received.length >= 1, 15_000);
    process.child.kill('SIGTERM');
    expect(await process.exited).toBe(0);
    expect(r.received.map((m) => (JSON.parse(m.body) as { event: string }).event)).toEqual([
      'config_invalid',
      'config_invalid',
    ]);
  }, 30_000);

  it('a receiver that never answers holds the shutdown 5 seconds at most, and the log says so', async () => {
    receiver = await startReceiver();
    const r = receiver;
    r.answer = () => 'hang';
    const process = await startNotifying(r);
    await waitFor('the first attempt', () => r.received.length >= 1, 15_000);
    const signalled = Date.now();
    process.child.kill('SIGTERM');
    expect(await process.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(8000);
    expect(process.stdout.join('\n')).toMatch(/notifications? not delivered before shutdown/);
    expect(process.stdout.join('\n')).not.toContain('secret-path-canary');
  }, 30_000);
});
