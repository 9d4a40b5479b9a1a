import type { Operation } from './types.js';

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
