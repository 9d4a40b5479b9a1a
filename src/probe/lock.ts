/**
 * The tool lock, `connector-sync.lock.yaml`: per connector, per tool, the digests of what was
 * reviewed. It is committed, so it is written sorted and stable (same tools, same bytes) and read
 * as untrusted input (a pull request can write anything into it).
 */
import { yaml } from '../yaml.js';
import type { ToolDigest, ToolDrift } from './types.js';

const { parse, stringify } = yaml;

/** The file's name, in the working directory beside `.connector-sync.yaml`. */
export const LOCK_FILE = 'connector-sync.lock.yaml';

/** Connector name → tool name → digests. */
export type ToolLock = Map<string, Map<string, ToolDigest>>;

const HEADER =
  '# connector-sync tool lock: the MCP tools reviewed per connector (written by `connector-sync probe --update-lock`).\n' +
  '# Each digest is sha256 of the canonical JSON of that part of the tool. Review changes to this file like code.\n';

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const FIELDS = ['description', 'input_schema', 'annotations'] as const;

/** Parses the lock's text; returns the problem as a string rather than throwing. */
export function parseLock(text: string): { ok: true; lock: ToolLock } | { ok: false; problem: string } {
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    return {
      ok: false,
      problem: `not valid YAML (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  const root = data as { version?: unknown; connectors?: unknown } | null;
  if (!isRecord(root) || root.version !== 1 || !isRecord(root.connectors)) {
    return { ok: false, problem: 'expected `version: 1` and a `connectors:` mapping' };
  }
  const lock: ToolLock = new Map();
  for (const [connector, entry] of Object.entries(root.connectors)) {
    const tools = isRecord(entry) ? entry.tools : undefined;
    if (!isRecord(tools))
      return { ok: false, problem: `connectors.${connector}: expected a \`tools:\` mapping` };
    const digests = new Map<string, ToolDigest>();
    for (const [tool, digest] of Object.entries(tools)) {
      if (!isRecord(digest) || !FIELDS.every((field) => DIGEST.test(String(digest[field])))) {
        return {
          ok: false,
          problem: `connectors.${connector}.tools.${tool}: expected three sha256: digests`,
        };
      }
      digests.set(tool, {
        description: digest.description,
        input_schema: digest.input_schema,
        annotations: digest.annotations,
      } as ToolDigest);
    }
    lock.set(connector, digests);
  }
  return { ok: true, lock };
}

/** The lock as committed text: connectors and tools sorted by name, fields in a fixed order. */
export function renderLock(lock: ToolLock): string {
  const connectors: Record<string, { tools: Record<string, ToolDigest> }> = {};
  for (const connector of [...lock.keys()].sort(byCodePoint)) {
    const tools: Record<string, ToolDigest> = {};
    const digests = lock.get(connector) ?? new Map<string, ToolDigest>();
    for (const tool of [...digests.keys()].sort(byCodePoint)) {
      const digest = digests.get(tool) as ToolDigest;
      tools[tool] = {
        description: digest.description,
        input_schema: digest.input_schema,
        annotations: digest.annotations,
      };
    }
    connectors[connector] = { tools };
  }
  return HEADER + stringify({ version: 1, connectors }, { lineWidth: 0 });
}

/**
 * What changed from the locked tools to the current ones. `fields` limits the comparison to the
 * parts the source can see (the Connectors API shows no annotations).
 */
export function compareTools(
  locked: ReadonlyMap<string, ToolDigest>,
  current: ReadonlyMap<string, ToolDigest>,
  fields: ReadonlyArray<keyof ToolDigest> = FIELDS,
): ToolDrift {
  const added = [...current.keys()].filter((name) => !locked.has(name)).sort(byCodePoint);
  const removed = [...locked.keys()].filter((name) => !current.has(name)).sort(byCodePoint);
  const changed: ToolDrift['changed'] = [];
  for (const name of [...current.keys()].sort(byCodePoint)) {
    const before = locked.get(name);
    const after = current.get(name) as ToolDigest;
    if (!before) continue;
    const differing = fields.filter((field) => before[field] !== after[field]);
    if (differing.length > 0) changed.push({ name, fields: differing });
  }
  return { added, removed, changed };
}

/** True when a drift names no tool. */
export function isNoDrift(drift: ToolDrift): boolean {
  return drift.added.length === 0 && drift.removed.length === 0 && drift.changed.length === 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
