import type { RemoteConnector } from '../api/types.js';
import type { DesiredConnector } from '../config/types.js';
import type { ManagedField } from './types.js';

/**
 * Normalizes a managed field the way the API does, so that a value the API stores differently
 * from how the file spells it is never reported as a change (no perpetual diffs):
 * - null, absent and "" are the same ("empty"),
 * - trailing white space is dropped (YAML block scalars `|` end with a newline; an API that trims
 *   would otherwise differ forever),
 * - URLs compare in WHATWG form (case of scheme and host, default ports, an empty path).
 */
export function normalizeField(field: ManagedField, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trimEnd();
  if (trimmed === '') return null;
  if (field === 'server' || field === 'icon_url') return normalizeUrl(trimmed);
  return trimmed;
}

/** A URL in canonical form, or the input unchanged when it does not parse. */
export function normalizeUrl(value: string): string {
  try {
    return new URL(value.trim()).href;
  } catch {
    return value;
  }
}

/** The desired value of a managed field, normalized. */
export function desiredValue(connector: DesiredConnector, field: ManagedField): string | null {
  return normalizeField(field, connector[field]);
}

/** The remote value of a managed field, normalized. */
export function remoteValue(connector: RemoteConnector, field: ManagedField): string | null {
  const raw = connector[field];
  return normalizeField(field, typeof raw === 'string' ? raw : null);
}
