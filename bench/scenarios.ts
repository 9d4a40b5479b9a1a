import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../src/config/settings.js';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.js';
import { type ChildRun, describeRun, ROOT, runCli, runNode } from './child.js';
import { apiSpanMs, type CallCounts, countCalls, floorMs, phasedFloorMs } from './measure.js';
import { connectorName, mutateDesired, namesAfter, writeDesired } from './workspace.js';

/** One line of the results table. */
export interface Row {
  scenario: string;
  n: number;
  wallMs: number;
  /** First API request to last answer (writes only for the rate-limit rows). */
  apiMs: number | null;
  calls: CallCounts | null;
  floorMs: number | null;
  /** The floor in the order DESIGN prescribes (renames, creates and updates, then deletes last), each phase in its own rounds. */
  phasedFloorMs: number | null;
  peakRssMb: number | null;
  cpuMs: number | null;
  /** How many times the scenario ran; the row is the run with the median time (API s, else wall s). */
  runs: number;
  /** Fixed-cost row: the median ms from spawning the process to the emulator's first request. */
  firstCallMs?: number;
}

/** Where and how the scenarios run. */
export interface BenchContext {
  work: string;
  latencyMs: number;
  /** The CLI's default concurrency: the benchmark runs default settings. */
  concurrency: number;
  /** Correctness problems found on the way (a wrong count, a failed child): the run fails. */
  problems: string[];
  log: (line: string) => void;
}

/** The default settings' concurrency, read from the product so the floor follows it. */
export const DEFAULT_CONCURRENCY = DEFAULT_SETTINGS.concurrency;

/** The API's largest page: listing N connectors (built-ins included) costs ceil(N / 1000) calls. */
export const PAGE_SIZE = 1000;

export function childEnv(ctx: BenchContext, label: string): Record<string, string> {
  const home = join(ctx.work, 'home', label);
  mkdirSync(home, { recursive: true });
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    MISTRAL_API_KEY: 'bench-key',
    CONNECTOR_SYNC_STATE_DIR: join(home, 'state'),
    NO_COLOR: '1',
  };
}

export function usageOf(run: ChildRun): Pick<Row, 'peakRssMb' | 'cpuMs'> {
  if (!run.usage) return { peakRssMb: null, cpuMs: null };
  return { peakRssMb: run.usage.maxRssKb / 1024, cpuMs: run.usage.userMs + run.usage.systemMs };
}

export function expectOk(ctx: BenchContext, what: string, run: ChildRun): boolean {
  if (run.exitCode === 0) return true;
  ctx.problems.push(`${what}: ${describeRun(run)}`);
  return false;
}

export async function withEmulator<T>(
  faults: { latencyMs: number; rateLimitPerSecond?: number },
  work: (emulator: RunningEmulator) => Promise<T>,
): Promise<T> {
  const emulator = await startEmulator({ builtins: false, faults, requestLogLimit: 250_000 });
  try {
    return await work(emulator);
  } finally {
    await emulator.close();
  }
}

/** Runs `connector-sync sync` against the emulator and turns what happened into a row. */
export async function syncRow(
  ctx: BenchContext,
  emulator: RunningEmulator,
  scenario: string,
  n: number,
  args: string[],
  phases: number[],
): Promise<{ row: Row; run: ChildRun }> {
  emulator.clearRequestLog();
  const run = await runCli(['sync', '--api-url', emulator.url, ...args], {
    cwd: ctx.work,
    env: childEnv(ctx, `n${n}`),
    timeoutMs: 120_000 + n * 50,
  });
  expectOk(ctx, `${scenario} (N=${n})`, run);
  const calls = countCalls(emulator.requestLog);
  const row: Row = {
    scenario,
    n,
    wallMs: run.wallMs,
    apiMs: apiSpanMs(emulator.requestLog),
    calls,
    floorMs: floorMs(calls, ctx.concurrency, ctx.latencyMs),
    phasedFloorMs: phasedFloorMs(calls.list, phases, ctx.concurrency, ctx.latencyMs),
    ...usageOf(run),
    runs: 1,
  };
  ctx.log(`  ${scenario} N=${n}: ${(run.wallMs / 1000).toFixed(2)} s`);
  return { row, run };
}

