import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { loadDesiredState } from '../config/load.js';
import { loadSettings, type Settings, settingsForEnvironment, varsFor } from '../config/settings.js';
import { ConnectorSyncError, isConnectorSyncError, UsageError } from '../errors.js';
import { readToolLock } from '../probe/lock-file.js';
import { openLedger } from '../reconcile/ledger.js';
import { emptyReport, type RunReport, type RunSettings, runOnce } from '../reconcile/run-once.js';
import { buildRunSettings } from '../reconcile/run-settings.js';
import {
  checkPlanEnvironment,
  type PlanSources,
  parseSavedPlan,
  type SavedPlan,
  savedPlanSources,
  savePlan,
} from '../reconcile/saved-plan.js';
import { hasChanges, isSuccess, reportToJson } from '../render/report-json.js';
import { reportIssuesText, reportTextLines } from '../render/report-text.js';
import { makeStyle } from '../render/style.js';
import { version } from '../version.js';
import type { SyncFlags } from './commands/sync.js';
import { chooseEnvironments } from './environments.js';
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
  const choice = chooseEnvironments(settings, flags.env, io.env);
  if (choice?.several && (flags.plan || flags.planOut))
    throw new UsageError('a saved plan is for one environment: give --plan or --plan-out with one --env');
  if (savedPlan) checkPlanEnvironment(savedPlan, flags.plan!, choice?.names[0]);
  const sync = (chosen: Settings) =>
    syncWorkspace(paths, flags, io, { settings: chosen, savedPlan, recorded });
  if (choice === undefined) return finish(await sync(settings), flags, io);
  if (!choice.several)
    return finish(await sync(settingsForEnvironment(settings, choice.names[0]!).settings), flags, io);
  return syncEnvironments(choice.names, flags, io, (name) =>
    sync(settingsForEnvironment(settings, name).settings),
  );
}

/** What one workspace's sync found, for `finish` to print. */
interface WorkspaceRun {
  report: RunReport;
  apiUrl: string;
  shown?: { headShown: boolean; resultsShown: boolean };
}

/** Plans (and applies unless --dry-run) one workspace: the top level's, or one environment's. */
async function syncWorkspace(
  paths: string[],
  flags: SyncFlags,
  io: CliIO,
  run: { settings: Settings; savedPlan: SavedPlan | undefined; recorded: PlanSources | undefined },
): Promise<WorkspaceRun> {
  const { settings, savedPlan, recorded } = run;
  const desiredPaths = paths.length > 0 ? paths : (recorded?.paths ?? settings.paths);
  const loadDesired = () =>
    loadDesiredState(desiredPaths, {
      resolve: true,
      cwd: io.cwd,
      env: io.env,
      policy: settings.policy,
      vars: varsFor(settings),
    });

  const connect = () =>
    connectTarget(io, settings, {
      emulator: flags.emulator === true,
      apiUrlFlag: flags.apiUrl,
      concurrency: settings.concurrency,
    });
  // The API client is readied while the files load (its modules loaded, the key read, a
  // connection opened: the TCP and TLS handshakes overlap the loading). Nothing is sent on it
  // until the desired state is known valid: an invalid one closes it unused, and is reported
  // before a missing key would be. The embedded emulator starts only after.
  const early =
    flags.emulator === true
      ? undefined
      : settle(
          connect().then((target) => {
            target.warm();
            return target;
          }),
        );
  const loaded = await loadDesired();
  if (!loaded.ok) {
    await early?.then((ready) => ready.target?.close());
    const report = { ...emptyReport(flags.dryRun === true, new Date()), phase: 'ConfigInvalid' as const };
    return {
      report: { ...report, issues: loaded.issues, warnings: loaded.warnings },
      apiUrl: '(not contacted)',
    };
  }

  const target = early ? await early.then(targetOrThrow) : await connect();
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
      await writePlan(
        flags.planOut,
        report,
        target,
        { ...sources, environment: settings.environment?.name },
        io,
      );
    }
    return { report, apiUrl: target.displayUrl, shown: progress };
  } finally {
    await target.close();
  }
}

type Settled = { target: Target; error?: undefined } | { target?: undefined; error: unknown };

/** A connection attempt that may fail before anyone awaits it, without an unhandled rejection. */
function settle(connecting: Promise<Target>): Promise<Settled> {
  return connecting.then(
    (target) => ({ target }),
    (error: unknown) => ({ error }),
  );
}

function targetOrThrow(ready: Settled): Target {
  if (ready.target) return ready.target;
  throw ready.error;
}

/**
 * `sync --env a,b` or `--env all`: each workspace in turn, one section each, one exit code for the
 * whole (the worst). A workspace that fails does not stop the next; a usage error stops them all.
 */
