import { createHash } from 'node:crypto';
import type { RemoteConnector } from '../api/types.js';
import type { DesiredConnector } from '../config/types.js';
import type { Operation } from './types.js';

/**
 * Whether the rename a desired connector declares (`renamed_from`) is still to do. `renamed_from`
 * stays in the file after the rename is applied, so the planner must see that it is done: it is
 * once the old name belongs to the connector the desired state declares under that name (after
 * a chain a->b, b->c, the name b is b's own again). In a cycle (a swap) both names exist before
 * and after, so the contents decide: rename only when the connectors match the desired ones better
 * after the rotation than where they are (identical contents stay put). Without this, a swap
 * left in the files swaps the two connectors back and forth on every run.
 */
export function renameIsPending(
  connector: DesiredConnector,
  desiredByName: ReadonlyMap<string, DesiredConnector>,
  remoteByName: ReadonlyMap<string, RemoteConnector>,
  distance: (desired: DesiredConnector, remote: RemoteConnector) => number,
): boolean {
  const path: DesiredConnector[] = [];
  let current: DesiredConnector | undefined = connector;
  while (current) {
    const oldName = current.renamed_from;
    if (oldName === null || !remoteByName.has(oldName)) return false;
    const cycleStart = path.indexOf(current);
    if (cycleStart >= 0) return cycleRotates(path.slice(cycleStart), remoteByName, distance);
    path.push(current);
    // the connector declared under the old name: its own rename decides whether the name is free
    current = desiredByName.get(oldName);
  }
  // the old name is not declared: the remote connector of that name is the one to rename
  return true;
}

/** True when every member of a rename cycle is closer to the remote connector it would be renamed from. */
function cycleRotates(
  cycle: readonly DesiredConnector[],
  remoteByName: ReadonlyMap<string, RemoteConnector>,
  distance: (desired: DesiredConnector, remote: RemoteConnector) => number,
): boolean {
  let rotate = 0;
  let stay = 0;
  for (const member of cycle) {
    // every name in a cycle exists remotely: each is another member's renamed_from
    rotate += distance(member, remoteByName.get(member.renamed_from!)!);
    stay += distance(member, remoteByName.get(member.name)!);
  }
  return rotate < stay;
}

/**
 * Orders renames so that each target name is free when its PATCH runs: a chain (A->B, B->C) runs
 * B->C first; a cycle (a swap A<->B) is broken by moving one connector to a temporary name first
 * and to its final name last. Names are unique in a workspace, so a rename into a name still held
 * would fail with a conflict.
 */
export function orderRenames(renames: readonly Operation[]): Operation[] {
  const pending = new Map<string, Operation>();
  for (const op of renames) pending.set(op.renamed_from!, op);
  const ordered: Operation[] = [];
  while (pending.size > 0) {
    const ready = [...pending.values()].find((op) => !pending.has(op.name));
    if (ready) {
      ordered.push(ready);
      pending.delete(ready.renamed_from!);
      continue;
    }
    const [from, blocked] = pending.entries().next().value as [string, Operation];
    const temporaryName = temporaryNameFor(blocked);
    ordered.push(temporaryRename(blocked, temporaryName));
    pending.delete(from);
    pending.set(temporaryName, withStart(blocked, temporaryName));
  }
  return ordered;
}

/** A cycle is broken through the temporary name of the connector that moves out of the way. */
function temporaryNameFor(op: Operation): string {
  return temporaryName(op.remote!.id, op.name);
}

const TEMPORARY_MARK = '-renaming-';
const TAG_LENGTH = 16;
/** What a temporary name keeps of the final name, so it stays within the API's 64 characters. */
const KEPT_PREFIX = 64 - TEMPORARY_MARK.length - TAG_LENGTH;
const TEMPORARY_PATTERN = new RegExp(`^(.+)${TEMPORARY_MARK}([0-9a-f]{${TAG_LENGTH}})$`);

/**
 * `<final name>-renaming-<tag>`, the tag a digest of the connector's id and its full final name. A
 * rename cut short (a 503, a crash) can leave a connector under it; a later run, whatever its files
 * say by then, recognises it (the tag only matches for that very connector, so no name a person
 * chose passes by accident) and knows where it was going.
 */
export function temporaryName(id: string, finalName: string): string {
  return `${finalName.slice(0, KEPT_PREFIX)}${TEMPORARY_MARK}${temporaryTag(id, finalName)}`;
}

/**
 * Where a connector under a temporary name connector-sync gave it was going: its final name, or
 * null when the name was cut to fit and no declared name completes it (still a temporary name:
 * never pruned). Undefined for any other name. `declared` finds a cut final name among the
 * declared ones.
 */
export function temporaryTarget(
  remote: Pick<RemoteConnector, 'id' | 'name'>,
  declared: Iterable<string>,
): string | null | undefined {
  if (!remote.name.includes(TEMPORARY_MARK)) return undefined;
  const match = TEMPORARY_PATTERN.exec(remote.name);
  if (!match) return undefined;
  const [, prefix, tag] = match as unknown as [string, string, string];
  if (temporaryTag(remote.id, prefix) === tag) return prefix;
  if (prefix.length !== KEPT_PREFIX) return undefined;
  for (const name of declared) {
    if (name.length > KEPT_PREFIX && name.startsWith(prefix) && temporaryTag(remote.id, name) === tag)
      return name;
  }
  return null;
}

/** What the earlier version kept of the name a connector left, and of its id. */
const EARLIER_KEPT_NAME = 40;
const EARLIER_PATTERN = new RegExp(`^(.+)${TEMPORARY_MARK}([A-Za-z0-9]{1,12})$`);

/**
 * Where a connector left under a temporary name of the earlier version was going, and the name it
 * left: that version wrote `<renamed_from, cut to 40>-renaming-<its id's first 12 letters and
 * digits>`, the name of where it came from, not of where it was going. It was on its way to the
 * connector that declares `renamed_from` that name (not back to that name: that would undo half a
 * swap), so `to` is that declared connector's name, or null when none (or several) does. Undefined
 * for any other name, including the same shape with another connector's id.
 */
export function earlierTemporaryTarget(
  remote: Pick<RemoteConnector, 'id' | 'name'>,
  desired: Iterable<Pick<DesiredConnector, 'name' | 'renamed_from'>>,
): { from: string; to: string | null } | undefined {
  if (!remote.name.includes(TEMPORARY_MARK)) return undefined;
  const match = EARLIER_PATTERN.exec(remote.name);
  if (!match || match[2] !== remote.id.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)) return undefined;
  const from = match[1]!;
  const going: string[] = [];
  for (const d of desired) if (d.renamed_from?.slice(0, EARLIER_KEPT_NAME) === from) going.push(d.name);
  return { from, to: going.length === 1 ? going[0]! : null };
}

function temporaryTag(id: string, finalName: string): string {
  return createHash('sha256')
    .update(`connector-sync temporary name\0${id}\0${finalName}`)
    .digest('hex')
    .slice(0, TAG_LENGTH);
}

/** The first half of a cycle-breaking rename: move out of the way, nothing else. */
function temporaryRename(op: Operation, temporaryName: string): Operation {
  return {
    ...op,
    name: temporaryName,
    changes: [{ field: 'name', before: op.renamed_from, after: temporaryName }],
    secrets: null,
    visibility: null,
    temporary: true,
  };
}

/** The second half: from the temporary name to the final one, with every other change. */
function withStart(op: Operation, temporaryName: string): Operation {
  const changes = op.changes.map((change) =>
    change.field === 'name' ? { ...change, before: temporaryName } : change,
  );
  return { ...op, renamed_from: temporaryName, changes };
}
