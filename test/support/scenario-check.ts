/**
 * What the runner asserts after each step: the step's own expectations (scenario data), and the
 * invariants every step must keep whatever it expects: no stack trace, no secret anywhere a user
 * or a CI log could see it, Mistral's built-ins untouched, a dry run that writes nothing, and JSON
 * output and plan files that match their published schemas.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, matchesGlob, relative } from 'node:path';
import { expect } from 'vitest';
import type { ConnectorRecord, RequestLogEntry } from '../../src/emulator/index.js';
import { schemaProblems } from './scenario-schemas.js';
import type { RemoteExpectations, Step } from './scenario-spec.js';
import { SCENARIO_API_KEY, type ScenarioWorld, type StepOutcome } from './scenario-world.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface PlanOperation {
  kind: string;
  name: string;
  renamed_from: string | null;
  temporary: boolean;
}

/** Asserts everything about one step; `label` names the step in every failure. */
export async function checkStep(
  world: ScenarioWorld,
  step: Step,
  outcome: StepOutcome,
  label: string,
): Promise<void> {
  const shown = `\n--- stdout ---\n${outcome.stdout}\n--- stderr ---\n${outcome.stderr}`;
  expect(step.exit, `${label}: exit code ${outcome.exit}${shown}`).toContain(outcome.exit);
  await checkInvariants(world, step, outcome, label);
  const json = parseJsonOutput(step, outcome, label);
  const planFile = await readPlanFile(world, step, label);
  await checkExpectations(world, step, outcome, { json, planFile }, label);
}

async function checkInvariants(
  world: ScenarioWorld,
  step: Step,
  outcome: StepOutcome,
  label: string,
): Promise<void> {
  const output = outcome.stdout + outcome.stderr;
  expect(output, `${label}: a stack trace was printed`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(output, `${label}: an internal error was reported`).not.toMatch(/internal error|this is a bug/i);
  const builtins = (records: ConnectorRecord[]) =>
    records.filter((r) => r.mistral).map((r) => ({ id: r.id, name: r.name, modified_at: r.modified_at }));
  expect(builtins(outcome.after), `${label}: Mistral's built-in connectors changed`).toEqual(
    builtins(outcome.before),
  );
  for (const [name, other] of Object.entries(outcome.workspaces)) {
    expect(builtins(other.after), `${label}: Mistral's built-in connectors of ${name} changed`).toEqual(
      builtins(other.before),
    );
  }
  if (step.args.includes('--dry-run')) {
    expect(writesOf(outcome), `${label}: a dry run wrote to the API`).toEqual([]);
    for (const [name, other] of Object.entries(outcome.workspaces))
      expect(writesOf(other), `${label}: a dry run wrote to workspace ${name}`).toEqual([]);
  }
  for (const canary of canaries(world, outcome)) {
    expect(leakOf(outcome.stdout, canary), `${label}: stdout holds the secret ${canary}`).toBeNull();
    expect(leakOf(outcome.stderr, canary), `${label}: stderr holds the secret ${canary}`).toBeNull();
  }
  for (const [file, text] of await filesUnder(world.work)) {
    for (const canary of canaries(world, outcome)) {
      expect(leakOf(text, canary), `${label}: ${file} holds the secret ${canary}`).toBeNull();
    }
  }
}

/** A run of 12 characters of the secret found in the text (a cut or split value leaks too), or null. */
export function leakOf(text: string, secret: string): string | null {
  if (secret.length < 12) return text.includes(secret) ? secret : null;
  for (let i = 0; i + 12 <= secret.length; i++) {
    const run = secret.slice(i, i + 12);
    if (text.includes(run)) return run;
  }
  return null;
}

/** Every secret value a step could leak: env values that start with `canary-`, and the API key. */
function canaries(world: ScenarioWorld, outcome: StepOutcome): string[] {
  const values = Object.values(outcome.env).filter((value) => value.startsWith('canary-'));
  const keys = Object.values(world.scenario.remote.workspaces).map((workspace) => workspace.key);
  return [...new Set([...values, ...Object.values(world.scenario.env), ...keys, SCENARIO_API_KEY])].filter(
    (value) => value.includes('canary'),
  );
}

/** The JSON document of `--output json`, checked against its schema; undefined for other formats. */
function parseJsonOutput(step: Step, outcome: StepOutcome, label: string): unknown {
  if (outputFormat(step.args) !== 'json') return undefined;
  if (outcome.stdout.trim() === '') {
    expect(outcome.exit, `${label}: --output json printed nothing yet exited 0`).not.toBe(0);
    return undefined;
  }
  let document: unknown;
  try {
    document = JSON.parse(outcome.stdout);
  } catch {
    throw new Error(
      `${label}: --output json printed something that is not one JSON document:\n${outcome.stdout}`,
    );
  }
  const schema =
    step.command === 'auth' ? 'auth-output' : step.command === 'diff' ? 'diff-output' : 'sync-output';
  expect(schemaProblems(schema, document), `${label}: the JSON output breaks ${schema}.schema.json`).toEqual(
    [],
  );
  return document;
}

function outputFormat(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--output' || arg === '-o') return args[i + 1] ?? '';
    if (arg.startsWith('--output=')) return arg.slice('--output='.length);
  }
  return 'text';
}

