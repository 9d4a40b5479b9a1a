import { dirname } from 'node:path';
import type { ConsumerScope } from '../api/types.js';
import { Secret } from '../secret.js';
import { formatKeyPath, type KeySegment, makeIssue } from './issues.js';
import { type DocumentContext, locateInValue, locateKey, locateValue } from './positions.js';
import {
  hasReferences,
  literalValue,
  type ResolveContext,
  resolveReferences,
  type ScannedValue,
  scanReferences,
} from './references.js';
import { connectorKeys } from './schema.js';
import type {
  ConfigIssue,
  DesiredConnector,
  DesiredCredential,
  DesiredHeader,
  SourceLocation,
  Visibility,
} from './types.js';

/** One connector mapping in a document: the root of a document, or an item of its `connectors:` list. */
export interface ConnectorSite extends DocumentContext {
  /** Key path of the mapping in its document: [] or ['connectors', i]. */
  prefix: KeySegment[];
  data: Record<string, unknown>;
  /** Absolute path of the file, for relative `${file:...}` paths. */
  path: string;
  /** True when the document passed the schema, so the mapping has the declared shape. */
  valid: boolean;
}

/** Reads an own property only: a `__proto__` or `constructor` key is data, never the prototype. */
export function own(data: object | null | undefined, key: string): unknown {
  return data !== null && data !== undefined && Object.hasOwn(data, key)
    ? (data as Record<string, unknown>)[key]
    : undefined;
}

/** Header names whose clear value in a file is almost certainly a leaked secret. */
const SECRET_HEADER = /authorization|token|secret|password|passwd|api[-_]?key|cookie|credential/i;

interface SecretString {
  segments: KeySegment[];
  value: string;
  /** True when a clear value here is suspicious enough to warn about. */
  sensitive: boolean;
  /** False for a `global_headers` entry the file marks `is_secret: false` (every reader sees it). */
  secret: boolean;
}

/** Keys whose strings may hold references: their values are secrets, never printed. */
const SECRET_KEYS: ReadonlySet<string> = new Set(['headers', 'global_headers', 'auth_data', 'credentials']);

/** The secret fields of a credential: its header values and its bearer token. */
const CREDENTIAL_SECRETS: ReadonlySet<string> = new Set(['headers', 'bearer_token']);

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A `global_headers` entry: its value's place and text, and whether the file says it is secret. */
function globalHeaderEntry(
  name: string,
  entry: unknown,
): { path: KeySegment[]; value: unknown; isSecret: boolean } {
  if (!isMap(entry)) return { path: [name], value: entry, isSecret: true };
  return { path: [name, 'value'], value: own(entry, 'value'), isSecret: own(entry, 'is_secret') !== false };
}

/** The strings that may hold references: header values (both maps) and the auth_data fields. */
export function secretStrings(site: ConnectorSite): SecretString[] {
  const found: SecretString[] = [];
  const headers = own(site.data, 'headers');
  if (isMap(headers)) {
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value === 'string') {
        found.push({
          segments: [...site.prefix, 'headers', name],
          value,
          sensitive: SECRET_HEADER.test(name),
          secret: true,
        });
      }
    }
  }
  const globalHeaders = own(site.data, 'global_headers');
  if (isMap(globalHeaders)) {
    for (const [name, entry] of Object.entries(globalHeaders)) {
      const { path, value, isSecret } = globalHeaderEntry(name, entry);
      if (typeof value === 'string') {
        found.push({
          segments: [...site.prefix, 'global_headers', ...path],
          value,
          sensitive: isSecret && SECRET_HEADER.test(name),
          secret: isSecret,
        });
      }
    }
  }
  for (const [index, credential] of credentialItems(site)) {
    const at = [...site.prefix, 'credentials', index];
    const token = own(credential, 'bearer_token');
    if (typeof token === 'string')
      found.push({ segments: [...at, 'bearer_token'], value: token, sensitive: true, secret: true });
    const values = own(credential, 'headers');
    for (const [name, value] of Object.entries(isMap(values) ? values : {})) {
      if (typeof value === 'string')
        found.push({
          segments: [...at, 'headers', name],
          value,
          sensitive: SECRET_HEADER.test(name),
          secret: true,
        });
    }
  }
  const auth = own(site.data, 'auth_data');
  if (isMap(auth)) {
    for (const field of ['client_id', 'client_secret']) {
      const value = own(auth, field);
      if (typeof value === 'string') {
        found.push({
          segments: [...site.prefix, 'auth_data', field],
          value,
          sensitive: field === 'client_secret',
          secret: true,
        });
      }
    }
  }
  return found;
}

