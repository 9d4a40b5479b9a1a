import { matchesGlob } from 'node:path';
import type { RemoteConnector } from '../api/types.js';

/** Name patterns that decide what connector-sync may touch. */
export interface Scope {
  /** Globs of names that are managed; empty or ["*"] means all. */
  include: string[];
  /** Globs of names that are never touched, even when included. */
  protect: string[];
}

/** True for Mistral's own built-in connectors, which are never managed. */
export function isMistralOwned(connector: RemoteConnector): boolean {
  return (
    connector.mistral === true ||
    connector.visibility === 'shared_global' ||
    connector.owner_type === 'system'
  );
}

/** True when a name matches any of the globs. */
export function matchesAny(name: string, globs: readonly string[]): boolean {
  return globs.some((glob) => glob === '*' || glob === name || matchesGlob(name, glob));
}

/** True when connector-sync may create, change or delete a connector of this name. */
export function inScope(name: string, scope: Scope): boolean {
  const included = scope.include.length === 0 || matchesAny(name, scope.include);
  return included && !matchesAny(name, scope.protect);
}
