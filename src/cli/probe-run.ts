/** The shell of `connector-sync probe`: load, read the lock, probe, print, write the lock when asked. */
import { writeFile } from 'node:fs/promises';
import { parseDuration } from '../config/duration.js';
import { sortIssues } from '../config/issues.js';
import { loadDesiredState } from '../config/load.js';
import { loadSettings, varsFor } from '../config/settings.js';
import { LOCK_FILE, renderLock } from '../probe/lock.js';
import { lockPath, readToolLock } from '../probe/lock-file.js';
import { probeConnectors, updatedLock } from '../probe/run.js';
import { matchesAny } from '../reconcile/scope.js';
import { renderFailureSummary, renderIssuesText } from '../render/diagnostics.js';
import { renderProbeJson, renderProbeText } from '../render/probe-text.js';
import { makeStyle } from '../render/style.js';
import type { ProbeOptions } from './commands/probe.js';
import { oneEnvironment } from './environments.js';
import { type CliIO, wantsColor } from './io.js';

/** Where probe looks when no path is given, as validate does. */
const DEFAULT_PATH = 'connectors';

/** Runs the probe; true when every server answered as declared. Bad input is reported, never thrown past here. */
export async function runProbe(
  paths: string[],
  options: ProbeOptions,
  io: CliIO,
  color: boolean,
): Promise<boolean> {
  const settings = oneEnvironment(
    await loadSettings({
      cwd: io.cwd,
      env: io.env,
      flags: {},
      ...(options.settings ? { file: options.settings } : {}),
    }),
    options.env,
    io.env,
  );
  // an environment's own paths when it is named; otherwise ./connectors, as validate does
  const defaults = settings.environment ? settings.paths : [DEFAULT_PATH];
  const loaded = await loadDesiredState(paths.length > 0 ? paths : defaults, {
    resolve: options.resolve === true,
    cwd: io.cwd,
    env: io.env,
    vars: varsFor(settings),
  });
  if (!loaded.ok) {
    const files = loaded.files ?? [];
    io.stderr.write(
      renderIssuesText(sortIssues([...loaded.issues, ...loaded.warnings], files), {
        color: color && wantsColor(io, 'stderr'),
      }),
    );
    io.stderr.write(renderFailureSummary(loaded.issues, files.length));
    return false;
  }
  const lock = await readToolLock(io.cwd);
  const connectors = loaded.state.connectors.filter(
    (connector) =>
      (!options.scope || matchesAny(connector.name, options.scope)) &&
      !(options.protect && matchesAny(connector.name, options.protect)),
  );
  const results = await probeConnectors(connectors, {
    deadlineMs: parseDuration(options.timeout) ?? 10_000,
    concurrency: options.concurrency,
    sendHeaders: options.resolve === true,
    // with --update-lock the lock is being rewritten: what differs from it is the point, not a failure
    lock: options.updateLock ? null : lock,
    signal: io.signal,
  });
  if (options.updateLock) await writeFile(lockPath(io.cwd), renderLock(updatedLock(lock, results)));
  if (options.output === 'json') {
    io.stdout.write(
      renderProbeJson(results, {
        file: LOCK_FILE,
        present: lock !== null,
        updated: options.updateLock === true,
      }),
    );
  } else {
    io.stdout.write(renderProbeText(results, makeStyle(color && wantsColor(io, 'stdout'))));
    if (options.updateLock) io.stderr.write(`wrote ${LOCK_FILE}: review and commit it\n`);
    else if (lock === null)
      io.stderr.write(
        `no ${LOCK_FILE} here: tools are not checked against a lock (create it with --update-lock)\n`,
      );
  }
  return results.every((result) => result.ok);
}
