/**
 * The files of one end-to-end scenario (test/scenarios/NNN-name/, described in its README.md),
 * read and checked strictly: an unknown key or a wrong type in scenario data is a failure, so a
 * typo in an expectation can never turn it into an assertion that passes by not running.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { FaultSettings, SeedAgent, SeedConnector } from '../../src/emulator/index.js';
import type { MalformedItem } from './scenario-proxy.js';

/** `generate.yaml`: connectors made from a template instead of written out, `{{n}}` numbered. */
export interface GenerateSpec {
  remote?: Array<{ from: number; to: number; width?: number; template: Record<string, unknown> }>;
  desired?: Array<{
    file: string;
    from: number;
    to: number;
    width?: number;
    template: Record<string, unknown>;
  }>;
}

/** `remote.yaml`: the emulator's starting state and how the API pages. */
export interface RemoteSpec {
  /** Mistral's built-in connectors (default true). */
  builtins: boolean;
  connectors: SeedConnector[];
  /** The API serves at most this many connectors per page, whatever the client asks. */
  max_page_size: number | null;
  /** Seed connectors may share a name (the emulator's duplicateNames). */
  duplicate_names: boolean;
  /** The emulator's options of the same names (authMethodsUpdate, keyScope, orgAdmin). */
  auth_methods_update: 'replace' | 'merge';
  key_scope: 'all' | 'shared_only';
  org_admin: boolean;
  /** Agents the emulator serves (read only), and whether the key may read them. */
  agents: SeedAgent[];
  agents_access: 'all' | 'forbidden';
  /**
   * Other workspaces, by name: each its own emulator that accepts only its `key`, behind the same
   * proxy, which sends a request to the workspace whose key it carries (any other to the main one).
   */
  workspaces: Record<string, WorkspaceSpec>;
}

/** One more workspace of the API (remote.yaml `workspaces:`). */
export interface WorkspaceSpec {
  key: string;
  connectors: SeedConnector[];
  builtins: boolean;
}

/** What the remote connectors of a workspace must be after a step. */
export interface RemoteExpectations {
  /** Exactly these user connectors exist (Mistral built-ins aside). */
  names?: string[];
  /** This many user connectors exist. */
  count?: number;
  /** This many user connectors whose names match each glob (`legacy-*: 0`). */
  count_matching?: Record<string, number>;
  present?: string[];
  absent?: string[];
  /** Fields of stored connectors (write-only ones included), matched partially; `${env:X}` is the step's X. */
  fields?: Record<string, Record<string, unknown>>;
  /** `{new: old}`: the connector now named `new` has the id `old` had before the step. */
  kept_id?: Record<string, string>;
}

/** Things done to the world before a step runs (not counted in its requests). */
export interface BeforeStep {
  /** Replace `desired/` with this folder of the scenario. */
  desired?: string;
  mark_authenticated?: string[];
  /** Tools each connector's MCP server exposes: a name, or a tool with its description and input schema. */
  set_tools?: Record<
    string,
    Array<string | { name: string; description?: string; inputSchema?: Record<string, unknown> }>
  >;
  /** Another writer creates these connectors. */
  insert?: SeedConnector[];
  /** Another writer changes these connectors (PATCH through the API). */
  patch?: Record<string, Record<string, unknown>>;
  /** Another writer deletes these connectors. */
  delete?: string[];
  /** Symbolic links to make in the working copy (`{path: target}`, replacing what is there; the target may be missing). */
  links?: Record<string, string>;
  /** A person hand-edits JSON files (plan files): see JsonEdit. */
  edit_json?: JsonEdit[];
}

/**
 * One hand edit of a JSON file of the working copy, made from a copy of `from` when given. Paths
 * are dotted (`plan.operations.0.kind`); `{id:NAME}` in a string value is that connector's id.
 */
export interface JsonEdit {
  file: string;
  from?: string;
  /** Path -> new value. */
  set?: Record<string, unknown>;
  /** Path of a list -> item to add at its end. */
  append?: Record<string, unknown>;
}

