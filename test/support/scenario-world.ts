/**
 * The world one scenario runs in: a fresh emulator on loopback (behind the scenario proxy), a
 * temporary copy of the scenario as the working directory, a temporary state folder, and the CLI
 * run in-process. `runStep` does a step's preparations, runs the command, and returns everything
 * a user (or the API) could observe; the runner asserts on it.
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { request } from 'undici';
import { stringify } from 'yaml';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { noFaults } from '../../src/emulator/faults.js';
import {
  type ConnectorRecord,
  type McpTool,
  type RequestLogEntry,
  type RunningEmulator,
  type SeedConnector,
  seededRandom,
  startEmulator,
} from '../../src/emulator/index.js';
import { describeViolation, validateRequest } from '../emulator/openapi.js';
import { type ScenarioProxy, startScenarioProxy } from './scenario-proxy.js';
import type { GenerateSpec, JsonEdit, Scenario, Step } from './scenario-spec.js';

/** The API key every step uses unless it overrides it. It is a canary too: it must never be printed. */
export const SCENARIO_API_KEY = 'test-key-canary-5b2d9e71';

/** The files that describe a scenario rather than belong to its working copy. */
const SCENARIO_FILES = ['steps.yaml', 'env.yaml', 'remote.yaml', 'generate.yaml', 'README.md'];

/** A running scenario. */
export interface ScenarioWorld {
  scenario: Scenario;
  emulator: RunningEmulator;
  proxy: ScenarioProxy;
  /** The working directory: a copy of the scenario folder. */
  work: string;
  stateDir: string;
  /** The other workspaces of remote.yaml, by name, each its own emulator. */
  workspaces: Map<string, RunningEmulator>;
  /** Requests the CLI sent during the current step that the OpenAPI document refuses, in a sentence each. */
  violations: string[];
  close(): Promise<void>;
}

/** What one step did, as far as anyone can see. */
export interface StepOutcome {
  exit: number;
  stdout: string;
  stderr: string;
  /** The environment the command saw. */
  env: Record<string, string>;
  /** API requests answered during the command (not the step's preparations). */
  requests: RequestLogEntry[];
  /** The emulator's connectors before the command (after preparations) and after it. */
  before: ConnectorRecord[];
  after: ConnectorRecord[];
  /** The same for each other workspace of remote.yaml. */
  workspaces: Record<string, WorkspaceOutcome>;
}

/** What one other workspace received during a step, and its connectors before and after. */
export interface WorkspaceOutcome {
  requests: RequestLogEntry[];
  before: ConnectorRecord[];
  after: ConnectorRecord[];
}