/** Every other string of the connector's known fields (in lists and objects too): references are not allowed there. */
function plainStrings(site: ConnectorSite): Array<{ segments: KeySegment[]; value: string }> {
  const found: Array<{ segments: KeySegment[]; value: string }> = [];
  const walk = (segments: KeySegment[], value: unknown): void => {
    if (typeof value === 'string') found.push({ segments, value });
    else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) walk([...segments, index], item);
    } else if (isMap(value)) {
      for (const [key, item] of Object.entries(value)) walk([...segments, key], item);
    }
  };
  for (const key of connectorKeys()) {
    if (!SECRET_KEYS.has(key)) walk([...site.prefix, key], own(site.data, key));
  }
  for (const [index, credential] of credentialItems(site)) {
    for (const [key, value] of Object.entries(credential)) {
      if (!CREDENTIAL_SECRETS.has(key)) walk([...site.prefix, 'credentials', index, key], value);
    }
  }
  return found;
}

/** The mappings of the `credentials:` list, with their index. */
function credentialItems(site: ConnectorSite): Array<[number, Record<string, unknown>]> {
  const list = own(site.data, 'credentials');
  if (!Array.isArray(list)) return [];
  return [...list.entries()].filter((entry): entry is [number, Record<string, unknown>] => isMap(entry[1]));
}

/** The auth method a credential's values belong to, as the API groups defaults: bearer or headers (`none`). */
export function credentialMethod(credential: { bearer_token?: unknown }): 'bearer' | 'none' {
  return credential.bearer_token === undefined || credential.bearer_token === null ? 'none' : 'bearer';
}

/**
 * The API's default rules, checked before any request: per scope and auth method, at most one
 * credential says `default: true`, two credentials never share a name in one scope, and the first
 * may not say `default: false` when no other is the default (the API keeps one default).
 */
export function credentialIssues(site: ConnectorSite): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const groups = new Map<string, Array<[number, Record<string, unknown>]>>();
  const names = new Map<string, number>();
  for (const item of credentialItems(site)) {
    const [index, credential] = item;
    const scope = String(own(credential, 'scope'));
    const segments = [...site.prefix, 'credentials', index];
    const nameKey = `${scope}/${String(own(credential, 'name'))}`;
    const first = names.get(nameKey);
    if (first !== undefined) {
      issues.push(
        makeIssue(
          'duplicate-credential',
          `\`${formatKeyPath(segments)}\` repeats the credential ${JSON.stringify(own(credential, 'name'))} of scope ${scope}: a name is unique in its scope`,
          locateValue(site, segments),
          {
            key: formatKeyPath(segments),
            related: [locateValue(site, [...site.prefix, 'credentials', first])],
          },
        ),
      );
    } else names.set(nameKey, index);
    const group = `${scope} ${credentialMethod(credential)}`;
    groups.set(group, [...(groups.get(group) ?? []), item]);
  }
  for (const [group, items] of groups) {
    const defaults = items.filter(([, credential]) => own(credential, 'default') === true);
    const [scope, method] = group.split(' ');
    for (const [index] of defaults.slice(1)) {
      const segments = [...site.prefix, 'credentials', index, 'default'];
      issues.push(
        makeIssue(
          'several-default-credentials',
          `\`${formatKeyPath(segments)}\`: another ${method} credential of scope ${scope} already says \`default: true\`; the API keeps one default per scope and auth method: keep one`,
          locateValue(site, segments),
          {
            key: formatKeyPath(segments),
            related: [locateValue(site, [...site.prefix, 'credentials', defaults[0]![0], 'default'])],
          },
        ),
      );
    }
    const [firstIndex, firstCredential] = items[0]!;
    if (defaults.length === 0 && own(firstCredential, 'default') === false) {
      const segments = [...site.prefix, 'credentials', firstIndex, 'default'];
      issues.push(
        makeIssue(
          'no-default-credential',
          `\`${formatKeyPath(segments)}\` is false, but no other ${method} credential of scope ${scope} is the default; the API keeps one default per scope and auth method: say \`default: true\` on one of them`,
          locateValue(site, segments),
          { key: formatKeyPath(segments) },
        ),
      );
    }
  }
  return issues;
}

