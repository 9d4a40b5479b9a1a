/** The shell of `connector-sync probe`: load, read the lock, probe, print, write the lock when asked. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDuration } from '../config/duration.js';
import { sortIssues } from '../config/issues.js';
import { loadDesiredState } from '../config/load.js';
import { ConnectorSyncError } from '../errors.js';
import { LOCK_FILE, parseLock, renderLock, type ToolLock } from '../probe/lock.js';
import { probeConnectors, updatedLock } from '../probe/run.js';
import { matchesAny } from '../reconcile/scope.js';
import { renderFailureSummary, renderIssuesText } from '../render/diagnostics.js';
import { renderProbeJson, renderProbeText } from '../render/probe-text.js';
import { makeStyle } from '../render/style.js';
import type { ProbeOptions } from './commands/probe.js';
import { type CliIO, wantsColor } from './io.js';

/** Runs the probe; true when every server answered as declared. Bad input is reported, never thrown past here. */
export async function runProbe(
  paths: string[],
  options: ProbeOptions,
  io: CliIO,
  color: boolean,
): Promise<boolean> {
  const loaded = await loadDesiredState(paths, {
    resolve: options.resolve === true,
    cwd: io.cwd,
    env: io.env,
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
  const lockPath = join(io.cwd, LOCK_FILE);
  const lock = await readLock(lockPath);
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
  if (options.updateLock) await writeFile(lockPath, renderLock(updatedLock(lock, results)));
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

/** The committed lock, null when there is none; an unreadable one stops the run (it is what was reviewed). */
async function readLock(path: string): Promise<ToolLock | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConnectorSyncError('LOCK_INVALID', `cannot read ${LOCK_FILE}: ${(error as Error).message}`, {
      hint: 'fix its permissions, or delete it and run `connector-sync probe --update-lock`',
    });
  }
  const parsed = parseLock(text);
  if (!parsed.ok) {
    throw new ConnectorSyncError('LOCK_INVALID', `${LOCK_FILE} is not a tool lock: ${parsed.problem}`, {
      hint: 'restore it from git, or run `connector-sync probe --update-lock` and review the result',
    });
  }
  return parsed.lock;
}
