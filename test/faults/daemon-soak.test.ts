/**
 * The daemon over 1,000 reconciles against the emulator (the real CLI: `connector-sync daemon`).
 * Reconciles are asked for through POST /reconcile, three at a time so two arrive while one runs
 * and must coalesce. Checked: every reconcile finished, none overlapped another (each makes one
 * list call; no two are ever in flight at once), memory and open handles stay flat: the heap
 * used after a full collection does not grow from reconcile 300 to 1,000, resident memory stays
 * within a margin from reconcile 600 (after V8's one-time growth of its young generation),
 * handles and file descriptors do not grow; every 100th sample is printed, each taken with the
 * daemon idle. SIGTERM ends it cleanly. Its logs, /metrics, /status.json and status page join
 * the canary scan.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { recordOutput } from './support/canary.js';
import { type CliChild, startCli } from './support/cli.js';
import { createWorld, SYNC_FLAGS, type World } from './support/world.js';

const RECONCILES = 1_000;
/** V8 sizes its heap during the first few hundred reconciles; flat is judged from here on. */
const WARM_UP = 300;
const SAMPLE_EVERY = 50;
/** The JS heap used after a full collection may not creep up by more. */
const HEAP_GROWTH_MB = 3;
/**
 * Test instrumentation preloaded into the daemon: SIGUSR2 runs a full garbage collection, so each
 * sample reads the heap the daemon really holds, not where its sawtooth happens to be.
 */
const GC_ON_SIGNAL = [
  '--expose-gc',
  '--import',
  'data:text/javascript,process.on("SIGUSR2", () => globalThis.gc())',
];
/**
 * Resident memory steps up once, when V8 grows its young generation to the maximum (somewhere
 * between reconcile 200 and 400 here), then may only move within this from reconcile 600 on.
 */
const RSS_FROM = 600;
const RSS_GROWTH_MB = 15;

