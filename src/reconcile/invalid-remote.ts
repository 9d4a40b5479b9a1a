import type { InvalidRemoteItem } from '../api/types.js';
import { inScope, type Scope } from './scope.js';

/**
 * Listed connectors that break the API's own schema (see src/api/shapes.ts). Nothing follows from
 * them: a desired connector of the same name is left alone, and prune is refused while any of
 * them could be in scope, since what the listing could not read might be what a delete assumes
 * is gone (a rename's target, for one).
 */

/** The invalid items that could be connector-sync's to manage: in scope, or of a name that cannot be read. */
export function invalidInScope(items: readonly InvalidRemoteItem[], scope: Scope): InvalidRemoteItem[] {
  return items.filter((item) => item.name === null || inScope(item.name, scope));
}

/** The invalid item a desired connector (by its name or the name it is renamed from) would act on. */
export function invalidItemFor(
  items: readonly InvalidRemoteItem[],
  names: readonly (string | null)[],
): InvalidRemoteItem | undefined {
  return items.find((item) => item.name !== null && names.includes(item.name));
}

/** `connector "docs" (id 6f1e...): "visibility" is missing`, safe to print anywhere. */
export function describeInvalid(item: InvalidRemoteItem): string {
  const who = item.name === null ? 'a connector with no readable name' : `connector ${quoted(item.name)}`;
  const id = item.id === null ? '' : ` (id ${quoted(item.id)})`;
  return `${who}${id}: "${item.field}" ${item.problem}`;
}

/** Names of several invalid items, at most five then a count. */
export function describeInvalidList(items: readonly InvalidRemoteItem[]): string {
  const shown = items.slice(0, 5).map(describeInvalid).join('; ');
  return items.length > 5 ? `${shown}; and ${items.length - 5} more` : shown;
}

/**
 * Remote text as one short quoted line: control, bidi-override and line-separator characters
 * become "?", so a name the API should never have served cannot steer a terminal or break a line.
 */
export function quoted(value: string, max = 80): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '?');
  return `"${clean.length > max ? `${clean.slice(0, max - 1)}…` : clean}"`;
}