/**
 * A header named in both `headers` and `global_headers` (or twice, in another case: HTTP header
 * names ignore case): the API keeps one map, so the file would say two things about one header.
 */
export function headerIssues(site: ConnectorSite): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, KeySegment[]>();
  for (const key of ['headers', 'global_headers']) {
    const map = own(site.data, key);
    if (!isMap(map)) continue;
    for (const name of Object.keys(map)) {
      const segments = [...site.prefix, key, name];
      const first = seen.get(name.toLowerCase());
      if (first === undefined) {
        seen.set(name.toLowerCase(), segments);
        continue;
      }
      issues.push(
        makeIssue(
          'duplicate-header',
          `header ${JSON.stringify(name)} is declared twice (\`${formatKeyPath(first)}\` and \`${formatKeyPath(segments)}\`): the API keeps one connector-wide map of headers, whose names ignore case; keep one`,
          locateKey(site, segments),
          { key: formatKeyPath(segments), related: [locateKey(site, first)] },
        ),
      );
    }
  }
  return issues;
}

/**
 * Checks the form of references without resolving them: well formed in headers and auth_data,
 * absent everywhere else (plans, logs and exports print those fields, so a secret there would leak).
 */
export function referenceIssues(site: ConnectorSite): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const { segments, value } of plainStrings(site)) {
    const scanned = scanReferences(value);
    const key = formatKeyPath(segments);
    for (const part of scanned.parts) {
      if (part.kind === 'text') continue;
      issues.push(
        makeIssue(
          'reference-not-allowed',
          `\`${key}\` holds the reference \`${part.raw}\`: references are resolved only in \`headers\`, \`global_headers\`, \`auth_data\` and credentials' values, because plans and logs print every other field; write \`$\${\` for a literal \`\${\``,
          locateInValue(site, segments, part.index),
          { key },
        ),
      );
    }
    for (const problem of scanned.problems.filter((p) => p.referenceLike)) {
      issues.push(
        makeIssue(
          'reference-not-allowed',
          `\`${key}\` holds a reference: references are resolved only in \`headers\`, \`global_headers\`, \`auth_data\` and credentials' values, because plans and logs print every other field; write \`$\${\` for a literal \`\${\``,
          locateInValue(site, segments, problem.index),
          { key },
        ),
      );
    }
  }
  for (const { segments, value, sensitive } of secretStrings(site)) {
    const scanned = scanReferences(value);
    const key = formatKeyPath(segments);
    for (const problem of scanned.problems) {
      issues.push(
        makeIssue(
          'bad-reference',
          `\`${key}\`: ${problem.message}`,
          locateInValue(site, segments, problem.index),
          {
            key,
          },
        ),
      );
    }
    if (sensitive && !hasReferences(scanned) && scanned.problems.length === 0) {
      issues.push(
        makeIssue(
          'literal-secret',
          `\`${key}\` is written in clear in the file; keep secrets out of the repository with \`\${env:NAME}\` or \`\${file:PATH}\``,
          locateValue(site, segments),
          { key, severity: 'warning' },
        ),
      );
    }
  }
  return issues;
}

