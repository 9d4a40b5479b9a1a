import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { loadDesiredState } from '../config/load.js';
import { loadSettings, type Settings } from '../config/settings.js';
import { ConnectorSyncError, UsageError } from '../errors.js';
import { readToolLock } from '../probe/lock-file.js';
import { openLedger } from '../reconcile/ledger.js';
import { emptyReport, type RunReport, type RunSettings, runOnce } from '../reconcile/run-once.js';
import { buildRunSettings } from '../reconcile/run-settings.js';
import {
  type PlanSources,
  parseSavedPlan,
  type SavedPlan,
  savedPlanSources,
  savePlan,
} from '../reconcile/saved-plan.js';
import { jsonChunks } from '../render/json-stream.js';
import { githubAnnotations, renderReportMarkdown } from '../render/markdown.js';
import { hasChanges, isSuccess, reportToJson } from '../render/report-json.js';
import { reportIssuesText, reportTextLines } from '../render/report-text.js';
import { makeStyle } from '../render/style.js';
import { version } from '../version.js';
import type { SyncFlags } from './commands/sync.js';
import { type CliIO, EXIT, wantsColor, writeChunks, writeLines } from './io.js';
import { planFlags, settingsFromFlags } from './options.js';
import { progressReporter } from './progress.js';
import { connectTarget, type Target } from './target.js';

/** Runs `connector-sync sync` and returns its exit code. */
export async function runSyncCommand(paths: string[], flags: SyncFlags, io: CliIO): Promise<number> {
  if (flags.plan && flags.planOut)
    throw new UsageError('--plan applies a saved plan; --plan-out saves a new one: use one of them');
  const savedPlan = flags.plan ? await readSavedPlan(flags.plan, io.cwd) : undefined;
  // a saved plan applied without paths is applied to what it was made from
  const recorded = savedPlan && paths.length === 0 ? savedPlanSources(savedPlan) : undefined;
  const settingsFile = flags.settings ?? recorded?.settingsFile;
  const settings = await loadSettings({
    cwd: io.cwd,
    env: io.env,
    flags: settingsFromFlags(flags),
    ...(settingsFile ? { file: settingsFile } : {}),
  });
  const desiredPaths = paths.length > 0 ? paths : (recorded?.paths ?? settings.paths);
  const loadDesired = () =>
    loadDesiredState(desiredPaths, { resolve: true, cwd: io.cwd, env: io.env, policy: settings.policy });

  // an invalid desired state stops before anything connects to the API
  const loaded = await loadDesired();
  if (!loaded.ok) {
    const report = { ...emptyReport(flags.dryRun === true, new Date()), phase: 'ConfigInvalid' as const };
    return finish(
      { ...report, issues: loaded.issues, warnings: loaded.warnings },
      flags,
      io,
      '(not contacted)',
    );
  }

  const target = await connectTarget(io, settings, {
    emulator: flags.emulator === true,
    apiUrlFlag: flags.apiUrl,
    concurrency: settings.concurrency,
  });
  try {
    const style = makeStyle(wantsColor(io));
    const progress = progressReporter(io, {
      forPeople: flags.output === 'text',
      style,
      apiUrl: target.displayUrl,
    });
    const report = await runOnce(
      {
        loadDesired: async () => loaded,
        api: target.api,
        apiUrl: target.id,
        openLedger: () => openLedger(target.stateDir, target.id, target.apiKey),
        loadToolLock: () => readToolLock(io.cwd),
        now: () => new Date(),
      },
      syncRunSettings(settings, flags, io, savedPlan, progress),
    );
    progress.done();
    if (flags.planOut && report.plan) {
      const sources = { paths: desiredPaths, settingsFile: settings.file && relative(io.cwd, settings.file) };
      await writePlan(flags.planOut, report, target, sources, io);
    }
    return await finish(report, flags, io, target.displayUrl, progress);
  } finally {
    await target.close();
  }
}

/** The settings of this sync's run: the one builder the daemon uses too, driven by sync's flags. */
export function syncRunSettings(
  settings: Settings,
  flags: SyncFlags,
  io: Pick<CliIO, 'signal'>,
  savedPlan: SavedPlan | undefined,
  progress: Pick<RunSettings, 'onPlan' | 'onResult'>,
): RunSettings {
  return buildRunSettings(settings, planFlags(flags), {
    dryRun: flags.dryRun === true,
    authUrls: flags.authUrls === true,
    pushUnrecorded: false,
    signal: io.signal,
    ...(savedPlan ? { savedPlan } : {}),
    ...progress,
  });
}

/** Prints the report in the asked format, feeds CI (job summary, annotations), and picks the exit code. */
async function finish(
  report: RunReport,
  flags: SyncFlags,
  io: CliIO,
  apiUrl: string,
  shown: { headShown: boolean; resultsShown: boolean } = { headShown: false, resultsShown: false },
): Promise<number> {
  const context = { apiUrl, toolVersion: version(), command: 'sync' };
  io.onReport?.(report, apiUrl);
  if (flags.output === 'json') {
    writeChunks(io.stdout, jsonChunks(reportToJson(report, context)));
    io.stdout.write('\n');
  } else if (flags.output === 'markdown') io.stdout.write(renderReportMarkdown(report, context));
  else {
    // configuration problems are diagnostics: stderr, as in validate (printed already if the plan was)
    if (!shown.headShown) io.stderr.write(reportIssuesText(report));
    writeLines(
      io.stdout,
      reportTextLines(report, {
        issuesApart: true,
        style: makeStyle(wantsColor(io)),
        apiUrl,
        headShown: shown.headShown,
        resultsShown: shown.resultsShown,
      }),
    );
  }

  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) await appendFile(resolve(io.cwd, summaryFile), renderReportMarkdown(report, context));
  if (io.env.GITHUB_ACTIONS === 'true' && flags.output !== 'json') {
    for (const line of githubAnnotations(report)) io.stdout.write(`${line}\n`);
  }
  if (!isSuccess(report)) return EXIT.error;
  if (flags.failOnPendingAuth && report.pendingAuth.length > 0) {
    io.stderr.write(
      `error: ${report.pendingAuth.length} connector(s) still wait for OAuth (--fail-on-pending-auth)\n`,
    );
    return EXIT.error;
  }
  const drifted = report.toolDrift.filter((check) => check.status === 'drift').length;
  if (flags.failOnToolDrift && drifted > 0) {
    io.stderr.write(
      `error: the tools of ${drifted} connector(s) differ from connector-sync.lock.yaml (--fail-on-tool-drift)\n`,
    );
    return EXIT.error;
  }
  if (flags.detailedExitcode && hasChanges(report.plan)) return EXIT.changes;
  return EXIT.ok;
}

async function readSavedPlan(file: string, cwd: string): Promise<SavedPlan> {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConnectorSyncError(
      'PLAN_FILE_INVALID',
      `cannot read the plan file ${file}: ${(error as Error).message}`,
    );
  }
  return parseSavedPlan(text, file);
}

async function writePlan(
  file: string,
  report: RunReport,
  target: Target,
  sources: PlanSources,
  io: CliIO,
): Promise<void> {
  const saved = savePlan(report.plan!, {
    now: new Date(),
    toolVersion: version(),
    apiUrl: target.id,
    desired: report.desired,
    sources,
  });
  const path = resolve(io.cwd, file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(saved, null, 2)}\n`);
  if (io.stderr.isTTY)
    io.stderr.write(`Plan saved to ${file}; apply it with: connector-sync sync --plan ${file}\n`);
}