interface Sample {
  reconciles: number;
  rssMb: number;
  heapUsedMb: number;
  handles: number;
  resources: number;
  openFds: number;
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  if (line === undefined) throw new Error(`metric ${name} missing from /metrics`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function get(url: string): Promise<string> {
  const response = await request(url);
  return response.body.text();
}

/** Resolves once no reconcile runs (/status.json says `running: null`), so a sample sees the idle daemon. */
async function idle(url: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const status = JSON.parse(await get(`${url}/status.json`)) as { running: unknown };
    if (status.running === null) return;
    await sleep(10);
  }
  throw new Error('the daemon stayed busy for 5 s');
}

async function sample(url: string, daemon: CliChild): Promise<Sample> {
  await idle(url);
  daemon.child.kill('SIGUSR2');
  await sleep(50);
  const text = await get(`${url}/metrics`);
  const reconciles = text
    .split('\n')
    .filter((l) => l.startsWith('connector_sync_reconciles_total{'))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  return {
    reconciles,
    rssMb: metric(text, 'process_resident_memory_bytes') / 2 ** 20,
    heapUsedMb: metric(text, 'nodejs_heap_size_used_bytes') / 2 ** 20,
    handles: metric(text, 'nodejs_active_handles_total'),
    resources: metric(text, 'nodejs_active_resources_total'),
    openFds: metric(text, 'process_open_fds'),
  };
}

const lists = (world: World) =>
  world.emulator.requestLog.filter((e) => e.method === 'GET' && /^\/v1\/connectors\/?$/.test(e.path));

describe('the daemon over 1,000 reconciles', () => {
  it('keeps memory and handles flat, never overlaps two reconciles, and stops cleanly', async () => {
    const world = await createWorld({ connectors: 50, existing: 50, latencyMs: 3 });
    const token = randomBytes(24).toString('hex');
    world.env.CONNECTOR_SYNC_CONTROL_TOKEN = token;
    const daemon = startCli(
      world,
      ['daemon', '--port', '0', '--schedule', 'off', ...SYNC_FLAGS, world.connectorsDir],
      'daemon.soak',
      280_000,
      GC_ON_SIGNAL,
    );
    try {
      let url = '';
      const listening = Date.now() + 30_000;
      while (url === '' && daemon.child.exitCode === null && Date.now() < listening) {
        url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(daemon.stdoutSoFar())?.[1] ?? '';
        if (url === '') await sleep(50);
      }
      if (url === '') {
        daemon.child.kill('SIGKILL');
        const ended = await daemon.done;
        expect.fail(
          `the daemon never listened (${ended.signal ?? ended.exitCode}):\n${ended.stdout}\n${ended.stderr}`,
        );
      }
      const trigger = async () => {
        const response = await request(`${url}/reconcile`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
        await response.body.text();
        expect(response.statusCode).toBe(202);
      };

      const samples: Sample[] = [];
      // the reconcile at start first, so the counters and the request log begin together
      let done = 0;
      for (let i = 0; i < 200 && done === 0; i++) {
        done = (await sample(url, daemon)).reconciles;
        if (done === 0) await sleep(50);
      }
      world.emulator.clearRequestLog();
      const started = done;
      while (done < started + RECONCILES) {
        await Promise.all([trigger(), trigger(), trigger()]);
        while (lists(world).length + started <= done) await sleep(2);
        done = lists(world).length + started;
        if (done >= (samples.at(-1)?.reconciles ?? started) + SAMPLE_EVERY) {
          samples.push(await sample(url, daemon));
        }
      }
      const last = await sample(url, daemon);
      samples.push(last);

      // every reconcile made exactly one list call, and no list started before the previous ended
      const calls = lists(world);
      expect(last.reconciles - started).toBe(calls.length);
      expect(calls.length).toBeGreaterThanOrEqual(RECONCILES);
      let overlaps = 0;
      for (let i = 1; i < calls.length; i++) {
        const previous = calls[i - 1]!;
        const endedAt = Date.parse(previous.time) + previous.durationMs;
        if (Date.parse(calls[i]!.time) < Math.floor(endedAt)) overlaps += 1;
      }
      expect(overlaps, 'reconciles that overlapped another').toBe(0);

      const steady = samples.filter((s) => s.reconciles - started >= WARM_UP);
      const base = steady[0]!;
      const table = samples
        .filter((_, index) => index % 2 === 1 || index === samples.length - 1)
        .map(
          (s) =>
            `reconcile ${s.reconciles - started}: RSS ${s.rssMb.toFixed(1)} MB, heap after GC ${s.heapUsedMb.toFixed(1)} MB, ` +
            `handles ${s.handles}, resources ${s.resources}, open fds ${s.openFds}`,
        );
      process.stdout.write(`daemon soak (${calls.length} reconciles):\n  ${table.join('\n  ')}\n`);
      expect(last.heapUsedMb - base.heapUsedMb, 'the heap grew').toBeLessThan(HEAP_GROWTH_MB);
      const rssBase = samples.find((s) => s.reconciles - started >= RSS_FROM)!;
      expect(last.rssMb - rssBase.rssMb, 'RSS grew').toBeLessThan(RSS_GROWTH_MB);
      // a sample can catch a request in flight: the fewest at the end against the most at the start
      const most = (key: 'handles' | 'openFds') => Math.max(...steady.slice(0, 3).map((s) => s[key]));
      const fewest = (key: 'handles' | 'openFds') => Math.min(...steady.slice(-3).map((s) => s[key]));
      expect(fewest('handles') - most('handles'), 'active handles grew').toBeLessThanOrEqual(0);
      expect(fewest('openFds') - most('openFds'), 'open file descriptors grew').toBeLessThanOrEqual(0);

      recordOutput('daemon.metrics', await get(`${url}/metrics`));
      recordOutput('daemon.status-json', await get(`${url}/status.json`));
      recordOutput('daemon.status-page', await get(`${url}/`));
      daemon.child.kill('SIGTERM');
      const ended = await daemon.done;
      expect(ended.exitCode, ended.stderr).toBe(0);
    } finally {
      if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
      await daemon.done.catch(() => undefined);
      await world.close();
    }
    // about a minute alone; the suite runs two files at once on two cores, so leave it room
  }, 300_000);
});