async function syncEnvironments(
  names: readonly string[],
  flags: SyncFlags,
  io: CliIO,
  sync: (name: string) => Promise<WorkspaceRun>,
): Promise<number> {
  const style = makeStyle(wantsColor(io));
  const json: unknown[] = [];
  const codes: Array<[string, number]> = [];
  for (const [index, name] of names.entries()) {
    if (flags.output === 'text')
      io.stdout.write(`${index > 0 ? '\n' : ''}${style.bold(`== Environment ${name} ==`)}\n`);
    let run: WorkspaceRun;
    try {
      run = await sync(name);
    } catch (error) {
      if (!isConnectorSyncError(error) || error.code === 'USAGE') throw error;
      const report = { ...emptyReport(flags.dryRun === true, new Date()), phase: 'Failed' as const, error };
      run = { report, apiUrl: '(not contacted)' };
    }
    const code = await finish(run, flags, io, { environment: name, json });
    codes.push([name, code]);
    const next = names[index + 1];
    if (code === EXIT.error && next !== undefined)
      io.stderr.write(`environment ${name} failed; environment ${next} runs all the same\n`);
  }
  const worst = worstExitCode(codes.map(([, code]) => code));
  if (flags.output === 'json') {
    const document = {
      version: 1,
      tool: { name: 'connector-sync', version: version() },
      command: 'sync',
      ok: worst !== EXIT.error,
      environments: json,
    };
    const { jsonChunks } = await import('../render/json-stream.js');
    writeChunks(io.stdout, jsonChunks(document));
    io.stdout.write('\n');
  } else if (flags.output === 'text') {
    const outcome = ([name, code]: [string, number]) =>
      `${name} ${code === EXIT.error ? style.remove('failed') : style.add('ok')}`;
    io.stdout.write(`\nEnvironments: ${codes.map(outcome).join(', ')}\n`);
  }
  return worst;
}

/** One exit code for several runs: an error over pending changes over nothing to do. */
function worstExitCode(codes: readonly number[]): number {
  if (codes.includes(EXIT.error)) return EXIT.error;
  if (codes.includes(EXIT.changes)) return EXIT.changes;
  return EXIT.ok;
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
  run: WorkspaceRun,
  flags: SyncFlags,
  io: CliIO,
  section?: { environment: string; json: unknown[] },
): Promise<number> {
  const { report, apiUrl } = run;
  const shown = run.shown ?? { headShown: false, resultsShown: false };
  const context = { apiUrl, toolVersion: version(), command: 'sync' };
  io.onReport?.(report, apiUrl, section?.environment);
  const heading = section ? `## Environment ${section.environment}\n\n` : '';
  const code = exitCode(report, flags, io);
  if (section && flags.output === 'json') {
    // one document for every environment, printed once they have all run
    section.json.push({ name: section.environment, exit_code: code, report: reportToJson(report, context) });
  } else if (flags.output === 'json') {
    const { jsonChunks } = await import('../render/json-stream.js');
    writeChunks(io.stdout, jsonChunks(reportToJson(report, context)));
    io.stdout.write('\n');
  } else if (flags.output === 'markdown') {
    const { renderReportMarkdown } = await import('../render/markdown.js');
    io.stdout.write(heading + renderReportMarkdown(report, context));
  } else {
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

  // the Markdown renderer is loaded only for a reader of Markdown: CI, or -o markdown
  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  const annotate = io.env.GITHUB_ACTIONS === 'true' && flags.output !== 'json';
  if (summaryFile || annotate) {
    const { githubAnnotations, renderReportMarkdown } = await import('../render/markdown.js');
    if (summaryFile)
      await appendFile(resolve(io.cwd, summaryFile), heading + renderReportMarkdown(report, context));
    if (annotate) for (const line of githubAnnotations(report)) io.stdout.write(`${line}\n`);
  }
  return code;
}

/** The exit code of one workspace's run (--detailed-exitcode, --fail-on-*). */
function exitCode(report: RunReport, flags: SyncFlags, io: CliIO): number {
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
  sources: PlanSources & { environment: string | undefined },
  io: CliIO,
): Promise<void> {
  const saved = savePlan(report.plan!, {
    now: new Date(),
    toolVersion: version(),
    apiUrl: target.id,
    desired: report.desired,
    sources,
    ...(sources.environment ? { environment: sources.environment } : {}),
  });
  const path = resolve(io.cwd, file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(saved, null, 2)}\n`);
  if (io.stderr.isTTY)
    io.stderr.write(`Plan saved to ${file}; apply it with: connector-sync sync --plan ${file}\n`);
}