function checkNames(ctx: BenchContext, what: string, emulator: RunningEmulator, expected: Set<string>): void {
  const names = emulator.store.list().map((record) => record.name);
  const unique = new Set(names);
  const missing = [...expected].filter((name) => !unique.has(name));
  const extra = names.filter((name) => !expected.has(name));
  if (unique.size !== names.length || missing.length > 0 || extra.length > 0) {
    ctx.problems.push(
      `${what}: remote does not match desired (${names.length} remote, ${missing.length} missing, ${extra.length} extra, ${names.length - unique.size} duplicate names)`,
    );
  }
}

/**
 * Runs each kind of request through the emulator once before anything is measured. The emulator
 * stands in for a production API, which is warm: its first few hundred answers, in a process
 * that has not yet compiled its code, would add the emulator's own start-up to the first rows.
 * The CLI gets no such help: every measured run starts a fresh process.
 */
export async function warmUpEmulator(ctx: BenchContext): Promise<void> {
  const n = 300;
  const dir = join(ctx.work, 'warm-up', 'connectors');
  writeDesired(dir, n);
  await withEmulator({ latencyMs: 0 }, async (emulator) => {
    const env = childEnv(ctx, 'warm-up');
    const first = await runCli(['sync', '--api-url', emulator.url, dir], {
      cwd: ctx.work,
      env,
      timeoutMs: 120_000,
    });
    expectOk(ctx, 'warm-up first sync', first);
    mutateDesired(dir, n);
    const args = ['sync', '--api-url', emulator.url, '--prune', '--force-deletes', dir];
    expectOk(ctx, 'warm-up mixed change', await runCli(args, { cwd: ctx.work, env, timeoutMs: 120_000 }));
  });
}

/**
 * validate, first sync, no-op, and the mixed change, for N connectors, `repeats` times from
 * scratch; each scenario's row is its median run. A run of 100 connectors lasts a fifth of a
 * second, where one scheduling hiccup of this 2-CPU machine moves the ratio by a tenth.
 */
export async function benchSize(ctx: BenchContext, n: number, repeats = 1): Promise<Row[]> {
  ctx.log(`N = ${n}${repeats > 1 ? ` (${repeats} runs, medians)` : ''}`);
  const runs: Row[][] = [];
  for (let run = 0; run < repeats; run++) runs.push(await benchSizeOnce(ctx, n));
  return runs[0]!.map((_, index) => medianRow(runs.map((rows) => rows[index]!)));
}

/** The run with the median time: API s where there is one, else wall s. */
function medianRow(rows: Row[]): Row {
  const time = (row: Row) => row.apiMs ?? row.wallMs;
  const sorted = [...rows].sort((a, b) => time(a) - time(b));
  return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, runs: rows.length };
}