/** What a step must leave behind. */
export interface StepExpectations {
  /** Operations, in plan order: `create:a`, `rename:a->b`, `rename:a->(temporary)`, `delete:c`. */
  plan?: string[];
  /** Refusal codes of the plan. */
  refusals?: string[];
  /** Write requests (POST, PUT, PATCH, DELETE) during the step: a count, or `METHOD /path` in any order (ids shown as `{name}`). */
  writes?: number | string[];
  /** API requests of any kind during the step. */
  requests?: number;
  /** At least this many answers with each status (`429`) or class (`5xx`) during the step: the faults did happen. */
  statuses_at_least?: Record<string, number>;
  remote?: RemoteExpectations;
  /** The other workspaces of remote.yaml, by name: their connectors and the writes they received. */
  workspaces?: Record<string, { remote?: RemoteExpectations; writes?: number | string[] }>;
  stdout_contains?: string[];
  stdout_excludes?: string[];
  stderr_contains?: string[];
  stderr_excludes?: string[];
  /** Matched partially (toMatchObject) against the parsed JSON output. */
  json?: Record<string, unknown>;
  /** Files in the working copy (`{work}`-relative paths) and text each must contain. */
  files?: Record<string, { contains?: string[]; excludes?: string[] }>;
}

/** One run of the CLI. */
export interface Step {
  name?: string;
  /** Default `sync`. */
  command: 'sync' | 'auth' | 'export' | 'validate' | 'diff';
  args: string[];
  /** Added to (or, with null, removed from) the environment. */
  env: Record<string, string | null>;
  exit: number[];
  /** Emulator faults during this step only. */
  faults?: Partial<FaultSettings>;
  /** List pages serve these connectors (by name) out of the API's own schema during this step only. */
  malformed?: Record<string, MalformedItem>;
  /** Another writer, at an exact moment: just before the first request matching `when` ("POST /v1/connectors"). */
  race?: Array<{ when: string; insert?: SeedConnector[]; delete?: string[] }>;
  before?: BeforeStep;
  expect: StepExpectations;
}

/** A whole scenario, as read from its folder. */
export interface Scenario {
  name: string;
  dir: string;
  remote: RemoteSpec;
  env: Record<string, string>;
  generate: GenerateSpec;
  steps: Step[];
}

const STEP_KEYS = [
  'name',
  'command',
  'args',
  'env',
  'exit',
  'faults',
  'malformed',
  'race',
  'before',
  'expect',
];
const BEFORE_KEYS = [
  'desired',
  'mark_authenticated',
  'set_tools',
  'insert',
  'patch',
  'delete',
  'edit_json',
  'links',
];
const EXPECT_KEYS = [
  'plan',
  'refusals',
  'writes',
  'requests',
  'statuses_at_least',
  'remote',
  'stdout_contains',
  'stdout_excludes',
  'stderr_contains',
  'stderr_excludes',
  'json',
  'files',
  'workspaces',
];
const REMOTE_EXPECT_KEYS = ['names', 'count', 'count_matching', 'present', 'absent', 'fields', 'kept_id'];

/** Reads and checks a scenario folder; throws with the file and key of any mistake in the data. */
export async function readScenario(dir: string, name: string): Promise<Scenario> {
  const stepsData = await readYaml(join(dir, 'steps.yaml'), undefined);
  const where = `${name}/steps.yaml`;
  if (!Array.isArray(stepsData) || stepsData.length === 0)
    throw new Error(`${where}: expected a list of steps`);
  const generate = checkGenerate(await readYaml(join(dir, 'generate.yaml'), {}), `${name}/generate.yaml`);
  // connectors/ is the CLI's default path, for scenarios about running without one; generated
  // files land in desired/ at run time (git keeps no empty folder, so it may not exist here)
  const hasFolder = (await exists(join(dir, 'desired'))) || (await exists(join(dir, 'connectors')));
  if (!hasFolder && (generate.desired ?? []).length === 0)
    throw new Error(`${name}: has no desired/ (or connectors/) folder and generates no desired file`);
  const env = await readYaml(join(dir, 'env.yaml'), {});
  checkStringMap(env, `${name}/env.yaml`);
  return {
    name,
    dir,
    remote: checkRemote(await readYaml(join(dir, 'remote.yaml'), {}), `${name}/remote.yaml`),
    env: env as Record<string, string>,
    generate,
    steps: stepsData.map((step, index) => checkStep(step, `${where}[${index}]`)),
  };
}

