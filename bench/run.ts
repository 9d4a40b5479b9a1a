/**
 * `npm run bench [-- --quick] [-- --latency MS]`: the benchmarks of issue 6 against the emulator.
 * Each scenario runs the real CLI in a child process (`node bin/connector-sync.js`, compiled code
 * from dist/) against an emulator served from this process. Prints the table and each target's
 * verdict; the full mode also writes bench/results.md (not with --only, which runs some parts). Exits 1 when a scenario did not do what
 * it should (a failed child, a wrong count); a missed target is printed as FAIL.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './child.js';
import { benchApplyFloor, benchDaemonRss, benchPeakRss } from './memory.js';
import {
  evaluateTargets,
  machineInfo,
  type Results,
  renderResultsMarkdown,
  renderTable,
  renderVerdicts,
  speedUps,
} from './report.js';
import {
  type BenchContext,
  benchBaseline,
  benchColdStart,
  benchFixedCost,
  benchLoading,
  benchRateLimit,
  benchSize,
  DEFAULT_CONCURRENCY,
  type Row,
  warmUpEmulator,
} from './scenarios.js';

interface Plan {
  mode: 'quick' | 'full';
  latencyMs: number;
  sizes: number[];
  /** Runs of each size up to 1,000 (medians are reported); 10,000 runs once. */
  repeats: number;
  /** Sizes of the SDK baseline runs. */
  baselines: number[];
  /** [writes, requests per second] */
  rateLimits: Array<[number, number]>;
  coldStarts: number;
  /** Runs of validate beside the plain loop at 10,000 files (0: not run). */
  loading: number;
  /** Runs of the first sync of 100 measured for its fixed cost (0: not run). */
  fixedCost: number;
  /** [connectors, reconcile checkpoints] of the daemon RSS rows. */
  daemons: Array<[number, number[]]>;
  /** Sizes of the peak RSS rows (validate, first sync, dry-run). */
  peakSizes: number[];
  /** Creates of the apply-vs-floor row. */
  applyCreates: number[];
  /** Set by --only: a partial run prints but never writes bench/results.md. */
  partial: boolean;
}

const PARTS = ['sdk', 'rate', 'cold-start', 'loading', 'fixed-cost', 'daemon', 'peak', 'apply'];
const ONLY_HELP = `--only expects a comma list of sizes (100, 1000, 10000) and/or ${PARTS.join(', ')}`;

function flagValue(argv: string[], flag: string): string | undefined {
  const at = argv.indexOf(flag);
  return at >= 0 ? argv[at + 1] : undefined;
}

/**
 * Narrows a plan to the parts `--only` names, so one slow scenario can be re-measured alone:
 * `--only 10000,cold-start` runs validate/sync at N = 10,000 and the cold start, nothing else.
 */
function restrict(plan: Plan, only: string): Plan {
  const parts = only.split(',').map((part) => part.trim());
  const sizes: number[] = [];
  for (const part of parts) {
    if (/^\d+$/.test(part)) {
      const n = Number(part);
      if (!plan.sizes.includes(n))
        throw new Error(`--only ${part}: not a size of the ${plan.mode} run (${plan.sizes.join(', ')})`);
      sizes.push(n);
    } else if (!PARTS.includes(part)) {
      throw new Error(`--only ${part}: ${ONLY_HELP}`);
    }
  }
  return {
    ...plan,
    sizes,
    baselines: parts.includes('sdk') ? plan.baselines : [],
    rateLimits: parts.includes('rate') ? plan.rateLimits : [],
    coldStarts: parts.includes('cold-start') ? plan.coldStarts : 0,
    loading: parts.includes('loading') ? plan.loading : 0,
    fixedCost: parts.includes('fixed-cost') ? plan.fixedCost : 0,
    daemons: parts.includes('daemon') ? plan.daemons : [],
    peakSizes: parts.includes('peak') ? plan.peakSizes : [],
    applyCreates: parts.includes('apply') ? plan.applyCreates : [],
    partial: true,
  };
}