/** The plan file `--plan-out FILE` wrote, checked: versioned, and its plan matches the schema. */
async function readPlanFile(world: ScenarioWorld, step: Step, label: string): Promise<unknown> {
  const index = step.args.indexOf('--plan-out');
  if (index < 0) return undefined;
  let text: string;
  try {
    text = await readFile(join(world.work, step.args[index + 1]!), 'utf8');
  } catch {
    return undefined;
  }
  const saved = JSON.parse(text) as { format?: string; version?: number; plan?: unknown };
  expect(saved.format, `${label}: the plan file's format`).toBe('connector-sync-plan');
  expect(saved.version, `${label}: the plan file's version`).toBe(1);
  expect(schemaProblems('plan', saved.plan), `${label}: the saved plan breaks the plan schema`).toEqual([]);
  return saved.plan;
}

async function checkExpectations(
  world: ScenarioWorld,
  step: Step,
  outcome: StepOutcome,
  seen: { json: unknown; planFile: unknown },
  label: string,
): Promise<void> {
  const want = step.expect;
  const plan = (seen.json as { plan?: unknown } | undefined)?.plan ?? seen.planFile;
  if (want.plan !== undefined || want.refusals !== undefined) {
    if (plan === undefined || plan === null)
      throw new Error(`${label}: expect.plan/refusals needs --output json or --plan-out (and a plan)`);
    const typed = plan as { operations: PlanOperation[]; refusals: Array<{ code: string }> };
    if (want.plan !== undefined)
      expect(describePlan(typed.operations), `${label}: the plan`).toEqual(want.plan);
    if (want.refusals !== undefined)
      expect(
        typed.refusals.map((r) => r.code),
        `${label}: the refusals`,
      ).toEqual(want.refusals);
  }
  if (want.writes !== undefined) checkWrites(want.writes, outcome, label);
  if (want.requests !== undefined) {
    expect(outcome.requests.map(describeRequest(outcome)), `${label}: the API requests`).toHaveLength(
      want.requests,
    );
  }
  for (const [status, least] of Object.entries(want.statuses_at_least ?? {})) {
    const seen = outcome.requests.filter((r) =>
      status.endsWith('xx') ? String(r.status)[0] === status[0] : String(r.status) === status,
    );
    expect(seen.length, `${label}: answers with status ${status}`).toBeGreaterThanOrEqual(least);
  }
  if (want.remote) checkRemote(want.remote, outcome, label);
  for (const [name, wanted] of Object.entries(want.workspaces ?? {})) {
    const other = outcome.workspaces[name];
    if (other === undefined)
      throw new Error(`${label}: expect.workspaces.${name}: no such workspace in remote.yaml`);
    const seenThere = { ...outcome, ...other };
    if (wanted.remote) checkRemote(wanted.remote, seenThere, `${label} (workspace ${name})`);
    if (wanted.writes !== undefined) checkWrites(wanted.writes, seenThere, `${label} (workspace ${name})`);
  }
  for (const text of want.stdout_contains ?? []) expect(outcome.stdout, `${label}: stdout`).toContain(text);
  for (const text of want.stdout_excludes ?? [])
    expect(outcome.stdout, `${label}: stdout`).not.toContain(text);
  for (const text of want.stderr_contains ?? []) expect(outcome.stderr, `${label}: stderr`).toContain(text);
  for (const text of want.stderr_excludes ?? [])
    expect(outcome.stderr, `${label}: stderr`).not.toContain(text);
  if (want.json !== undefined) {
    if (seen.json === undefined) throw new Error(`${label}: expect.json needs --output json`);
    expect(seen.json, `${label}: the JSON output`).toMatchObject(withMatchers(want.json) as object);
  }
  for (const [path, rules] of Object.entries(want.files ?? {})) {
    const text = await readFile(join(world.work, path), 'utf8').catch(() => {
      throw new Error(`${label}: expected the file ${path} to exist`);
    });
    for (const part of rules.contains ?? []) expect(text, `${label}: ${path}`).toContain(part);
    for (const part of rules.excludes ?? []) expect(text, `${label}: ${path}`).not.toContain(part);
  }
}

function checkWrites(want: number | string[], outcome: Seen, label: string): void {
  const writes = writesOf(outcome);
  if (typeof want === 'number') expect(writes.length, `${label}: writes ${writes.join(', ')}`).toBe(want);
  else expect(writes.sort(), `${label}: the writes`).toEqual([...want].sort());
}

/** What checks of the remote side read: a step's outcome in the main workspace or another. */
type Seen = Pick<StepOutcome, 'requests' | 'before' | 'after' | 'env'>;

