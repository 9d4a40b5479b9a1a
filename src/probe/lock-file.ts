/** Reading the committed tool lock from the working directory: `probe`, `sync` and the daemon share it. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConnectorSyncError } from '../errors.js';
import { LOCK_FILE, parseLock, type ToolLock } from './lock.js';

/** The lock's path in a working directory. */
export function lockPath(cwd: string): string {
  return join(cwd, LOCK_FILE);
}

/** The committed lock, null when there is none; an unreadable one stops the run (it is what was reviewed). */
export async function readToolLock(cwd: string): Promise<ToolLock | null> {
  let text: string;
  try {
    text = await readFile(lockPath(cwd), 'utf8');
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
