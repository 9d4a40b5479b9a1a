import type { RemoteConnector } from '../api/types.js';
import type { DesiredConnector } from '../config/types.js';
import { SECRET_VALUE } from './auth-methods.js';
import { canonical, fingerprintGroups } from './fingerprint.js';
import { desiredValue, remoteValue } from './normalize.js';
import { inScope, isMistralOwned, type Scope } from './scope.js';
import { MANAGED_FIELDS, type SecretGroup } from './types.js';

/** One environment as `diff` sees it: what its files declare and, unless offline, what its workspace lists. */
export interface EnvironmentSide {
  name: string;
  /** Its desired connectors, `${var:...}` already substituted. */
  desired: readonly DesiredConnector[];
  /** Its workspace's listing; absent when the workspace was not read (offline). */
  remote?: readonly RemoteConnector[];
  /** The names it manages: remote connectors outside it are not compared. */
  scope: Scope;
  /** Its `vars`: a difference that only these values explain is expected. */
  vars: Readonly<Record<string, string>>;
}

/** How a connector of one name compares across the two environments. */
export type ConnectorStatus = 'only-a' | 'only-b' | 'same' | 'differs';

/**
 * One field that differs. Secret values show as `(secret)` whatever they are: they are compared by
 * keyed fingerprint. `vars` names the variables that explain the difference: it is expected.
 */
export interface FieldDifference {
  field: string;
  a: string | null;
  b: string | null;
  vars?: string[];
}

/** One connector name across the two environments. */
export interface ConnectorComparison {
  name: string;
  status: ConnectorStatus;
  /** The differing fields (empty unless `differs`). */
  fields: FieldDifference[];
  /** True when every differing field is explained by vars. */
  expected: boolean;
}

/** The two environments compared as declared (files) and as they are (workspaces). */
export interface EnvironmentComparison {
  a: string;
  b: string;
  declared: ConnectorComparison[];
  /** Null when either workspace was not read (offline). */
  remote: ConnectorComparison[] | null;
}

/** Compares two environments; pure: the key only makes the secret fingerprints of this one comparison. */
export function compareEnvironments(
  a: EnvironmentSide,
  b: EnvironmentSide,
  fingerprintKey: Buffer,
): EnvironmentComparison {
  const explain = varExplainer(a.vars, b.vars);
  const declared = compareByName(a.desired, b.desired, (x, y) =>
    declaredDifferences(x, y, explain, fingerprintKey),
  );
  const remote =
    a.remote && b.remote
      ? compareByName(managed(a.remote, a.scope), managed(b.remote, b.scope), (x, y) =>
          remoteDifferences(x, y, explain),
        )
      : null;
  return { a: a.name, b: b.name, declared, remote };
}

/** True when nothing differs but what the vars explain: what `diff`'s exit code says. */
export function isEquivalent(comparison: EnvironmentComparison): boolean {
  const fine = (entry: ConnectorComparison) => entry.status === 'same' || entry.expected;
  return comparison.declared.every(fine) && (comparison.remote ?? []).every(fine);
}

/** Counts by status, for summaries. */
export function countStatuses(entries: readonly ConnectorComparison[]): Record<ConnectorStatus, number> {
  const counts = { 'only-a': 0, 'only-b': 0, same: 0, differs: 0 };
  for (const entry of entries) counts[entry.status] += 1;
  return counts;
}

function managed(remote: readonly RemoteConnector[], scope: Scope): RemoteConnector[] {
  return remote.filter((c) => !isMistralOwned(c) && inScope(c.name, scope));
}

function compareByName<T extends { name: string }>(
  a: readonly T[],
  b: readonly T[],
  differences: (x: T, y: T) => FieldDifference[],
): ConnectorComparison[] {
  // the first of a name wins: sync refuses ambiguous names on its own, diff only describes
  const byName = (items: readonly T[]) => {
    const map = new Map<string, T>();
    for (const item of items) if (!map.has(item.name)) map.set(item.name, item);
    return map;
  };
  const inA = byName(a);
  const inB = byName(b);
  const names = [...new Set([...inA.keys(), ...inB.keys()])].sort();
  return names.map((name) => {
    const x = inA.get(name);
    const y = inB.get(name);
    if (!x) return { name, status: 'only-b', fields: [], expected: false };
    if (!y) return { name, status: 'only-a', fields: [], expected: false };
    const fields = differences(x, y);
    if (fields.length === 0) return { name, status: 'same', fields, expected: false };
    return { name, status: 'differs', fields, expected: fields.every((f) => f.vars !== undefined) };
  });
}