async function benchSizeOnce(ctx: BenchContext, n: number): Promise<Row[]> {
  const rows: Row[] = [];
  const dir = join(ctx.work, `n${n}`, 'connectors');
  writeDesired(dir, n);

  const validate = await runCli(['validate', dir], {
    cwd: ctx.work,
    env: childEnv(ctx, `n${n}`),
    timeoutMs: 120_000,
  });
  expectOk(ctx, `validate (N=${n})`, validate);
  rows.push({
    scenario: 'validate',
    n,
    wallMs: validate.wallMs,
    apiMs: null,
    calls: null,
    floorMs: null,
    phasedFloorMs: null,
    ...usageOf(validate),
    runs: 1,
  });
  ctx.log(`  validate N=${n}: ${(validate.wallMs / 1000).toFixed(2)} s`);

  await withEmulator({ latencyMs: ctx.latencyMs }, async (emulator) => {
    const all = new Set(Array.from({ length: n }, (_, index) => connectorName(index)));
    const first = await syncRow(ctx, emulator, 'first sync (create all)', n, [dir], [n]);
    rows.push(first.row);
    checkNames(ctx, `first sync (N=${n})`, emulator, all);

    const noop = await syncRow(ctx, emulator, 'no-op reconcile', n, [dir], []);
    rows.push(noop.row);
    const pages = Math.ceil(n / PAGE_SIZE);
    const connectorCalls = (noop.row.calls?.total ?? 0) - (noop.row.calls?.agents ?? 0);
    if (noop.row.calls?.list !== pages || connectorCalls !== pages) {
      ctx.problems.push(
        `no-op reconcile (N=${n}): expected exactly ${pages} connector list call(s) and no other connector call, saw ${connectorCalls} (${noop.row.calls?.list} lists)`,
      );
    }

    const mutation = mutateDesired(dir, n);
    // the applier's order: renames and updates together, then deletes last (DESIGN)
    const phases = [mutation.renamed.length + mutation.updated.length, mutation.removed.length];
    const mixed = await syncRow(
      ctx,
      emulator,
      'update 10%, rename 1%, prune 5%',
      n,
      ['--prune', '--force-deletes', dir],
      phases,
    );
    rows.push(mixed.row);
    checkNames(ctx, `mixed change (N=${n})`, emulator, namesAfter(n, mutation));
    const expectedWrites = mutation.updated.length + mutation.renamed.length + mutation.removed.length;
    const writes = mixed.row.calls ? mixed.row.calls.update + mixed.row.calls.delete : 0;
    if (writes !== expectedWrites) {
      ctx.problems.push(`mixed change (N=${n}): expected ${expectedWrites} writes, saw ${writes}`);
    }
  });
  return rows;
}

/** The same first sync with the official SDK, one create at a time (see sdk-baseline.ts). */
export async function benchBaseline(ctx: BenchContext, n: number): Promise<Row> {
  const dir = join(ctx.work, `n${n}`, 'baseline');
  writeDesired(dir, n);
  return withEmulator({ latencyMs: ctx.latencyMs }, async (emulator) => {
    const run = await runNode(join(import.meta.dirname, 'sdk-baseline.js'), [emulator.url, dir], {
      cwd: ROOT,
      env: childEnv(ctx, `baseline-${n}`),
      timeoutMs: 120_000 + n * 100,
    });
    if (expectOk(ctx, `SDK baseline (N=${n})`, run)) {
      const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { created?: number };
      if (result.created !== n) ctx.problems.push(`SDK baseline (N=${n}): created ${result.created} of ${n}`);
    }
    const calls = countCalls(emulator.requestLog);
    ctx.log(`  SDK baseline N=${n}: ${(run.wallMs / 1000).toFixed(2)} s`);
    return {
      scenario: 'SDK baseline (first sync, one create at a time)',
      n,
      wallMs: run.wallMs,
      apiMs: apiSpanMs(emulator.requestLog),
      calls,
      floorMs: floorMs(calls, 1, ctx.latencyMs),
      phasedFloorMs: null,
      ...usageOf(run),
      runs: 1,
    };
  });
}