function checkRemote(want: RemoteExpectations, outcome: Seen, label: string): void {
  const users = outcome.after.filter((r) => !r.mistral);
  const names = users.map((r) => r.name).sort();
  if (want.names) expect(names, `${label}: the remote connectors`).toEqual([...want.names].sort());
  if (want.count !== undefined) expect(users, `${label}: the remote connectors`).toHaveLength(want.count);
  for (const [glob, count] of Object.entries(want.count_matching ?? {})) {
    const matching = names.filter((name) => matchesGlob(name, glob));
    expect(matching, `${label}: remote connectors matching ${glob}`).toHaveLength(count);
  }
  for (const name of want.present ?? []) expect(names, `${label}: remote connectors`).toContain(name);
  for (const name of want.absent ?? []) expect(names, `${label}: remote connectors`).not.toContain(name);
  for (const [name, fields] of Object.entries(want.fields ?? {})) {
    const record = users.find((r) => r.name === name);
    expect(record, `${label}: remote connector ${name}`).toBeDefined();
    expect(valuesView(record!), `${label}: remote connector ${name}`).toMatchObject(
      withEnv(fields, outcome.env) as object,
    );
  }
  for (const [now, was] of Object.entries(want.kept_id ?? {})) {
    const old = outcome.before.find((r) => r.name === was);
    const current = users.find((r) => r.name === now);
    expect(old, `${label}: ${was} existed before the step`).toBeDefined();
    expect(current?.id, `${label}: ${now} kept the id of ${was}`).toBe(old?.id);
  }
}

/**
 * A stored connector with its write-only values where a scenario names them, whichever store the
 * API keeps them in: `headers` is the connector's global header values (name -> value) across its
 * auth methods, null when it has none; `auth_data` is the OAuth method's client
 * ({client_id, client_secret}), null when none is set.
 */
export function valuesView(record: ConnectorRecord): ConnectorRecord & {
  headers: Record<string, string> | null;
  auth_data: { client_id: string | null; client_secret: string | null } | null;
} {
  const headers: Record<string, string> = {};
  for (const method of record.auth_methods)
    for (const [header, value] of Object.entries(method.global_headers)) headers[header] = value.value;
  const secrets = record.auth_methods.find((m) => m.method_type === 'oauth2')?.oauth2_metadata_secrets;
  return {
    ...record,
    headers: Object.keys(headers).length > 0 ? headers : null,
    auth_data: secrets ? { client_id: secrets.client_id, client_secret: secrets.client_secret } : null,
  };
}

/** `create:a`, `rename:a->b`, `rename:a->(temporary)` then `rename:(temporary)->b` for a swap. */
export function describePlan(operations: readonly PlanOperation[]): string[] {
  const temporary = new Set(operations.filter((op) => op.temporary).map((op) => op.name));
  const shown = (name: string | null) => (name !== null && temporary.has(name) ? '(temporary)' : name);
  return operations.map((op) =>
    op.kind === 'rename' ? `rename:${shown(op.renamed_from)}->${shown(op.name)}` : `${op.kind}:${op.name}`,
  );
}

/** Write requests of the step as `METHOD /path`, ids shown as `{name}` (the name before the step, else after). */
function writesOf(outcome: Pick<Seen, 'requests' | 'before' | 'after'>): string[] {
  return outcome.requests.filter((r) => WRITE_METHODS.has(r.method)).map(describeRequest(outcome));
}

function describeRequest(outcome: Pick<Seen, 'before' | 'after'>): (entry: RequestLogEntry) => string {
  const names = new Map<string, string>();
  for (const record of [...outcome.after, ...outcome.before]) names.set(record.id, record.name);
  return (entry) =>
    `${entry.method} ${entry.path
      .split('/')
      .map((part) => (UUID.test(part) ? `{${names.get(part) ?? part}}` : part))
      .join('/')}`;
}

/** `${env:NAME}` in expected values stands for the step's NAME (so secrets are written once, in env.yaml). */
function withEnv(value: unknown, env: Record<string, string>): unknown {
  if (typeof value === 'string')
    return value.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => env[name] ?? '');
  if (Array.isArray(value)) return value.map((item) => withEnv(item, env));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withEnv(item, env)]));
  return value;
}

/** `<string>`, `<number>` and `<any>` (not null) in expected JSON match any value of that kind. */
function withMatchers(value: unknown): unknown {
  if (value === '<string>') return expect.any(String);
  if (value === '<number>') return expect.any(Number);
  if (value === '<any>') return expect.anything();
  if (Array.isArray(value)) return value.map(withMatchers);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withMatchers(item)]));
  return value;
}

async function filesUnder(dir: string): Promise<Array<[string, string]>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: Array<[string, string]> = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    // a write the run abandoned at its deadline may still rename its temporary file away: what
    // is gone was never left behind, and what it became is read under its own name
    const text = await readFile(path, 'latin1').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (text !== null) files.push([relative(dir, path), text]);
  }
  return files;
}