function checkRemote(data: unknown, where: string): RemoteSpec {
  const value = record(data, where);
  onlyKeys(
    value,
    [
      'builtins',
      'connectors',
      'max_page_size',
      'duplicate_names',
      'auth_methods_update',
      'key_scope',
      'org_admin',
      'agents',
      'agents_access',
      'workspaces',
    ],
    where,
  );
  for (const [key, choices] of [
    ['auth_methods_update', ['replace', 'merge']],
    ['key_scope', ['all', 'shared_only']],
    ['agents_access', ['all', 'forbidden']],
  ] as const) {
    if (value[key] !== undefined && !(choices as readonly unknown[]).includes(value[key]))
      throw new Error(`${where}.${key}: expected ${choices.join(' or ')}`);
  }
  if (value.connectors !== undefined && !Array.isArray(value.connectors))
    throw new Error(`${where}.connectors: expected a list`);
  return {
    builtins: value.builtins !== false,
    connectors: (value.connectors ?? []) as SeedConnector[],
    max_page_size: typeof value.max_page_size === 'number' ? value.max_page_size : null,
    duplicate_names: value.duplicate_names === true,
    auth_methods_update: value.auth_methods_update === 'merge' ? 'merge' : 'replace',
    key_scope: value.key_scope === 'shared_only' ? 'shared_only' : 'all',
    org_admin: value.org_admin !== false,
    agents: (value.agents ?? []) as SeedAgent[],
    agents_access: value.agents_access === 'forbidden' ? 'forbidden' : 'all',
    workspaces: checkWorkspaces(value.workspaces ?? {}, `${where}.workspaces`),
  };
}

function checkWorkspaces(data: unknown, where: string): Record<string, WorkspaceSpec> {
  const workspaces: Record<string, WorkspaceSpec> = {};
  for (const [name, entry] of Object.entries(record(data, where))) {
    const value = record(entry, `${where}.${name}`);
    onlyKeys(value, ['key', 'connectors', 'builtins'], `${where}.${name}`);
    if (typeof value.key !== 'string' || value.key === '')
      throw new Error(`${where}.${name}.key: expected the workspace's API key`);
    if (value.connectors !== undefined && !Array.isArray(value.connectors))
      throw new Error(`${where}.${name}.connectors: expected a list`);
    workspaces[name] = {
      key: value.key,
      connectors: (value.connectors ?? []) as SeedConnector[],
      builtins: value.builtins !== false,
    };
  }
  return workspaces;
}

function checkGenerate(data: unknown, where: string): GenerateSpec {
  const value = record(data, where);
  onlyKeys(value, ['remote', 'desired'], where);
  for (const side of ['remote', 'desired'] as const) {
    const ranges = value[side] ?? [];
    if (!Array.isArray(ranges)) throw new Error(`${where}.${side}: expected a list`);
    ranges.forEach((range, index) => {
      const at = `${where}.${side}[${index}]`;
      const entry = record(range, at);
      onlyKeys(
        entry,
        side === 'desired'
          ? ['file', 'from', 'to', 'width', 'template']
          : ['from', 'to', 'width', 'template'],
        at,
      );
      if (!Number.isInteger(entry.from) || !Number.isInteger(entry.to))
        throw new Error(`${at}: from and to are numbers`);
      record(entry.template, `${at}.template`);
    });
  }
  return value as GenerateSpec;
}