/** An apply of `writes` creates under a limit of `rate` requests a second; the floor is writes / rate. */
export async function benchRateLimit(ctx: BenchContext, writes: number, rate: number): Promise<Row> {
  const dir = join(ctx.work, `rate-${rate}`, 'connectors');
  writeDesired(dir, writes);
  ctx.log(`rate limit ${rate}/s, ${writes} writes`);
  return withEmulator({ latencyMs: ctx.latencyMs, rateLimitPerSecond: rate }, async (emulator) => {
    const run = await runCli(['sync', '--api-url', emulator.url, dir], {
      cwd: ctx.work,
      env: childEnv(ctx, `rate-${rate}`),
      timeoutMs: 60_000 + (3 * writes * 1000) / rate,
    });
    expectOk(ctx, `rate limit ${rate}/s`, run);
    checkNames(
      ctx,
      `rate limit ${rate}/s`,
      emulator,
      new Set(Array.from({ length: writes }, (_, index) => connectorName(index))),
    );
    ctx.log(`  ${(run.wallMs / 1000).toFixed(2)} s`);
    return {
      scenario: `rate limit ${rate}/s (apply)`,
      n: writes,
      wallMs: run.wallMs,
      apiMs: apiSpanMs(emulator.requestLog, 'writes'),
      calls: countCalls(emulator.requestLog),
      floorMs: (writes / rate) * 1000,
      phasedFloorMs: null,
      ...usageOf(run),
      runs: 1,
    };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Row titles the verdicts look for. */
export const LOADING_VALIDATE = 'validate (beside the plain loop)';
export const LOADING_PLAIN = 'plain loop: readdir, readFile, YAML.parse';
export const FIXED_COST = 'fixed cost: first sync, outside the API';

/**
 * `validate` of N files beside the plain loop (plain-loop.ts) reading and parsing the same files
 * in the same kind of child process, alternating, `runs` each: on a shared machine only a ratio
 * taken side by side means anything. Each row is the median run by wall time.
 */
export async function benchLoading(ctx: BenchContext, n: number, runs: number): Promise<Row[]> {
  const dir = join(ctx.work, `loading-${n}`, 'connectors');
  writeDesired(dir, n);
  ctx.log(`loading ${n} files: validate beside the plain loop (${runs} runs each)`);
  const options = { cwd: ctx.work, env: childEnv(ctx, 'loading'), timeoutMs: 120_000 };
  const validate: Row[] = [];
  const plain: Row[] = [];
  for (let run = 0; run < runs; run++) {
    const ours = await runCli(['validate', dir], options);
    expectOk(ctx, `validate beside the plain loop (N=${n})`, ours);
    validate.push(plainRow(LOADING_VALIDATE, n, ours));
    const loop = await runNode(join(import.meta.dirname, 'plain-loop.js'), [dir], options);
    if (expectOk(ctx, `plain loop (N=${n})`, loop) && loop.stdout.trim() !== String(n)) {
      ctx.problems.push(`plain loop (N=${n}): parsed ${loop.stdout.trim()} files`);
    }
    plain.push(plainRow(LOADING_PLAIN, n, loop));
  }
  const rows = [medianRow(validate), medianRow(plain)];
  ctx.log(`  ${(rows[0]!.wallMs / 1000).toFixed(2)} s beside ${(rows[1]!.wallMs / 1000).toFixed(2)} s`);
  return rows;
}

function plainRow(scenario: string, n: number, run: ChildRun): Row {
  const none = { apiMs: null, calls: null, floorMs: null, phasedFloorMs: null };
  return { scenario, n, wallMs: run.wallMs, ...none, ...usageOf(run), runs: 1 };
}

/**
 * The fixed cost of a command: a first sync of N into an empty workspace, `runs` times, each with a
 * fresh emulator. The row is the run with the median time outside the API (wall minus API s:
 * start-up, loading, the report), with the median time from spawn to the first API request.
 */
export async function benchFixedCost(ctx: BenchContext, n: number, runs: number): Promise<Row> {
  const dir = join(ctx.work, `fixed-${n}`, 'connectors');
  writeDesired(dir, n);
  ctx.log(`fixed cost: first sync of ${n} (${runs} runs)`);
  const rows: Row[] = [];
  const firstCalls: number[] = [];
  for (let run = 0; run < runs; run++) {
    await withEmulator({ latencyMs: ctx.latencyMs }, async (emulator) => {
      const { row, run: child } = await syncRow(ctx, emulator, FIXED_COST, n, [dir], [n]);
      const first = emulator.requestLog[0];
      if (first !== undefined) firstCalls.push(Date.parse(first.time) - child.startedAt);
      rows.push(row);
    });
  }
  const outside = (row: Row) => row.wallMs - (row.apiMs ?? 0);
  const sorted = [...rows].sort((a, b) => outside(a) - outside(b));
  return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, runs, firstCallMs: median(firstCalls) };
}

/** Wall times of `connector-sync --version`, sorted. */
export async function benchColdStart(ctx: BenchContext, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await runCli(['--version'], {
      cwd: ctx.work,
      env: childEnv(ctx, 'version'),
      timeoutMs: 30_000,
    });
    expectOk(ctx, '--version', run);
    times.push(run.wallMs);
  }
  return times.sort((a, b) => a - b);
}
