import {
  buildConnector,
  type ConnectorSite,
  credentialIssues,
  headerIssues,
  own,
  referenceIssues,
} from './connector.js';
import { discoverFiles } from './discover.js';
import { describeFsError, type LoaderFs, nodeLoaderFs } from './fs.js';
import { makeIssue, sortIssues, wholeFile } from './issues.js';
import { type Named, nameEntry, nameIssues } from './names.js';
import { parseYaml } from './parse.js';
import { type Policy, policyIssues } from './policy.js';
import { type DocumentContext, positionAt } from './positions.js';
import type { ResolveContext } from './references.js';
import { schemaErrors } from './schema.js';
import { schemaIssues } from './schema-issues.js';
import { decodeSource, MAX_FILE_BYTES, tooLarge } from './source.js';
import type { ConfigIssue, DesiredConnector, LoadResult } from './types.js';
import { NO_VARS, substituteVars, type VarsContext } from './vars.js';

/** How to load: resolve references or only check their form, and against which environment and file system. */
export interface LoadOptions {
  /** Resolve `${env:...}` / `${file:...}` into values (every command that talks to the API does). */
  resolve: boolean;
  /** Relative paths (arguments, displayed file names) start here. */
  cwd: string;
  env: Record<string, string | undefined>;
  fs?: LoaderFs;
  /** The settings file's `policy:`: its violations are errors like any other (nothing is applied). */
  policy?: Policy | undefined;
  /** The selected environment's `vars` for `${var:NAME}` (none: every use is an error naming --env). */
  vars?: VarsContext | undefined;
}

/** Files read at once: enough to hide latency, few enough to stay far from the open-file limit. */
const READ_CONCURRENCY = 16;

interface FileOutcome {
  issues: ConfigIssue[];
  /** The names, for the checks across files. */
  named: Named[];
  connectors: DesiredConnector[];
  /** Issues found while building the connectors (references), reported after the name issues. */
  buildIssues: ConfigIssue[];
}

/** How connectors are built (see buildConnector). */
type BuildOptions = Parameters<typeof buildConnector>[1];