type Explain = (a: string | null, b: string | null) => string[] | undefined;

/**
 * Which variables explain two different values: each side's value with its own var values written
 * back as `${var:NAME}` gives the same text. Only vars whose values differ between the sides count.
 */
function varExplainer(
  varsA: Readonly<Record<string, string>>,
  varsB: Readonly<Record<string, string>>,
): Explain {
  const names = [...new Set([...Object.keys(varsA), ...Object.keys(varsB)])]
    .filter((name) => varsA[name] !== varsB[name] && varsA[name] !== '' && varsB[name] !== '')
    .sort();
  const template = (value: string, vars: Readonly<Record<string, string>>, used: Set<string>) => {
    // the longest values first, so a value inside another is not written back in its place
    const ordered = names
      .filter((n) => vars[n] !== undefined)
      .sort((x, y) => vars[y]!.length - vars[x]!.length);
    let text = value;
    for (const name of ordered) {
      const parts = text.split(vars[name]!);
      if (parts.length > 1) used.add(name);
      text = parts.join(`\${var:${name}}`);
    }
    return text;
  };
  return (a, b) => {
    if (a === null || b === null || names.length === 0) return undefined;
    const used = new Set<string>();
    if (template(a, varsA, used) !== template(b, varsB, used) || used.size === 0) return undefined;
    return [...used].sort();
  };
}

function difference(field: string, a: string | null, b: string | null, explain: Explain): FieldDifference {
  const vars = explain(a, b);
  return vars ? { field, a, b, vars } : { field, a, b };
}

/** Managed fields, visibility and the rest of what a file declares; secrets by fingerprint. */
function declaredDifferences(
  x: DesiredConnector,
  y: DesiredConnector,
  explain: Explain,
  key: Buffer,
): FieldDifference[] {
  const out: FieldDifference[] = [];
  for (const field of MANAGED_FIELDS) {
    const a = desiredValue(x, field);
    const b = desiredValue(y, field);
    if (a !== b) out.push(difference(field, a, b, explain));
  }
  plain(out, 'visibility', x.visibility, y.visibility, explain);
  plain(
    out,
    'oauth2_server_metadata_url',
    x.oauth2_server_metadata_url,
    y.oauth2_server_metadata_url,
    explain,
  );
  plain(
    out,
    'oauth2_server_metadata',
    json(x.oauth2_server_metadata),
    json(y.oauth2_server_metadata),
    explain,
  );
  plain(out, 'expect_tools', list(x.expect_tools), list(y.expect_tools), explain);
  plain(out, 'active_for', x.active_for && list(x.active_for), y.active_for && list(y.active_for), explain);
  out.push(...headerDifferences(x, y, explain));
  out.push(...secretGroupDifferences(x, y, key));
  return out;
}

function plain(
  out: FieldDifference[],
  field: string,
  a: string | null,
  b: string | null,
  explain: Explain,
): void {
  if (a !== b) out.push(difference(field, a, b, explain));
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(canonical(value));
}

function list(values: readonly string[]): string | null {
  return values.length === 0 ? null : [...values].sort().join(', ');
}

/**
 * Connector-wide headers one by one: names ignore case, a plain value shows, a secret one is
 * compared in place and shows as `(secret)` (with the vars that explain it, if any).
 */