function text(site: ConnectorSite, key: string): string | null {
  const value = own(site.data, key);
  return typeof value === 'string' ? literalValue(scanReferences(value)) : null;
}

type Secrets = Map<string, Secret>;

/** Resolves (or, when not resolving, wraps as written) every secret string of a connector. */
async function secretValues(
  site: ConnectorSite,
  resolve: ResolveContext | undefined,
): Promise<{ secrets: Secrets; issues: ConfigIssue[] }> {
  const secrets: Secrets = new Map();
  const issues: ConfigIssue[] = [];
  for (const { segments, value } of secretStrings(site)) {
    const id = formatKeyPath(segments.slice(site.prefix.length));
    const scanned: ScannedValue = scanReferences(value);
    if (resolve === undefined || scanned.problems.length > 0) {
      secrets.set(id, new Secret(value));
      continue;
    }
    const key = formatKeyPath(segments);
    const resolved = await resolveReferences(scanned, resolve, `\`${key}\``);
    if (!resolved.ok) {
      for (const failure of resolved.failures) {
        issues.push(
          makeIssue(failure.code, failure.message, locateInValue(site, segments, failure.index), { key }),
        );
      }
      continue;
    }
    // a line break written in the file itself is the schema's to report; this catches one a secret brought in
    if (
      (segments.includes('headers') || segments.includes('global_headers')) &&
      /[\r\n\0]/.test(resolved.value) &&
      !/[\r\n\0]/.test(value)
    ) {
      issues.push(
        makeIssue(
          'invalid-header-value',
          `\`${key}\` holds a line break or NUL once its references are resolved; header values must be one line`,
          locateValue(site, segments),
          { key },
        ),
      );
      continue;
    }
    secrets.set(id, new Secret(resolved.value));
  }
  return { secrets, issues };
}