/** Starts the emulator and proxy for a scenario and lays out its working copy. */
export async function openWorld(scenario: Scenario): Promise<ScenarioWorld> {
  const root = await mkdtemp(join(tmpdir(), `scenario-${scenario.name.slice(0, 3)}-`));
  const work = join(root, 'work');
  const stateDir = join(work, '.state');
  await cp(scenario.dir, work, { recursive: true });
  // the scenario's own data (env.yaml holds the secret values) is not part of the working copy
  for (const file of SCENARIO_FILES) await rm(join(work, file), { force: true });
  await mkdir(join(work, 'home'), { recursive: true });
  const generated = expand(scenario.generate);
  if (generated.desired.size > 0) await mkdir(join(work, 'desired'), { recursive: true });
  for (const [file, connectors] of generated.desired) {
    await writeFile(join(work, 'desired', file), stringify({ connectors }, { lineWidth: 0 }));
  }
  const emulator = await startEmulator({
    port: 0,
    // only the runner's key is accepted, so a step can show what a wrong key does
    apiKey: SCENARIO_API_KEY,
    builtins: scenario.remote.builtins,
    duplicateNames: scenario.remote.duplicate_names,
    authMethodsUpdate: scenario.remote.auth_methods_update,
    keyScope: scenario.remote.key_scope,
    orgAdmin: scenario.remote.org_admin,
    agents: scenario.remote.agents,
    agentsAccess: scenario.remote.agents_access,
    seed: [...scenario.remote.connectors, ...generated.remote],
    // fault rates are drawn from a source seeded by the scenario's name: the same faults every run
    random: seededRandom(createHash('sha256').update(scenario.name).digest().readUInt32BE(0)),
  });
  const workspaces = new Map<string, RunningEmulator>();
  const byKey = new Map<string, string>();
  for (const [name, spec] of Object.entries(scenario.remote.workspaces)) {
    const other = await startEmulator({
      port: 0,
      apiKey: spec.key,
      builtins: spec.builtins,
      seed: spec.connectors,
    });
    workspaces.set(name, other);
    byKey.set(`Bearer ${spec.key}`, other.url);
  }
  // every request the CLI sends is a contract test: the step fails on one the document refuses
  const violations: string[] = [];
  const proxy = await startScenarioProxy(emulator.url, {
    maxPageSize: scenario.remote.max_page_size,
    route: (authorization) => (authorization === undefined ? undefined : byKey.get(authorization)),
    onRequest: (request) => {
      for (const violation of validateRequest(request))
        violations.push(describeViolation(request, violation));
    },
  });
  return {
    scenario,
    emulator,
    proxy,
    work,
    stateDir,
    workspaces,
    violations,
    close: async () => {
      await proxy.close();
      await emulator.close();
      for (const other of workspaces.values()) await other.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Prepares, runs and observes one step. */
export async function runStep(world: ScenarioWorld, step: Step): Promise<StepOutcome> {
  const env = stepEnv(world, step);
  await prepare(world, step);
  world.emulator.setFaults({ ...noFaults(), ...step.faults });
  // requests "another writer" makes during the command are the runner's, not the CLI's
  const own: string[] = [];
  world.proxy.arm(
    (step.race ?? []).map((race) => ({
      // `{name}` in the path stands for that connector's id, as the CLI will send it
      when: race.when.replace(/\{([A-Za-z0-9_-]+)\}/g, (_, name: string) => idOf(world.emulator, name)),
      run: async () => {
        // deletes first, so a race can replace a connector by a new one of the same name
        for (const name of race.delete ?? []) {
          const id = idOf(world.emulator, name);
          await directCall(world.emulator, 'DELETE', id);
          own.push(`DELETE /v1/connectors/${id}`);
        }
        if (race.insert) world.emulator.store.insert(race.insert);
      },
    })),
  );
  world.proxy.malform(step.malformed ?? {});
  const mark = lastSeq(world.emulator);
  const before = world.emulator.store.list();
  const others = [...world.workspaces].map(([name, other]) => ({
    name,
    other,
    mark: lastSeq(other),
    before: other.store.list(),
  }));
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    env,
    cwd: world.work,
    signal: new AbortController().signal,
  };
  const args = step.args.map((arg) => arg.replaceAll('{work}', world.work));
  world.violations.length = 0;
  try {
    const exit = await runCli([step.command, ...args], io);
    if (world.violations.length > 0) {
      throw new Error(
        `the CLI sent requests the OpenAPI document refuses:\n${world.violations.join('\n')}\n${stdout}${stderr}`,
      );
    }
    const requests = withoutOwn(
      world.emulator.requestLog.filter((entry) => entry.seq > mark),
      own,
    );
    const workspaces = Object.fromEntries(
      others.map(({ name, other, mark, before }) => [
        name,
        { requests: other.requestLog.filter((entry) => entry.seq > mark), before, after: other.store.list() },
      ]),
    );
    return { exit, stdout, stderr, env, requests, before, after: world.emulator.store.list(), workspaces };
  } finally {
    world.emulator.setFaults(noFaults());
    world.proxy.disarm();
  }
}

/** The environment of a step: the API and state folder, the scenario's env.yaml, the step's changes. */
function stepEnv(world: ScenarioWorld, step: Step): Record<string, string> {
  const env: Record<string, string> = {
    HOME: join(world.work, 'home'),
    MISTRAL_API_KEY: SCENARIO_API_KEY,
    MISTRAL_API_URL: world.proxy.url,
    CONNECTOR_SYNC_STATE_DIR: world.stateDir,
    ...world.scenario.env,
  };
  for (const [name, value] of Object.entries(step.env)) {
    if (value === null) delete env[name];
    else env[name] = value.replaceAll('{work}', world.work);
  }
  return env;
}

/** The step's `before`: another writer at work, a person finishing OAuth, a new desired folder. */
async function prepare(world: ScenarioWorld, step: Step): Promise<void> {
  const before = step.before;
  if (!before) return;
  const { emulator } = world;
  if (before.desired !== undefined) {
    await rm(join(world.work, 'desired'), { recursive: true, force: true });
    await cp(join(world.scenario.dir, before.desired), join(world.work, 'desired'), { recursive: true });
  }
  for (const [path, target] of Object.entries(before.links ?? {})) {
    const link = join(world.work, path);
    await rm(link, { recursive: true, force: true });
    await mkdir(dirname(link), { recursive: true });
    await symlink(target, link);
  }
  for (const name of before.mark_authenticated ?? []) emulator.markAuthenticated(name);
  for (const [name, tools] of Object.entries(before.set_tools ?? {})) {
    emulator.setTools(
      name,
      tools.map(
        (tool): McpTool =>
          typeof tool === 'string'
            ? { name: tool, inputSchema: { type: 'object' } }
            : { inputSchema: { type: 'object' }, ...tool },
      ),
    );
  }
  if (before.insert) emulator.store.insert(before.insert);
  for (const [name, fields] of Object.entries(before.patch ?? {})) {
    await directCall(emulator, 'PATCH', idOf(emulator, name), fields);
  }
  for (const name of before.delete ?? []) await directCall(emulator, 'DELETE', idOf(emulator, name));
  for (const edit of before.edit_json ?? []) await editJson(world, edit);
}

/** A person's hand edit of a JSON file (a saved plan, say). */
async function editJson(world: ScenarioWorld, edit: JsonEdit): Promise<void> {
  const document: unknown = JSON.parse(await readFile(join(world.work, edit.from ?? edit.file), 'utf8'));
  const withIds = (value: unknown) =>
    JSON.parse(
      JSON.stringify(value).replace(/\{id:([^}"]+)\}/g, (_, name: string) => idOf(world.emulator, name)),
    ) as unknown;
  const at = (path: string): [Record<string, unknown>, string] => {
    const keys = path.split('.');
    let node = document as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
    if (typeof node !== 'object' || node === null)
      throw new Error(`scenario data: no ${path} in ${edit.file}`);
    return [node, keys.at(-1)!];
  };
  for (const [path, value] of Object.entries(edit.set ?? {})) {
    const [node, key] = at(path);
    node[key] = withIds(value);
  }
  for (const [path, value] of Object.entries(edit.append ?? {})) {
    const [node, key] = at(path);
    (node[key] as unknown[]).push(withIds(value));
  }
  await writeFile(join(world.work, edit.file), JSON.stringify(document, null, 2));
}

function idOf(emulator: RunningEmulator, name: string): string {
  const found = emulator.store.get(name);
  if (!found) throw new Error(`scenario data: no connector named ${name} to change`);
  return found.id;
}

/** A request by "another writer", straight to the emulator (no proxy hooks). */
async function directCall(
  emulator: RunningEmulator,
  method: 'PATCH' | 'DELETE',
  id: string,
  body?: Record<string, unknown>,
): Promise<void> {
  const reply = await request(`${emulator.url}/v1/connectors/${id}`, {
    method,
    headers: {
      authorization: `Bearer ${SCENARIO_API_KEY}`,
      'content-type': 'application/json',
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await reply.body.text();
  if (reply.statusCode >= 300)
    throw new Error(`scenario data: ${method} ${id} answered ${reply.statusCode}: ${text}`);
}

/** The log without one entry per request the runner made itself. */
function withoutOwn(entries: RequestLogEntry[], own: readonly string[]): RequestLogEntry[] {
  const pending = [...own];
  return entries.filter((entry) => {
    const index = pending.indexOf(`${entry.method} ${entry.path}`);
    if (index < 0) return true;
    pending.splice(index, 1);
    return false;
  });
}

/**
 * The highest sequence number logged so far. Entries are logged when answered, so a slow answer
 * (a dribbled listing cut off by the run's budget) can be logged after a later, quicker one: the
 * last entry's number would let the quicker one count again in the next step.
 */
function lastSeq(emulator: RunningEmulator): number {
  let highest = 0;
  for (const entry of emulator.requestLog) highest = Math.max(highest, entry.seq);
  return highest;
}

type GeneratedRange = NonNullable<GenerateSpec['remote']>[number];

/** Expands generate.yaml: `{{n}}` in every string of a template becomes the number, zero-padded to `width` (3). */
function expand(spec: GenerateSpec): { remote: SeedConnector[]; desired: Map<string, unknown[]> } {
  const remote: SeedConnector[] = [];
  const desired = new Map<string, unknown[]>();
  for (const range of spec.remote ?? []) remote.push(...(numbered(range) as SeedConnector[]));
  for (const range of spec.desired ?? []) {
    desired.set(range.file, [...(desired.get(range.file) ?? []), ...numbered(range)]);
  }
  return { remote, desired };
}

function numbered(range: GeneratedRange): unknown[] {
  const width = range.width ?? 3;
  const out: unknown[] = [];
  for (let n = range.from; n <= range.to; n++) out.push(fill(range.template, String(n).padStart(width, '0')));
  return out;
}

function fill(value: unknown, n: string): unknown {
  if (typeof value === 'string') return value.replaceAll('{{n}}', n);
  if (Array.isArray(value)) return value.map((item) => fill(item, n));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item, n)]));
  return value;
}