function planFrom(argv: string[]): Plan {
  const quick = argv.includes('--quick');
  const latency = flagValue(argv, '--latency');
  const latencyMs = latency === undefined ? 20 : Number(latency);
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error('--latency expects milliseconds');
  const only = flagValue(argv, '--only');
  if (argv.includes('--only') && !only) throw new Error(ONLY_HELP);
  const known = new Set(['--quick', '--latency', String(latency), '--only', String(only)]);
  const unknown = argv.filter((arg) => !known.has(arg));
  if (unknown.length > 0)
    throw new Error(`unknown argument(s): ${unknown.join(' ')} (use --quick, --latency MS, --only PARTS)`);
  const plan: Plan = quick
    ? {
        mode: 'quick',
        latencyMs,
        sizes: [100, 1000],
        repeats: 3,
        // the baseline at 1,000 takes 24 s (one create at a time): the full run has it
        baselines: [100],
        rateLimits: [[500, 50]],
        coldStarts: 7,
        loading: 3,
        fixedCost: 5,
        daemons: [],
        peakSizes: [],
        applyCreates: [1000],
        partial: false,
      }
    : {
        mode: 'full',
        latencyMs,
        sizes: [100, 1000, 10_000],
        repeats: 5,
        baselines: [100, 1000, 10_000],
        rateLimits: [
          [2000, 100],
          [2000, 20],
        ],
        coldStarts: 11,
        loading: 5,
        fixedCost: 7,
        // the level at 10,000 (20 reconciles), the flatness at 1,000 (1,000 no-op reconciles)
        daemons: [
          [10_000, [10, 20]],
          [1000, [10, 100, 1000]],
        ],
        peakSizes: [50_000],
        applyCreates: [1000],
        partial: false,
      };
  return only ? restrict(plan, only) : plan;
}

async function main(): Promise<number> {
  const plan = planFrom(process.argv.slice(2));
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) {
    process.stderr.write('bench: dist/ is missing; build first with npx tsc -p tsconfig.build.json\n');
    return 1;
  }
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'cs-bench-'));
  const ctx: BenchContext = {
    work,
    latencyMs: plan.latencyMs,
    concurrency: DEFAULT_CONCURRENCY,
    problems: [],
    log: (line) => process.stderr.write(`${line}\n`),
  };
  const rows: Row[] = [];
  let coldStartMs: number[] = [];
  try {
    if (plan.sizes.length + plan.rateLimits.length + plan.fixedCost + plan.applyCreates.length > 0)
      await warmUpEmulator(ctx);
    for (const n of plan.sizes) rows.push(...(await benchSize(ctx, n, n <= 1000 ? plan.repeats : 1)));
    for (const n of plan.baselines) rows.push(await benchBaseline(ctx, n));
    for (const [writes, rate] of plan.rateLimits) rows.push(await benchRateLimit(ctx, writes, rate));
    if (plan.loading > 0) rows.push(...(await benchLoading(ctx, 10_000, plan.loading)));
    if (plan.fixedCost > 0) rows.push(await benchFixedCost(ctx, 100, plan.fixedCost));
    for (const n of plan.applyCreates) rows.push(await benchApplyFloor(ctx, n, plan.repeats));
    for (const [n, checkpoints] of plan.daemons) rows.push(...(await benchDaemonRss(ctx, n, checkpoints)));
    for (const n of plan.peakSizes) rows.push(...(await benchPeakRss(ctx, n)));
    if (plan.coldStarts > 0) coldStartMs = await benchColdStart(ctx, plan.coldStarts);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const results: Results = {
    mode: plan.mode,
    latencyMs: plan.latencyMs,
    concurrency: ctx.concurrency,
    rows,
    coldStartMs,
  };
  const verdicts = evaluateTargets(results);
  const out = process.stdout;
  out.write(`\n${renderTable(rows)}\n\n${renderVerdicts(verdicts)}\n\n`);
  for (const line of speedUps(rows)) out.write(`SDK baseline ${line}\n`);
  const met = verdicts.filter((v) => v.pass).length;
  out.write(
    `\n${met} of ${verdicts.length} targets met; ${plan.partial ? 'partial ' : ''}${plan.mode} run in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
  );
  if (plan.mode === 'full' && !plan.partial) {
    const file = join(ROOT, 'bench/results.md');
    writeFileSync(file, renderResultsMarkdown(results, machineInfo(), verdicts));
    out.write(`wrote ${file}\n`);
  }
  for (const problem of ctx.problems) process.stderr.write(`bench: ${problem}\n`);
  return ctx.problems.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
