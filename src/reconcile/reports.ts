import type { ConnectorsApi, RemoteConnector, RemoteTool } from '../api/types.js';
import type { DesiredConnector } from '../config/types.js';
import { isConnectorSyncError } from '../errors.js';
import { runPool } from '../pool.js';
import { API_DIGESTED_FIELDS, apiToolDigest } from '../probe/digest.js';
import { compareTools, isNoDrift, type ToolLock } from '../probe/lock.js';
import type { ToolDigest, ToolDrift } from '../probe/types.js';

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

/**
 * What a declared connector's tools look like next to `connector-sync.lock.yaml`, from the API's
 * refreshed tool list. Every tool name here came from a remote MCP server: escape before showing.
 */
export interface ToolDriftCheck {
  name: string;
  status: 'ok' | 'drift' | 'unchecked';
  added: string[];
  removed: string[];
  /** Which digested parts changed; only the ones the API shows (API_DIGESTED_FIELDS). */
  changed: ToolDrift['changed'];
  /** For unchecked: why (not created yet, waiting for auth, the API failed). */
  reason?: string;
}

/** Both tool checks of a run, from one tool listing per connector. */
export interface ToolsReport {
  tools: ToolsCheck[];
  drift: ToolDriftCheck[];
}

/**
 * Lists the tools of each connector that declares `expect_tools` (with `expected`) or is in the
 * tool lock, once each and `concurrency` at a time, and reports missing tools and drift from the lock.
 */
export async function toolsReport(
  remoteByName: ReadonlyMap<string, RemoteConnector>,
  desired: readonly DesiredConnector[],
  api: ConnectorsApi,
  options: { concurrency: number; expected: boolean; lock: ToolLock | null },
): Promise<ToolsReport> {
  const { lock } = options;
  const expects = (d: DesiredConnector) => options.expected && d.expect_tools.length > 0;
  const listed = desired.filter((d) => expects(d) || lock?.has(d.name));
  const report: ToolsReport = { tools: [], drift: [] };
  await runPool(listed, options.concurrency, async (connector) => {
    const tools = await listRemoteTools(remoteByName.get(connector.name), api);
    if (expects(connector)) report.tools.push(checkExpected(connector, tools));
    const locked = lock?.get(connector.name);
    if (locked) report.drift.push(checkDrift(connector.name, locked, tools));
  });
  report.tools.sort(byName);
  report.drift.sort(byName);
  return report;
}

/** The connector's tools from the API, or why they could not be listed. */
async function listRemoteTools(
  remote: RemoteConnector | undefined,
  api: ConnectorsApi,
): Promise<RemoteTool[] | { reason: string }> {
  if (!remote) return { reason: 'the connector does not exist' };
  if (needsAuth(remote)) return { reason: 'waiting for auth' };
  try {
    // refresh: the API otherwise answers from the tools it discovered earlier, so a server that
    // gained (or lost) tools since would be reported against its old list
    return await api.listTools(remote.id, { refresh: true });
  } catch (error) {
    return { reason: isConnectorSyncError(error) ? error.message : String(error) };
  }
}

function checkExpected(connector: DesiredConnector, tools: RemoteTool[] | { reason: string }): ToolsCheck {
  const base = { name: connector.name, missing: [] as string[] };
  if (!Array.isArray(tools)) return { ...base, status: 'unchecked', reason: tools.reason };
  const present = new Set(tools.map((tool) => tool.name));
  const missing = connector.expect_tools.filter((tool) => !present.has(tool));
  return { ...base, status: missing.length > 0 ? 'missing' : 'ok', missing };
}

function checkDrift(
  name: string,
  locked: ReadonlyMap<string, ToolDigest>,
  tools: RemoteTool[] | { reason: string },
): ToolDriftCheck {
  if (!Array.isArray(tools))
    return { name, status: 'unchecked', added: [], removed: [], changed: [], reason: tools.reason };
  const current = new Map(tools.map((tool) => [tool.name, apiToolDigest(tool)]));
  const drift = compareTools(locked, current, API_DIGESTED_FIELDS);
  return { name, status: isNoDrift(drift) ? 'ok' : 'drift', ...drift };
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
