import { createRequire } from 'node:module';
import type { structuredPatch as StructuredPatch } from 'diff';
import { forTerminal } from './escape.js';

/** A field value for a terminal: quoted when it has spaces, "(empty)" for null, long text truncated, controls escaped. */
export function showValue(value: string | null, limit = 120): string {
  if (value === null) return '(empty)';
  const oneLine = value.includes('\n') ? `${value.split('\n')[0]} …` : value;
  const short = oneLine.length > limit ? `${oneLine.slice(0, limit - 1)}…` : oneLine;
  return forTerminal(/[\s"']/.test(short) ? JSON.stringify(short) : short);
}

/** True when a change reads better as a unified diff than as before -> after. */
export function isLongText(before: string | null, after: string | null): boolean {
  const long = (value: string | null) => value !== null && (value.includes('\n') || value.length > 80);
  return long(before) || long(after);
}

/** A unified diff of two texts: its hunks only (the field is named by the line above it). */
export function textDiff(field: string, before: string | null, after: string | null): string[] {
  const patch = diffLibrary().structuredPatch(field, field, `${before ?? ''}\n`, `${after ?? ''}\n`, '', '', {
    context: 2,
  });
  return patch.hunks.flatMap((hunk) => [
    `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`,
    ...hunk.lines.filter((line) => !line.startsWith('\\')),
  ]);
}

const require = createRequire(import.meta.url);
let loaded: { structuredPatch: typeof StructuredPatch } | undefined;

/** The diff library's one module we use, loaded by the first long-text change shown: most runs show none. */
function diffLibrary(): { structuredPatch: typeof StructuredPatch } {
  loaded ??= require('diff/lib/patch/create.js') as { structuredPatch: typeof StructuredPatch };
  return loaded;
}
