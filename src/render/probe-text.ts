/**
 * `connector-sync probe` for people and for programs. Server names, tool names, descriptions and
 * error text come from the MCP servers: every one goes through the terminal sanitizer here.
 */
import type { ConnectorProbe } from '../probe/types.js';
import { forTerminal } from './escape.js';
import type { Style } from './style.js';

const STATUS_TEXT: Record<ConnectorProbe['probe']['status'], string> = {
  ok: 'MCP server',
  'auth-required': 'asks for authorization (OAuth expected)',
  unreachable: 'unreachable',
  timeout: 'timed out',
  'not-mcp': 'not an MCP server',
  'mcp-error': 'MCP error',
};

/** The report as text lines, one block per connector, then a summary line. */
export function renderProbeText(results: readonly ConnectorProbe[], style: Style): string {
  const lines: string[] = [];
  for (const result of results) lines.push(...connectorLines(result, style));
  const failed = results.filter((result) => !result.ok).length;
  lines.push(
    failed === 0
      ? `${results.length} server${results.length === 1 ? '' : 's'} answered as declared`
      : style.remove(
          `${failed} of ${results.length} server${results.length === 1 ? '' : 's'} did not answer as declared`,
        ),
  );
  return `${lines.join('\n')}\n`;
}

function connectorLines(result: ConnectorProbe, style: Style): string[] {
  const { probe } = result;
  const mark = result.ok ? style.add('ok  ') : style.remove('FAIL');
  const lines = [
    `${mark} ${forTerminal(result.connector)} (${forTerminal(result.file)}:${result.line}) ${forTerminal(result.server)}`,
  ];
  let status = STATUS_TEXT[probe.status];
  if (probe.status === 'ok') {
    const name = probe.serverName === null ? 'unnamed' : forTerminal(probe.serverName);
    const version = probe.serverVersion ? ` ${forTerminal(probe.serverVersion)}` : '';
    status += `: ${name}${version}, protocol ${forTerminal(probe.protocolVersion ?? 'unknown')} over ${probe.transport}`;
  }
  if (probe.cause) status += `: ${forTerminal(probe.cause)}`;
  if (probe.resourceMetadata) status += ` (resource metadata ${forTerminal(probe.resourceMetadata)})`;
  lines.push(`     ${status}`);
  if (probe.tools !== null) {
    const names = probe.tools.map((tool) => forTerminal(tool.name)).join(', ');
    lines.push(
      `     ${probe.tools.length} tool${probe.tools.length === 1 ? '' : 's'}${names ? `: ${names}` : ''}`,
    );
  }
  if (result.missingTools.length > 0) {
    lines.push(style.remove(`     missing expect_tools: ${result.missingTools.map(forTerminal).join(', ')}`));
  }
  for (const name of result.drift?.added ?? [])
    lines.push(style.remove(`     tool added since the lock: ${forTerminal(name)}`));
  for (const name of result.drift?.removed ?? [])
    lines.push(style.remove(`     tool removed since the lock: ${forTerminal(name)}`));
  for (const change of result.drift?.changed ?? []) {
    lines.push(
      style.remove(
        `     tool changed since the lock: ${forTerminal(change.name)} (${change.fields.join(', ')})`,
      ),
    );
  }
  for (const warning of result.warnings) lines.push(style.warn(`     warning: ${forTerminal(warning)}`));
  return lines;
}

/** `probe --output json`: version 1, the shape of schemas/probe-output.schema.json. */
export function renderProbeJson(
  results: readonly ConnectorProbe[],
  lock: { file: string; present: boolean; updated: boolean },
): string {
  const report = {
    version: 1,
    ok: results.every((result) => result.ok),
    lock,
    connectors: results.map((result) => ({
      name: result.connector,
      file: result.file,
      line: result.line,
      server: result.server,
      ok: result.ok,
      status: result.probe.status,
      transport: result.probe.transport,
      protocol_version: result.probe.protocolVersion,
      server_name: result.probe.serverName,
      server_version: result.probe.serverVersion,
      cause: result.probe.cause,
      resource_metadata: result.probe.resourceMetadata,
      tools: result.probe.tools?.map((tool) => ({ name: tool.name, description: tool.description })) ?? null,
      missing_tools: result.missingTools,
      drift: result.drift,
      warnings: result.warnings,
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
