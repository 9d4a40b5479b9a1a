/**
 * Probes every declared connector's server (a bounded number at a time) and judges each answer
 * against the connector's file (`expect_tools`, declared auth) and the tool lock.
 */
import type { DesiredConnector } from '../config/types.js';
import { runPool } from '../pool.js';
import { SecretSet } from '../redact.js';
import { type ProbeServerOptions, probeServer } from './connect.js';
import { toolDigest } from './digest.js';
import { compareTools, isNoDrift, type ToolLock } from './lock.js';
import type { ConnectorProbe, ServerProbe, ToolDigest } from './types.js';

/** How to run the probes. */
export interface ProbeRunOptions {
  deadlineMs: number;
  concurrency: number;
  /** Send the connectors' headers (only when their references were resolved, i.e. --resolve). */
  sendHeaders: boolean;
  /** The committed lock, or null when there is none. */
  lock: ToolLock | null;
  signal?: AbortSignal;
  /** Injected in tests; the real one speaks MCP. */
  probe?: (server: string, options: ProbeServerOptions) => Promise<ServerProbe>;
}

/** Probes each connector; results in the connectors' order. */
export async function probeConnectors(
  connectors: readonly DesiredConnector[],
  options: ProbeRunOptions,
): Promise<ConnectorProbe[]> {
  const probe = options.probe ?? probeServer;
  const results = new Map<DesiredConnector, ConnectorProbe>();
  await runPool(connectors, options.concurrency, async (connector) => {
    const headers = options.sendHeaders && connector.secretsResolved ? revealed(connector) : {};
    const found = await probe(connector.server, {
      headers,
      deadlineMs: options.deadlineMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    results.set(connector, judge(connector, redacted(found, Object.values(headers)), options.lock));
  });
  return connectors.map((connector) => results.get(connector) as ConnectorProbe);
}

/** The current tools of a probe as digests, by name. */
export function digestsOf(probe: ServerProbe): Map<string, ToolDigest> {
  return new Map((probe.tools ?? []).map((tool) => [tool.name, toolDigest(tool)]));
}

/** The lock after `--update-lock`: listed connectors replaced, the others kept as they were. */
export function updatedLock(previous: ToolLock | null, results: readonly ConnectorProbe[]): ToolLock {
  const next: ToolLock = new Map(previous ?? []);
  for (const result of results) {
    if (result.probe.tools !== null) next.set(result.connector, digestsOf(result.probe));
  }
  return next;
}

function judge(connector: DesiredConnector, probe: ServerProbe, lock: ToolLock | null): ConnectorProbe {
  const warnings: string[] = [];
  if (probe.status === 'auth-required' && connector.auth_data === null) {
    warnings.push('the server asks for OAuth but the connector declares no auth_data');
  }
  const listed = probe.tools === null ? null : new Set(probe.tools.map((tool) => tool.name));
  const missingTools = listed === null ? [] : connector.expect_tools.filter((name) => !listed.has(name));
  if (listed === null && connector.expect_tools.length > 0 && probe.status === 'auth-required') {
    warnings.push('expect_tools not checked: the tools cannot be listed without authorization');
  }
  const locked = lock?.get(connector.name);
  // a connector missing from an existing lock has every tool unreviewed: each one is "added"
  const drift =
    lock !== null && probe.tools !== null ? compareTools(locked ?? new Map(), digestsOf(probe)) : null;
  if (lock !== null && !locked && probe.tools !== null && probe.tools.length > 0) {
    warnings.push('not in the tool lock; run `connector-sync probe --update-lock` and commit it');
  }
  const answered = probe.status === 'ok' || probe.status === 'auth-required';
  const ok = answered && missingTools.length === 0 && (drift === null || isNoDrift(drift));
  return {
    connector: connector.name,
    file: connector.source.file,
    line: connector.source.line,
    server: connector.server,
    probe,
    missingTools,
    drift,
    warnings,
    ok,
  };
}

function revealed(connector: DesiredConnector): Record<string, string> {
  return Object.fromEntries(
    Object.entries(connector.headers ?? {}).map(([name, value]) => [name, value.reveal()]),
  );
}

/** A server may echo the headers it was sent into its error text or tool descriptions: none survives. */
function redacted(probe: ServerProbe, secrets: readonly string[]): ServerProbe {
  if (secrets.length === 0) return probe;
  const set = new SecretSet(secrets);
  const text = (value: string | null) => (value === null ? null : set.redact(value));
  return {
    ...probe,
    cause: text(probe.cause),
    serverName: text(probe.serverName),
    serverVersion: text(probe.serverVersion),
    tools:
      probe.tools?.map((tool) => ({
        ...tool,
        name: set.redact(tool.name),
        description: set.redact(tool.description),
      })) ?? null,
  };
}