function isMapping(value: unknown): value is Record<string, unknown> {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

/** The connector mappings of a document: the document itself, or each mapping item of its `connectors:` list. */
function sitesOf(ctx: DocumentContext, data: unknown, path: string, valid: boolean): ConnectorSite[] {
  if (!isMapping(data)) return [];
  const list = own(data, 'connectors');
  if (list === undefined) return [{ ...ctx, prefix: [], data, path, valid }];
  if (!Array.isArray(list)) return [];
  const sites: ConnectorSite[] = [];
  list.forEach((item, index) => {
    if (isMapping(item)) sites.push({ ...ctx, prefix: ['connectors', index], data: item, path, valid });
  });
  return sites;
}

async function readSource(
  fs: LoaderFs,
  path: string,
  display: string,
): Promise<{ text: string } | { issue: ConfigIssue }> {
  try {
    const read = await fs.readSource(path, MAX_FILE_BYTES);
    if ('tooLarge' in read) return { issue: tooLarge(display, read.tooLarge) };
    return decodeSource(display, read.bytes);
  } catch (error) {
    return {
      issue: makeIssue('path-unreadable', `cannot be read: ${describeFsError(error)}`, wholeFile(display)),
    };
  }
}

async function loadFile(
  fs: LoaderFs,
  path: string,
  display: string,
  build: BuildOptions,
  policy: Policy | undefined,
  vars: VarsContext,
): Promise<FileOutcome> {
  const source = await readSource(fs, path, display);
  if ('issue' in source) return { issues: [source.issue], named: [], connectors: [], buildIssues: [] };
  const parsed = parseYaml(display, source.text);
  const issues = [...parsed.issues];
  // vars first: the resolved values are what the schema, the policy and the plan see
  if (source.text.includes('${var:')) {
    for (const doc of parsed.documents) {
      if (doc.data !== undefined && !doc.empty) doc.data = substituteVars(doc, doc.data, vars, issues);
    }
  }
  // a value whose variable is unknown is not checked further: its other complaints would follow from it
  const unresolved = new Set(issues.filter((i) => i.code.startsWith('var-')).map((i) => i.key));
  const sites: ConnectorSite[] = [];
  const filled = parsed.documents.filter((doc) => !doc.empty);
  if (filled.length === 0 && !issues.some((issue) => issue.severity === 'error')) {
    // a file that declares nothing must never read as "fewer connectors": that would prune the rest
    issues.push(
      makeIssue(
        'empty-file',
        'file declares no connector (it is empty or holds only comments); delete it to remove its connectors on purpose',
        { file: display, line: 1, column: 1 },
      ),
    );
  }
  for (const doc of parsed.documents) {
    if (doc.empty && filled.length > 0) {
      const at = positionAt(doc.lineCounter, display, doc.doc.range[0]);
      issues.push(makeIssue('empty-document', 'empty YAML document ignored', at, { severity: 'warning' }));
      continue;
    }
    if (doc.data === undefined || doc.empty) continue;
    const found = schemaIssues(doc, doc.data, schemaErrors(doc.data));
    issues.push(...found);
    for (const site of sitesOf(doc, doc.data, path, found.length === 0)) {
      sites.push(site);
      issues.push(...referenceIssues(site), ...headerIssues(site), ...credentialIssues(site));
      if (policy !== undefined && site.valid) issues.push(...policyIssues(site, policy));
    }
  }
  // built now, while this file's parse trees are at hand: kept until every file was read, the
  // trees of 10,000 files were alive at once and the loader's peak RSS was several times the data
  const outcome: FileOutcome = {
    issues:
      unresolved.size === 0
        ? issues
        : issues.filter((i) => i.code.startsWith('var-') || !unresolved.has(i.key)),
    named: [],
    connectors: [],
    buildIssues: [],
  };
  for (const site of sites) {
    const named = nameEntry(site);
    if (named !== null) outcome.named.push(named);
    const built = await buildConnector(site, build);
    outcome.buildIssues.push(...built.issues);
    if (built.connector !== undefined) outcome.connectors.push(built.connector);
  }
  return outcome;
}

/** Runs `task` over `items` with at most `limit` at a time, keeping results in input order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Loads the desired state from files and directories: every file is read and checked, and every
 * issue of every file is returned at once (never only the first). Secret values are wrapped in
 * Secret, resolved only when `resolve` is set; issues never contain them.
 */
export async function loadDesiredState(paths: string[], options: LoadOptions): Promise<LoadResult> {
  const fs = options.fs ?? nodeLoaderFs;
  const discovery = await discoverFiles(paths, options.cwd, fs);
  const issues: ConfigIssue[] = [...discovery.issues];
  const cache: ResolveContext['cache'] = new Map();
  const build: BuildOptions = { resolve: options.resolve, env: options.env, fs, cache };
  const outcomes = await mapLimited(discovery.files, READ_CONCURRENCY, (file) =>
    loadFile(fs, file.path, file.display, build, options.policy, options.vars ?? NO_VARS),
  );
  // the policy's error replaces the warning about the same clear value
  const superseded = options.policy?.forbidLiteralSecrets ? 'literal-secret' : undefined;
  for (const outcome of outcomes) issues.push(...outcome.issues.filter((i) => i.code !== superseded));
  issues.push(...nameIssues(outcomes.flatMap((outcome) => outcome.named)));
  const connectors: DesiredConnector[] = [];
  for (const outcome of outcomes) {
    issues.push(...outcome.buildIssues);
    connectors.push(...outcome.connectors);
  }
  const files = discovery.files.map((file) => file.display);
  if (paths.length === 0) {
    issues.push(makeIssue('no-paths', 'no file or directory to read connectors from', wholeFile('.')));
  }
  const sorted = sortIssues(issues, discovery.order);
  const errors = sorted.filter((issue) => issue.severity === 'error');
  const warnings = sorted.filter((issue) => issue.severity === 'warning');
  if (errors.length > 0) return { ok: false, issues: errors, warnings, files };
  return { ok: true, state: { connectors, files }, warnings };
}