function fieldSources(site: ConnectorSite): Partial<Record<string, SourceLocation>> {
  const sources: Partial<Record<string, SourceLocation>> = {};
  for (const key of Object.keys(site.data)) {
    Object.defineProperty(sources, key, {
      value: locateKey(site, [...site.prefix, key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return sources;
}

/** `headers:` (all secret) and `global_headers:` as the one map the API keeps; null when neither is declared. */
function connectorHeaders(site: ConnectorSite, secrets: Secrets): Record<string, DesiredHeader> | null {
  const headers = own(site.data, 'headers');
  const globalHeaders = own(site.data, 'global_headers');
  if (headers === undefined && globalHeaders === undefined) return null;
  const entries: Array<[string, DesiredHeader]> = [];
  for (const name of Object.keys(isMap(headers) ? headers : {})) {
    entries.push([name, { value: secrets.get(formatKeyPath(['headers', name])) as Secret, is_secret: true }]);
  }
  for (const [name, entry] of Object.entries(isMap(globalHeaders) ? globalHeaders : {})) {
    const { path, isSecret } = globalHeaderEntry(name, entry);
    const value = secrets.get(formatKeyPath(['global_headers', ...path])) as Secret;
    entries.push([name, { value, is_secret: isSecret }]);
  }
  // fromEntries defines own properties, so a header named __proto__ stays a header
  return Object.fromEntries(entries);
}

/** A declared object's strings with `$${` escapes undone, as every plain field's are. */
function literalData(value: unknown): unknown {
  if (typeof value === 'string') return literalValue(scanReferences(value));
  if (Array.isArray(value)) return value.map(literalData);
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literalData(v)]));
  return value;
}

/** The declared credentials, their values as Secrets; null when `credentials:` is absent. */
function desiredCredentials(site: ConnectorSite, secrets: Secrets): DesiredCredential[] | null {
  if (!Array.isArray(own(site.data, 'credentials'))) return null;
  return credentialItems(site).map(([index, credential]) => {
    const at = ['credentials', index];
    const values = own(credential, 'headers');
    const declaredDefault = own(credential, 'default');
    const title = own(credential, 'title');
    return {
      name: String(own(credential, 'name')),
      scope: own(credential, 'scope') as ConsumerScope,
      title: typeof title === 'string' ? literalValue(scanReferences(title)) : null,
      default: typeof declaredDefault === 'boolean' ? declaredDefault : null,
      headers: isMap(values)
        ? Object.fromEntries(
            Object.keys(values).map((name) => [
              name,
              secrets.get(formatKeyPath([...at, 'headers', name])) as Secret,
            ]),
          )
        : null,
      bearer_token: secrets.get(formatKeyPath([...at, 'bearer_token'])) ?? null,
    };
  });
}

function assemble(site: ConnectorSite, secrets: Secrets, resolved: boolean): DesiredConnector {
  const headerNames = Object.keys((own(site.data, 'headers') as Record<string, unknown> | undefined) ?? {});
  const hasHeaders = own(site.data, 'headers') !== undefined;
  const auth = own(site.data, 'auth_data');
  const secretVersion = own(site.data, 'secret_version');
  const expectTools = own(site.data, 'expect_tools');
  return {
    name: site.data.name as string,
    description: text(site, 'description') ?? '',
    server: text(site, 'server') ?? '',
    visibility: (own(site.data, 'visibility') as Visibility | undefined) ?? 'private',
    title: text(site, 'title'),
    icon_url: text(site, 'icon_url'),
    system_prompt: text(site, 'system_prompt'),
    // fromEntries defines own properties, so a header named __proto__ stays a header
    headers: hasHeaders
      ? Object.fromEntries(
          headerNames.map((name) => [name, secrets.get(formatKeyPath(['headers', name])) as Secret]),
        )
      : null,
    auth_data:
      auth === undefined
        ? null
        : {
            client_id: secrets.get('auth_data.client_id') as Secret,
            client_secret: secrets.get('auth_data.client_secret') ?? null,
          },
    global_headers: connectorHeaders(site, secrets),
    oauth2_server_metadata: isMap(own(site.data, 'oauth2_server_metadata'))
      ? (literalData(own(site.data, 'oauth2_server_metadata')) as Record<string, unknown>)
      : null,
    oauth2_server_metadata_url: text(site, 'oauth2_server_metadata_url'),
    active_for: Array.isArray(own(site.data, 'active_for'))
      ? [...(own(site.data, 'active_for') as ConsumerScope[])]
      : null,
    credentials: desiredCredentials(site, secrets),
    renamed_from: text(site, 'renamed_from'),
    expect_tools: Array.isArray(expectTools)
      ? expectTools.map((tool) => literalValue(scanReferences(String(tool))))
      : [],
    secret_version: secretVersion === undefined ? null : String(secretVersion),
    source: locateValue(site, site.prefix),
    fieldSources: fieldSources(site),
    secretsResolved: resolved,
  };
}

/**
 * Builds the DesiredConnector of a site that passed the schema, resolving its references when
 * asked; returns resolution issues instead when a reference cannot be resolved. Sites that did not
 * pass the schema are still resolved, so a run reports missing variables alongside other mistakes.
 */
export async function buildConnector(
  site: ConnectorSite,
  options: {
    resolve: boolean;
    env: Record<string, string | undefined>;
    fs: ResolveContext['fs'];
    cache: ResolveContext['cache'];
  },
): Promise<{ connector?: DesiredConnector; issues: ConfigIssue[] }> {
  const resolve = options.resolve
    ? { env: options.env, fs: options.fs, cache: options.cache, baseDir: dirname(site.path) }
    : undefined;
  const { secrets, issues } = await secretValues(site, resolve);
  if (!site.valid || issues.length > 0) return { issues };
  return { connector: assemble(site, secrets, options.resolve), issues };
}
