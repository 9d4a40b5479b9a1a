/** How drift from the tool lock reads, the same in `probe`, `sync` and the daemon. */
import type { ToolDrift } from '../probe/types.js';

/**
 * One phrase per drifted tool, with the tool name passed through `quote` (tool names come from
 * a remote MCP server): "tool changed since the lock: search (description)".
 */
export function toolDriftPhrases(drift: ToolDrift, quote: (text: string) => string): string[] {
  return [
    ...drift.added.map((name) => `tool added since the lock: ${quote(name)}`),
    ...drift.removed.map((name) => `tool removed since the lock: ${quote(name)}`),
    ...drift.changed.map(
      (change) => `tool changed since the lock: ${quote(change.name)} (${change.fields.join(', ')})`,
    ),
  ];
}
