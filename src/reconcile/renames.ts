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

/** A name no desired connector uses, short enough for the 64-character limit. */
function temporaryNameFor(op: Operation): string {
  const id = (op.remote?.id ?? '').replace(/[^A-Za-z0-9]/g, '').slice(0, 12);
  return `${op.renamed_from!.slice(0, 40)}-renaming-${id}`;
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
