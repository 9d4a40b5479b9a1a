import type { ConnectorsApi, RemoteConnector } from '../api/types.js';
import type { DesiredConnector } from '../config/types.js';
import { isConnectorSyncError } from '../errors.js';
import { runPool } from './pool.js';

/** A connector that still needs someone to complete OAuth. */
export interface PendingAuth {
  name: string;
  id: string;
  /** A fresh authorization URL, when asked for. */
  authUrl?: string;
  /** When that URL stops working (ISO time). */
  expiresAt?: string;
  /** Why no URL could be had. */
  error?: string;
}

/** Missing tools of a connector that declares `expect_tools`. */
export interface ToolsCheck {
  name: string;
  status: 'ok' | 'missing' | 'unchecked';
  missing: string[];
  /** For unchecked: why (waiting for auth, the API failed). */
  reason?: string;
}

/**
 * One connection credential of a connector and what the API last found of it (an expired or
 * nearly expired OAuth grant, an unreachable MCP server). Every string here came from the API.
 */
export interface CredentialState {
  connector: string;
  id: string;
  credential: string;
  /** The API's consumer type: user, org, workspace or system. */
  scope: string;
  authentication_type: string;
  is_default: boolean | null;
  /** valid, invalid or error; another word a newer API sent, as it came; `unknown` when the API did not say. */
  status: string;
  error_message: string | null;
  error_http_code: number | null;
  last_checked_at: string | null;
}

/** True when a credential's state needs a person: anything but valid, and known. */
export function needsAttention(state: CredentialState): boolean {
  return state.status !== 'valid' && state.status !== 'unknown';
}

/**
 * The connection credentials of the named connectors, from the remote state after the run (no
 * extra request): the listing carries `connection_credentials` when the API fills it.
 */
export function credentialReport(
  remoteByName: ReadonlyMap<string, RemoteConnector>,
  names: readonly string[],
): CredentialState[] {
  const states: CredentialState[] = [];
  for (const name of [...names].sort()) {
    const remote = remoteByName.get(name);
    for (const credential of remote?.connection_credentials ?? []) {
      const status = credential.status ?? null;
      states.push({
        connector: name,
        id: remote!.id,
        credential: credential.name,
        scope: credential.scope,
        authentication_type: credential.authentication_type,
        is_default: credential.is_default ?? null,
        status: status?.status_type ?? 'unknown',
        error_message: status?.error_message ?? null,
        error_http_code: status?.error_http_code ?? null,
        last_checked_at: status?.last_checked_at ?? null,
      });
    }
  }
  return states;
}

/** True when a connector uses OAuth and nobody has completed it yet. */
export function needsAuth(connector: RemoteConnector): boolean {
  return connector.is_authenticated === false;
}

/**
 * The named connectors that still need interactive auth, from the remote state after the run (no
 * extra listing). With `withUrls`, a fresh auth URL and its expiry for each.
 */
export async function authReport(
  remoteByName: ReadonlyMap<string, RemoteConnector>,
  names: readonly string[],
  api: ConnectorsApi,
  options: { withUrls: boolean; appReturnUrl?: string; now: () => Date; concurrency: number },
): Promise<PendingAuth[]> {
  const pending = names
    .map((name) => remoteByName.get(name))
    .filter((r): r is RemoteConnector => r !== undefined && needsAuth(r))
    .map((r): PendingAuth => ({ name: r.name, id: r.id }));
  if (!options.withUrls) return pending;
  await runPool(pending, options.concurrency, async (entry) => {
    try {
      const url = await api.getAuthUrl(
        entry.id,
        options.appReturnUrl ? { appReturnUrl: options.appReturnUrl } : {},
      );
      entry.authUrl = url.authUrl;
      entry.expiresAt = new Date(options.now().getTime() + url.ttlSeconds * 1000).toISOString();
    } catch (error) {
      entry.error = isConnectorSyncError(error) ? error.message : String(error);
    }
  });
  return pending;
}

/** Lists the tools of each connector that declares `expect_tools` and reports the missing ones. */
export async function toolsReport(
  remoteByName: ReadonlyMap<string, RemoteConnector>,
  desired: readonly DesiredConnector[],
  api: ConnectorsApi,
  options: { concurrency: number },
): Promise<ToolsCheck[]> {
  const checks: ToolsCheck[] = [];
  const expecting = desired.filter((d) => d.expect_tools.length > 0);
  await runPool(expecting, options.concurrency, async (connector) => {
    checks.push(await checkTools(connector, remoteByName.get(connector.name), api));
  });
  return checks.sort((a, b) => (a.name < b.name ? -1 : 1));
}

async function checkTools(
  connector: DesiredConnector,
  remote: RemoteConnector | undefined,
  api: ConnectorsApi,
): Promise<ToolsCheck> {
  const base = { name: connector.name, missing: [] as string[] };
  if (!remote) return { ...base, status: 'unchecked', reason: 'the connector does not exist' };
  if (needsAuth(remote)) return { ...base, status: 'unchecked', reason: 'waiting for auth' };
  try {
    // refresh: the API otherwise answers from the tools it discovered earlier, so a server that
    // gained (or lost) tools since would be reported against its old list
    const tools = await api.listTools(remote.id, { refresh: true });
    const present = new Set(tools.map((tool) => tool.name));
    const missing = connector.expect_tools.filter((tool) => !present.has(tool));
    return { ...base, status: missing.length > 0 ? 'missing' : 'ok', missing };
  } catch (error) {
    return {
      ...base,
      status: 'unchecked',
      reason: isConnectorSyncError(error) ? error.message : String(error),
    };
  }
}
