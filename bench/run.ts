/**
 * `npm run bench [-- --quick] [-- --latency MS]`: the benchmarks of issue 6 against the emulator.
 * Each scenario runs the real CLI in a child process (`node bin/connector-sync.js`, compiled code
 * from dist/) against an emulator served from this process. Prints the table and each target's
 * verdict; the full mode also writes bench/results.md. Exits 1 when a scenario did not do what
 * it should (a failed child, a wrong count); a missed target is printed as FAIL.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './child.js';
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
  benchRateLimit,
  benchSize,
  DEFAULT_CONCURRENCY,
  type Row,
} from './scenarios.js';

interface Plan {
  mode: 'quick' | 'full';
  latencyMs: number;
  sizes: number[];
  /** [writes, requests per second] */
  rateLimits: Array<[number, number]>;
  coldStarts: number;
}

function planFrom(argv: string[]): Plan {
  const quick = argv.includes('--quick');
  const latencyAt = argv.indexOf('--latency');
  const latencyMs = latencyAt >= 0 ? Number(argv[latencyAt + 1]) : 20;
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error('--latency expects milliseconds');
  const known = new Set(['--quick', '--latency', String(argv[latencyAt + 1])]);
  const unknown = argv.filter((arg) => !known.has(arg));
  if (unknown.length > 0)
    throw new Error(`unknown argument(s): ${unknown.join(' ')} (use --quick, --latency MS)`);
  return quick
    ? { mode: 'quick', latencyMs, sizes: [100, 1000], rateLimits: [[500, 50]], coldStarts: 7 }
    : {
        mode: 'full',
        latencyMs,
        sizes: [100, 1000, 10_000],
        rateLimits: [
          [2000, 100],
          [2000, 20],
        ],
        coldStarts: 11,
      };
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
    for (const n of plan.sizes) rows.push(...(await benchSize(ctx, n)));
    for (const n of plan.sizes) rows.push(await benchBaseline(ctx, n));
    for (const [writes, rate] of plan.rateLimits) rows.push(await benchRateLimit(ctx, writes, rate));
    coldStartMs = await benchColdStart(ctx, plan.coldStarts);
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
    `\n${met} of ${verdicts.length} targets met; ${plan.mode} run in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
  );
  if (plan.mode === 'full') {
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
