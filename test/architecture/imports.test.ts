/**
 * The layering of DESIGN.md ("Layout"), checked on the import graph of src/: folders form no
 * cycle, only src/cli is the shell (nothing else imports it), the daemon reuses the core and not
 * the CLI, and the pure core reaches no shell, daemon or emulator. Every `import ... from`,
 * `export ... from`, `import type` and `import('...')` counts: a type-only edge still ties the
 * folders' changes together.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');
/** Top-level files of src/ (errors.ts, secret.ts...) are one node of the graph. */
const TOP = '(src)';

interface Edge {
  from: string;
  to: string;
  file: string;
  specifier: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function folderOf(path: string): string {
  const parts = relative(SRC, path).split(/[\\/]/);
  return parts.length > 1 ? parts[0]! : TOP;
}

/** Relative specifiers of a module's static, re-exported, type-only and dynamic imports. */
function importSpecifiers(text: string): string[] {
  const found = [
    ...text.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return found.map((match) => match[1]!).filter((specifier) => specifier.startsWith('.'));
}

/** The edges between different folders of src/. */
function folderEdges(): Edge[] {
  return sourceFiles(SRC).flatMap((file) =>
    importSpecifiers(readFileSync(file, 'utf8'))
      .map((specifier) => ({
        from: folderOf(file),
        to: folderOf(resolve(dirname(file), specifier)),
        file: relative(SRC, file),
        specifier,
      }))
      .filter((edge) => edge.from !== edge.to),
  );
}

/** Every cycle of the folder graph, each once, as `a -> b -> a` with one file per hop. */
function folderCycles(edges: Edge[]): string[] {
  const next = new Map<string, Map<string, Edge>>();
  for (const edge of edges) {
    const targets = next.get(edge.from) ?? new Map<string, Edge>();
    if (!targets.has(edge.to)) targets.set(edge.to, edge);
    next.set(edge.from, targets);
  }
  const cycles = new Set<string>();
  const walk = (path: string[]): void => {
    for (const to of next.get(path.at(-1)!)?.keys() ?? []) {
      const at = path.indexOf(to);
      if (at === 0) cycles.add(describeCycle([...path, to], next));
      else if (at < 0 && to > path[0]!) walk([...path, to]);
    }
  };
  // each cycle is found from its smallest folder name only
  for (const start of [...next.keys()].sort()) walk([start]);
  return [...cycles].sort();
}

function describeCycle(path: string[], next: Map<string, Map<string, Edge>>): string {
  const hops = path.slice(1).map((to, i) => {
    const edge = next.get(path[i]!)!.get(to)!;
    return `${edge.from} -> ${edge.to} (${edge.file} imports ${edge.specifier})`;
  });
  return hops.join('; ');
}

const edges = folderEdges();
const importsOf = (from: (folder: string) => boolean, to: (folder: string) => boolean) =>
  edges.filter((edge) => from(edge.from) && to(edge.to)).map((e) => `${e.file} imports ${e.specifier}`);

describe('the import graph of src/', () => {
  test('is read: the CLI is seen importing the core (the parser is not blind)', () => {
    expect(
      importsOf(
        (f) => f === 'cli',
        (f) => f === 'config',
      ).length,
    ).toBeGreaterThan(0);
    expect(
      importsOf(
        (f) => f === 'reconcile',
        (f) => f === 'api',
      ).length,
    ).toBeGreaterThan(0);
    expect(importSpecifiers("import type { A } from '../a.js';\nconst b = await import('./b.js');")).toEqual([
      '../a.js',
      './b.js',
    ]);
  });

  test('has no cycle between folders', () => {
    expect(folderCycles(edges)).toEqual([]);
  });

  test('nothing outside src/cli imports src/cli (the only place that prints or exits)', () => {
    expect(
      importsOf(
        (f) => f !== 'cli',
        (f) => f === 'cli',
      ),
    ).toEqual([]);
  });

  test('src/daemon imports nothing from src/cli: it uses the core, like the CLI does', () => {
    expect(
      importsOf(
        (f) => f === 'daemon',
        (f) => f === 'cli',
      ),
    ).toEqual([]);
  });

  test('the core (config, api, reconcile, render, probe) reaches no shell, daemon or emulator', () => {
    const core = new Set(['config', 'api', 'reconcile', 'render', 'probe']);
    const outer = new Set(['cli', 'daemon', 'emulator', 'action']);
    expect(
      importsOf(
        (f) => core.has(f),
        (f) => outer.has(f),
      ),
    ).toEqual([]);
  });

  test("the top-level files (errors, secrets, redaction, version) import no folder's module", () => {
    expect(
      importsOf(
        (f) => f === TOP,
        () => true,
      ),
    ).toEqual([]);
  });

  test('the emulator stands alone: only the CLI starts it, and it uses no core module but the shared files', () => {
    expect(
      importsOf(
        (f) => f !== 'cli',
        (f) => f === 'emulator',
      ),
    ).toEqual([]);
    expect(
      importsOf(
        (f) => f === 'emulator',
        (f) => f !== TOP,
      ),
    ).toEqual([]);
  });
});
