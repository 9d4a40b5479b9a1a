/**
 * The rows of issue 14's memory and in-flight targets: the daemon's resident size over many
 * reconciles, peak RSS of one-shot commands at 50,000 connectors, and the apply phase of 1,000
 * creates against its round-trip floor.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../src/emulator/index.js';
import { CLI, runCli } from './child.js';
import { apiSpanMs, countCalls, writesOf } from './measure.js';
import {
  type BenchContext,
  childEnv,
  expectOk,
  type Row,
  syncRow,
  usageOf,
  withEmulator,
} from './scenarios.js';
import { mutateDesired, writeDesired } from './workspace.js';

function emptyRow(scenario: string, n: number): Row {
  const nothing = {
    apiMs: null,
    calls: null,
    floorMs: null,
    phasedFloorMs: null,
    peakRssMb: null,
    cpuMs: null,
  };
  return { scenario, n, wallMs: 0, ...nothing, runs: 1 };
}

/** How long the daemon is left quiet before its resident size between reconciles is read. */
const IDLE_MS = 15_000;

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) / 1024;
}

/** A `connector-sync daemon` child whose "reconcile <phase>" log lines are counted. */
function startDaemonChild(ctx: BenchContext, apiUrl: string, dir: string, label: string) {
  const child = spawn(
    process.execPath,
    [CLI, 'daemon', '--api-url', apiUrl, '--port', '0', '--schedule', 'off', '--log-level', 'info', dir],
    { cwd: ctx.work, env: childEnv(ctx, label), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let done = 0;
  let pending = '';
  let stderr = '';
  let onLine: (() => void) | null = null;
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString('utf8')).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.includes('"msg":"reconcile ')) done += 1;
    onLine?.();
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let gone = false;
  void exited.then(() => {
    gone = true;
    onLine?.();
  });
  /** Resolves once `count` reconciles have finished. */
  const reconciled = (count: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reconcile ${count} within 300 s`)), 300_000);
      onLine = () => {
        if (done < count && !gone) return;
        clearTimeout(timer);
        onLine = null;
        if (done >= count) resolve();
        else reject(new Error(`the daemon exited: ${stderr}`));
      };
      onLine();
    });
  return { child, reconciled, exited, done: () => done };
}

/**
 * The daemon over N connector files against the emulator, no schedule: the first reconcile
 * creates all N, then reconciles (no-ops) follow one after another, each triggered by SIGHUP once
 * the one before has logged its end. RSS is read from /proc at each checkpoint (reconciles done).
 */
export async function benchDaemonRss(ctx: BenchContext, n: number, checkpoints: number[]): Promise<Row[]> {
  const dir = join(ctx.work, `daemon-${n}`, 'connectors');
  writeDesired(dir, n);
  ctx.log(`daemon RSS, N = ${n}, after ${checkpoints.join(', ')} reconciles`);
  const emulator = await startEmulator({
    builtins: false,
    faults: { latencyMs: ctx.latencyMs },
    requestLogLimit: 1,
  });
  const daemon = startDaemonChild(ctx, emulator.url, dir, `daemon-${n}`);
  const started = performance.now();
  const rows: Row[] = [];
  try {
    await daemon.reconciled(1);
    for (const checkpoint of checkpoints) {
      while (daemon.done() < checkpoint) {
        const next = daemon.done() + 1;
        daemon.child.kill('SIGHUP');
        await daemon.reconciled(next);
      }
      const row = emptyRow(`daemon RSS after ${checkpoint} reconciles`, n);
      rows.push({ ...row, wallMs: performance.now() - started, peakRssMb: rssMb(daemon.child.pid!) });
      ctx.log(`  after ${checkpoint}: ${rows.at(-1)!.peakRssMb!.toFixed(0)} MB`);
    }
    // between reconciles, as a daemon spends nearly all its time: V8 hands freed pages back
    // once the process has been quiet for a few seconds
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const idle = emptyRow(`daemon RSS after ${daemon.done()} reconciles, ${IDLE_MS / 1000} s idle`, n);
    rows.push({ ...idle, wallMs: performance.now() - started, peakRssMb: rssMb(daemon.child.pid!) });
    ctx.log(`  ${IDLE_MS / 1000} s later: ${rows.at(-1)!.peakRssMb!.toFixed(0)} MB`);
  } catch (error) {
    ctx.problems.push(`daemon RSS (N=${n}): ${(error as Error).message}`);
  } finally {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
    await emulator.close();
  }
  return rows;
}

/**
 * Peak RSS of validate, the first sync and a dry-run of the mixed change (updates, renames and
 * deletes planned against a listing of N) at a large N; one run each.
 */
export async function benchPeakRss(ctx: BenchContext, n: number): Promise<Row[]> {
  const dir = join(ctx.work, `peak-${n}`, 'connectors');
  writeDesired(dir, n);
  ctx.log(`peak RSS, N = ${n}`);
  const validate = await runCli(['validate', dir], {
    cwd: ctx.work,
    env: childEnv(ctx, `peak-${n}`),
    timeoutMs: 300_000,
  });
  expectOk(ctx, `validate (N=${n})`, validate);
  const rows: Row[] = [
    { ...emptyRow('peak RSS: validate', n), wallMs: validate.wallMs, ...usageOf(validate) },
  ];
  await withEmulator({ latencyMs: ctx.latencyMs }, async (emulator) => {
    rows.push((await syncRow(ctx, emulator, 'peak RSS: first sync', n, [dir], [n])).row);
    mutateDesired(dir, n);
    rows.push(
      (
        await syncRow(
          ctx,
          emulator,
          'peak RSS: dry-run of the mixed change',
          n,
          ['--prune', '--force-deletes', '--dry-run', dir],
          [],
        )
      ).row,
    );
  });
  for (const row of rows) ctx.log(`  ${row.scenario}: ${row.peakRssMb?.toFixed(0)} MB`);
  return rows;
}

/**
 * N creates, the median of `repeats` runs, with API s measured over the writes only (first write
 * to last answer) against ceil(N / concurrency) rounds: how full the pool of writes stays.
 */
export async function benchApplyFloor(ctx: BenchContext, n: number, repeats: number): Promise<Row> {
  const dir = join(ctx.work, `apply-${n}`, 'connectors');
  writeDesired(dir, n);
  ctx.log(`apply vs floor, ${n} creates (${repeats} runs)`);
  const runs: Row[] = [];
  for (let i = 0; i < repeats; i++) {
    runs.push(
      await withEmulator({ latencyMs: ctx.latencyMs }, async (emulator) => {
        const { row } = await syncRow(ctx, emulator, 'apply vs floor (creates, writes only)', n, [dir], [n]);
        const calls = countCalls(emulator.requestLog);
        const floorMs = Math.ceil(writesOf(calls) / ctx.concurrency) * ctx.latencyMs;
        return { ...row, apiMs: apiSpanMs(emulator.requestLog, 'writes'), floorMs, phasedFloorMs: floorMs };
      }),
    );
  }
  const sorted = runs.sort((a, b) => (a.apiMs ?? 0) - (b.apiMs ?? 0));
  return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, runs: repeats };
}
