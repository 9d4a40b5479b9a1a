import type { RemoteConnector } from '../api/types.js';
import type { DesiredConnector } from '../config/types.js';
import { earlierTemporaryTarget, temporaryTarget } from './renames.js';
import { isMistralOwned } from './scope.js';

/** The remote connectors by name, and the names that do not name one connector. */
export interface RemoteNames {
  /** The connector of each name; for an ambiguous name, only one of them (never to be used). */
  byName: Map<string, RemoteConnector>;
  /**
   * Names several remote connectors carry (the API forbids it, but an old bug, a migration or an
   * eventually consistent listing can show it): which one a file means is unknown, so none of them
   * is updated, renamed, replaced or deleted.
   */
  ambiguous: Map<string, RemoteConnector[]>;
}

/** Indexes the listing by name in one pass, keeping every connector of a repeated name. */
export function indexRemoteNames(remote: readonly RemoteConnector[]): RemoteNames {
  const byName = new Map<string, RemoteConnector>();
  const ambiguous = new Map<string, RemoteConnector[]>();
  for (const connector of remote) {
    const first = byName.get(connector.name);
    if (first === undefined) byName.set(connector.name, connector);
    else ambiguous.set(connector.name, [...(ambiguous.get(connector.name) ?? [first]), connector]);
  }
  return { byName, ambiguous };
}

/** Connectors an interrupted rename left under a temporary name. */
export interface Leftovers {
  /** By the final name they were going to. Two for one name make it ambiguous. */
  byFinal: Map<string, RemoteConnector[]>;
  /** Temporary names whose final name is no longer declared (or cannot be told). */
  stranded: RemoteConnector[];
  /**
   * Temporary names of the earlier version no declared connector is renamed from: where they were
   * going cannot be told (`from` is the name they left).
   */
  unplaced: Array<{ connector: RemoteConnector; from: string }>;
  /** Every leftover's id: none is ever pruned. */
  ids: Set<string>;
}

/**
 * Finds the connectors left under a temporary name connector-sync gave them (see `temporaryName`).
 * A name the files declare is the files' own, even if it looks temporary.
 */
export function findLeftovers(
  remote: readonly RemoteConnector[],
  declared: ReadonlyMap<string, DesiredConnector>,
): Leftovers {
  const leftovers: Leftovers = { byFinal: new Map(), stranded: [], unplaced: [], ids: new Set() };
  for (const connector of remote) {
    if (declared.has(connector.name) || isMistralOwned(connector)) continue;
    if (placeLeftover(connector, declared, leftovers)) leftovers.ids.add(connector.id);
  }
  return leftovers;
}

/** Files a connector under where its temporary name says it was going; false for any other name. */
function placeLeftover(
  connector: RemoteConnector,
  declared: ReadonlyMap<string, DesiredConnector>,
  leftovers: Leftovers,
): boolean {
  let final = temporaryTarget(connector, declared.keys());
  if (final === undefined) {
    const earlier = earlierTemporaryTarget(connector, declared.values());
    if (earlier === undefined) return false;
    if (earlier.to === null) {
      leftovers.unplaced.push({ connector, from: earlier.from });
      return true;
    }
    final = earlier.to;
  }
  if (final === null || !declared.has(final)) leftovers.stranded.push(connector);
  else leftovers.byFinal.set(final, [...(leftovers.byFinal.get(final) ?? []), connector]);
  return true;
}

/** "a (id1), a (id2)": how a held warning names every connector involved. */
export function describeConnectors(connectors: readonly RemoteConnector[]): string {
  return connectors.map((c) => `${c.name} (${c.id})`).join(', ');
}