function headerDifferences(x: DesiredConnector, y: DesiredConnector, explain: Explain): FieldDifference[] {
  const lower = (c: DesiredConnector) =>
    new Map(Object.entries(c.global_headers ?? {}).map(([name, h]) => [name.toLowerCase(), { name, ...h }]));
  const inX = lower(x);
  const inY = lower(y);
  const out: FieldDifference[] = [];
  for (const id of [...new Set([...inX.keys(), ...inY.keys()])].sort()) {
    const hx = inX.get(id);
    const hy = inY.get(id);
    const field = `global_headers.${hx?.name ?? hy?.name}`;
    const shown = (h: typeof hx) => (h === undefined ? null : h.is_secret ? SECRET_VALUE : h.value.reveal());
    if (!hx || !hy || hx.is_secret !== hy.is_secret) {
      out.push({ field, a: shown(hx), b: shown(hy) });
      continue;
    }
    const a = hx.value.reveal();
    const b = hy.value.reveal();
    if (a === b) continue;
    const found = difference(field, a, b, explain);
    // a secret value is compared here and never leaves: only its var names may
    out.push(hx.is_secret ? { ...found, a: SECRET_VALUE, b: SECRET_VALUE } : found);
  }
  return out;
}

/**
 * OAuth client credentials and credentials' values, by keyed fingerprint of what each file declares
 * (a reference as written when not resolved). The values never leave this function.
 */
function secretGroupDifferences(x: DesiredConnector, y: DesiredConnector, key: Buffer): FieldDifference[] {
  // unresolved values are the references as written: what the files declare, fingerprinted the same way
  const fx = fingerprintGroups({ ...x, secretsResolved: true }, key) ?? {};
  const fy = fingerprintGroups({ ...y, secretsResolved: true }, key) ?? {};
  const groups = [...new Set([...Object.keys(fx), ...Object.keys(fy)])] as SecretGroup[];
  return groups
    .filter((group) => group !== 'headers' && group !== 'active_for' && group !== 'oauth2_server_metadata')
    .filter((group) => group !== 'oauth2_server_metadata_url' && fx[group] !== fy[group])
    .sort()
    .map((group) => ({
      field: group,
      a: fx[group] === undefined ? null : SECRET_VALUE,
      b: fy[group] === undefined ? null : SECRET_VALUE,
    }));
}

/** What two workspaces show of two connectors: managed fields, visibility, readable headers, tools. */
function remoteDifferences(x: RemoteConnector, y: RemoteConnector, explain: Explain): FieldDifference[] {
  const out: FieldDifference[] = [];
  for (const field of MANAGED_FIELDS) {
    const a = remoteValue(x, field);
    const b = remoteValue(y, field);
    if (a !== b) out.push(difference(field, a, b, explain));
  }
  plain(out, 'visibility', text(x.visibility), text(y.visibility), explain);
  plain(out, 'tools', toolNames(x), toolNames(y), explain);
  const hx = shownHeaders(x);
  const hy = shownHeaders(y);
  for (const id of [...new Set([...hx.keys(), ...hy.keys()])].sort()) {
    const a = hx.get(id);
    const b = hy.get(id);
    if (a?.value !== b?.value)
      out.push(
        difference(`global_headers.${a?.name ?? b?.name}`, a?.value ?? null, b?.value ?? null, explain),
      );
  }
  return out;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

// remote data is untrusted: anything of the wrong shape counts as not shown
function toolNames(connector: RemoteConnector): string | null {
  const tools = Array.isArray(connector.tools) ? connector.tools : [];
  return list(tools.map((tool) => text(tool?.name)).filter((name): name is string => name !== null));
}

/** Headers the API shows on any auth method: plain values as they are, secret ones as `(secret)`. */
function shownHeaders(connector: RemoteConnector): Map<string, { name: string; value: string }> {
  const out = new Map<string, { name: string; value: string }>();
  const methods = Array.isArray(connector.supported_auth_methods) ? connector.supported_auth_methods : [];
  for (const method of methods) {
    const headers = method?.global_headers;
    if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) continue;
    for (const [name, entry] of Object.entries(headers as Record<string, unknown>)) {
      const shown = entry as { is_secret?: unknown; value?: unknown } | null;
      const secret = shown?.is_secret !== false || typeof shown?.value !== 'string';
      out.set(name.toLowerCase(), { name, value: secret ? SECRET_VALUE : (shown.value as string) });
    }
  }
  return out;
}
