import type { ConnectorsApi, RemoteConnector } from '../api/types.js';
import type { DesiredConnector } from '../config/types.js';
import { runPool } from '../pool.js';
import { CONSUMER_SCOPES, type ScopedCredentials } from './consumers.js';

/**
 * Reads, before planning, the credentials the API lists in every consumer scope of each existing
 * connector that declares `credentials` (by its UUID: a rename's connector still has its old name).
 * Connectors that declare none cost nothing; the listing itself never carries them reliably.
 */
export async function readDeclaredCredentials(
  desired: readonly DesiredConnector[],
  remote: readonly RemoteConnector[],
  api: ConnectorsApi,
  concurrency: number,
): Promise<Map<string, ScopedCredentials>> {
  const found = new Map<string, ScopedCredentials>();
  const declaring = desired.filter((d) => d.credentials !== null);
  if (declaring.length === 0) return found;
  const byName = new Map(remote.map((r) => [r.name, r]));
  const ids = new Set<string>();
  for (const connector of declaring) {
    const existing =
      byName.get(connector.name) ??
      (connector.renamed_from === null ? undefined : byName.get(connector.renamed_from));
    if (existing && !existing.mistral) ids.add(existing.id);
  }
  const reads = [...ids].flatMap((id) => CONSUMER_SCOPES.map((scope) => ({ id, scope })));
  await runPool(reads, concurrency, async ({ id, scope }) => {
    const lists = found.get(id) ?? { user: [], workspace: [], organization: [] };
    found.set(id, lists);
    lists[scope] = await api.listCredentials(id, scope);
  });
  return found;
}
