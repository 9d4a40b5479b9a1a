import { mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The name of benchmark connector `index` (0-based). */
export function connectorName(index: number): string {
  return `bench-${String(index + 1).padStart(5, '0')}`;
}

function fileOf(dir: string, index: number): string {
  return join(dir, `${connectorName(index)}.yaml`);
}

function connectorYaml(name: string, description: string, renamedFrom?: string): string {
  return [
    `name: ${name}`,
    ...(renamedFrom ? [`renamed_from: ${renamedFrom}`] : []),
    `description: ${description}`,
    `server: https://mcp.example.com/${name}/mcp`,
    'visibility: shared_workspace',
    'system_prompt: |',
    `  Use ${name} for questions about the benchmark workspace.`,
    '',
  ].join('\n');
}

/** Writes N connector files, one per connector, into a fresh `dir`. */
export function writeDesired(dir: string, count: number): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let index = 0; index < count; index++) {
    const name = connectorName(index);
    writeFileSync(fileOf(dir, index), connectorYaml(name, `Benchmark connector ${name}`));
  }
}

/** What the mixed change does, by connector index. */
export interface Mutation {
  updated: number[];
  renamed: Array<{ index: number; from: string; to: string }>;
  removed: number[];
}

/**
 * Edits the files the way a pull request would: updates 10% (a new description), renames 1%
 * (`renamed_from`) and removes 5% of the files. The three sets are disjoint.
 */
export function mutateDesired(dir: string, count: number): Mutation {
  const mutation: Mutation = { updated: [], renamed: [], removed: [] };
  for (let index = 0; index < count; index++) {
    const name = connectorName(index);
    if (index % 100 === 0) {
      const to = `${name}-renamed`;
      writeFileSync(fileOf(dir, index), connectorYaml(to, `Benchmark connector ${name}`, name));
      mutation.renamed.push({ index, from: name, to });
    } else if (index % 20 === 1) {
      unlinkSync(fileOf(dir, index));
      mutation.removed.push(index);
    } else if (index % 10 === 2) {
      writeFileSync(fileOf(dir, index), connectorYaml(name, `Benchmark connector ${name}, updated`));
      mutation.updated.push(index);
    }
  }
  return mutation;
}

/** The names the remote should hold after the mixed change. */
export function namesAfter(count: number, mutation: Mutation): Set<string> {
  const removed = new Set(mutation.removed);
  const renamed = new Map(mutation.renamed.map((r) => [r.index, r.to]));
  const names = new Set<string>();
  for (let index = 0; index < count; index++) {
    if (!removed.has(index)) names.add(renamed.get(index) ?? connectorName(index));
  }
  return names;
}