function checkStep(data: unknown, where: string): Step {
  const value = record(data, where);
  onlyKeys(value, STEP_KEYS, where);
  if (!Array.isArray(value.args) || !value.args.every((arg) => typeof arg === 'string'))
    throw new Error(`${where}.args: expected a list of strings`);
  const exit = Array.isArray(value.exit) ? value.exit : [value.exit];
  if (!exit.every((code) => Number.isInteger(code))) throw new Error(`${where}.exit: expected an exit code`);
  const env = value.env === undefined ? {} : record(value.env, `${where}.env`);
  const command = value.command ?? 'sync';
  if (!['sync', 'auth', 'export', 'validate', 'diff'].includes(command as string))
    throw new Error(`${where}.command: expected sync, auth, export, validate or diff`);
  if (value.before !== undefined) {
    const before = record(value.before, `${where}.before`);
    onlyKeys(before, BEFORE_KEYS, `${where}.before`);
    for (const [index, edit] of ((before.edit_json ?? []) as unknown[]).entries()) {
      onlyKeys(
        record(edit, `${where}.before.edit_json[${index}]`),
        ['file', 'from', 'set', 'append'],
        `${where}.before.edit_json[${index}]`,
      );
    }
  }
  const expect = value.expect === undefined ? {} : record(value.expect, `${where}.expect`);
  onlyKeys(expect, EXPECT_KEYS, `${where}.expect`);
  if (expect.remote !== undefined)
    onlyKeys(record(expect.remote, `${where}.expect.remote`), REMOTE_EXPECT_KEYS, `${where}.expect.remote`);
  for (const [name, want] of Object.entries(
    expect.workspaces === undefined ? {} : record(expect.workspaces, `${where}.expect.workspaces`),
  )) {
    const at = `${where}.expect.workspaces.${name}`;
    onlyKeys(record(want, at), ['remote', 'writes'], at);
    const remote = (want as { remote?: unknown }).remote;
    if (remote !== undefined) onlyKeys(record(remote, `${at}.remote`), REMOTE_EXPECT_KEYS, `${at}.remote`);
  }
  for (const [name, how] of Object.entries(
    value.malformed === undefined ? {} : record(value.malformed, `${where}.malformed`),
  )) {
    onlyKeys(record(how, `${where}.malformed.${name}`), ['unset', 'set'], `${where}.malformed.${name}`);
  }
  if (value.race !== undefined) {
    if (!Array.isArray(value.race)) throw new Error(`${where}.race: expected a list`);
    value.race.forEach((race, index) => {
      onlyKeys(
        record(race, `${where}.race[${index}]`),
        ['when', 'insert', 'delete'],
        `${where}.race[${index}]`,
      );
    });
  }
  return {
    ...(typeof value.name === 'string' ? { name: value.name } : {}),
    command: command as Step['command'],
    args: value.args as string[],
    env: env as Record<string, string | null>,
    exit: exit as number[],
    ...(value.faults === undefined ? {} : { faults: value.faults as Partial<FaultSettings> }),
    ...(value.malformed === undefined ? {} : { malformed: value.malformed as Step['malformed'] }),
    ...(value.race === undefined ? {} : { race: value.race as Step['race'] }),
    ...(value.before === undefined ? {} : { before: value.before as BeforeStep }),
    expect: expect as StepExpectations,
  };
}

async function readYaml(path: string, fallback: unknown): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && fallback !== undefined) return fallback;
    throw error;
  }
  return parse(text) ?? fallback;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${where}: expected a mapping`);
  return value as Record<string, unknown>;
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0)
    throw new Error(`${where}: unknown key ${unknown.join(', ')} (expected ${allowed.join(', ')})`);
}

function checkStringMap(value: unknown, where: string): void {
  for (const [key, entry] of Object.entries(record(value, where))) {
    if (typeof entry !== 'string') throw new Error(`${where}.${key}: expected a string`);
  }
}
