/**
 * Opaque list cursors. A cursor is the sort key of the last item a page returned, so the next page
 * starts strictly after it (keyset pagination): inserts and deletes between pages never shift,
 * skip or repeat an item that exists throughout, as offsets would.
 */

/** The listing's sort key: creation time, then id to break ties. */
export interface SortKey {
  createdMs: number;
  id: string;
}

/** Orders two keys (creation time, then id). */
export function compareKeys(a: SortKey, b: SortKey): number {
  if (a.createdMs !== b.createdMs) return a.createdMs < b.createdMs ? -1 : 1;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

/** Encodes a key as an opaque base64url token. */
export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify({ v: 1, t: key.createdMs, id: key.id }), 'utf8').toString('base64url');
}

/** Decodes a token made by encodeCursor; null when it is not one (the caller answers 422). */
export function decodeCursor(token: string): SortKey | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return null;
    const { v, t, id } = value as Record<string, unknown>;
    if (v !== 1 || typeof t !== 'number' || !Number.isFinite(t) || typeof id !== 'string') return null;
    return { createdMs: t, id };
  } catch {
    return null;
  }
}
