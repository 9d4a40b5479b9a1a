import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  type FaultSettings,
  type RequestLogEntry,
  type RunningEmulator,
  type SeedConnector,
  seededRandom,
  startEmulator,
} from '../../../src/emulator/index.js';
import { CANARY } from './canary.js';

/**
 * A workspace for one fault scenario: 500 desired connectors in YAML files (headers and OAuth
 * client secrets from the canaries), and an emulator seeded with what a real workspace has
 * around them: some of the 500 already there (half of those stale), orphans in scope that
 * --prune is meant to delete, protected connectors in scope, connectors out of scope, and
 * Mistral's built-ins. Nothing but the orphans may ever be deleted.
 */
export interface World {
  root: string;
  connectorsDir: string;
  stateDir: string;
  /** Environment of every CLI child: the canaries come in through it, never through arguments. */
  env: Record<string, string>;
  emulator: RunningEmulator;
  desired: DesiredSpec[];
  /** Names meant to be deleted by --prune. */
  orphans: Set<string>;
  /** Ids that must survive every run: protected, out of scope, built-in. */
  survivors: Map<string, string>;
  /** Desired names that existed before the first run (their write-only fields were never pushed). */
  preexisting: Set<string>;
  close(): Promise<void>;
}

/** One desired connector as its file declares it. */
export interface DesiredSpec {
  name: string;
  description: string;
  server: string;
  system_prompt: string | null;
  oauth: boolean;
}

/** The flags every sync of the suite runs with. */
export const SYNC_FLAGS = ['--prune', '--scope', 'app-*', '--protect', 'app-keep-*'];

/** The environment variable the desired state reads the header canary from. */
const HEADER_ENV = 'FAULTS_HEADER_TOKEN';

function specFor(index: number): DesiredSpec {
  const name = `app-${String(index + 1).padStart(4, '0')}`;
  return {
    name,
    description: `Connector ${name} of the fault suite`,
    server: `https://${name}.example.com/mcp`,
    system_prompt: index % 3 === 0 ? `Use ${name} for the fault suite.` : null,
    oauth: index % 10 === 0,
  };
}

function yamlOf(spec: DesiredSpec): string {
  const lines = [
    `name: ${spec.name}`,
    `description: ${spec.description}`,
    `server: ${spec.server}`,
    'visibility: shared_workspace',
    'headers:',
    `  X-Api-Key: \${env:${HEADER_ENV}}`,
  ];
  if (spec.system_prompt) lines.push('system_prompt: |', `  ${spec.system_prompt}`);
  if (spec.oauth) {
    lines.push(
      'auth_data:',
      `  client_id: ${spec.name}-client`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a connector-sync reference, not a template
      '  client_secret: ${file:../secrets/client_secret}',
    );
  }
  return `${lines.join('\n')}\n`;
}

function seedFor(spec: DesiredSpec, stale: boolean): SeedConnector {
  return {
    name: spec.name,
    description: stale ? 'An older description' : spec.description,
    server: spec.server,
    visibility: 'shared_workspace',
    system_prompt: spec.system_prompt,
  };
}

const other = (name: string): SeedConnector => ({
  name,
  description: `${name}, not declared here`,
  server: `https://${name}.example.com/mcp`,
  visibility: 'shared_workspace',
});

/** Builds a world; `existing` of the desired connectors are seeded (the first half of them stale). */
export async function createWorld(
  options: {
    connectors?: number;
    existing?: number;
    latencyMs?: number;
    seed?: number;
    /** Seed the orphans before the desired connectors, so the first list page shows them. */
    orphansFirst?: boolean;
  } = {},
): Promise<World> {
  const count = options.connectors ?? 500;
  const existing = options.existing ?? 200;
  const root = mkdtempSync(join(tmpdir(), 'cs-faults-'));
  const connectorsDir = join(root, 'connectors');
  const secretsDir = join(root, 'secrets');
  const stateDir = join(root, 'state');
  mkdirSync(connectorsDir);
  mkdirSync(secretsDir);
  writeFileSync(join(secretsDir, 'client_secret'), `${CANARY.clientSecret}\n`);
  writeFileSync(join(secretsDir, 'api_key'), `${CANARY.apiKey}\n`);
  const desired = Array.from({ length: count }, (_, index) => specFor(index));
  for (const spec of desired) writeFileSync(join(connectorsDir, `${spec.name}.yaml`), yamlOf(spec));

  const orphans = Array.from({ length: 20 }, (_, i) => `app-orphan-${String(i + 1).padStart(2, '0')}`);
  const kept = Array.from({ length: 5 }, (_, i) => `app-keep-${String(i + 1).padStart(2, '0')}`);
  const outside = Array.from({ length: 10 }, (_, i) => `other-${String(i + 1).padStart(2, '0')}`);
  // desired ones first by default: a fault that deletes "a connector listed earlier" hits one
  // that sync recreates
  const existingSeeds = desired.slice(0, existing).map((spec, index) => seedFor(spec, index < existing / 2));
  const orphanSeeds = orphans.map(other);
  const seed = [
    ...(options.orphansFirst ? [...orphanSeeds, ...existingSeeds] : [...existingSeeds, ...orphanSeeds]),
    ...kept.map(other),
    ...outside.map(other),
  ];
  const emulator = await startEmulator({
    seed,
    faults: { latencyMs: options.latencyMs ?? 1 },
    random: seededRandom(options.seed ?? 6),
    requestLogLimit: 100_000,
  });
  const survivors = new Map<string, string>();
  for (const record of emulator.store.list()) {
    if (record.mistral || kept.includes(record.name) || outside.includes(record.name))
      survivors.set(record.id, record.name);
  }
  return {
    root,
    connectorsDir,
    stateDir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: root,
      NO_COLOR: '1',
      MISTRAL_API_KEY_FILE: join(secretsDir, 'api_key'),
      MISTRAL_API_URL: emulator.url,
      CONNECTOR_SYNC_STATE_DIR: stateDir,
      [HEADER_ENV]: CANARY.header,
    },
    emulator,
    desired,
    orphans: new Set(orphans),
    survivors,
    preexisting: new Set(desired.slice(0, existing).map((spec) => spec.name)),
    close: async () => {
      await emulator.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Arms emulator faults; `clearFaults` puts the emulator back to a clean (fast) API. */
export function setFaults(world: World, faults: Partial<FaultSettings>): void {
  world.emulator.setFaults(faults);
}

/** No faults left, the world's latency kept. */
export function clearFaults(world: World, latencyMs = 1): void {
  world.emulator.setFaults({ latencyMs, errorRate: 0, rateLimitPerSecond: null, rules: [] });
}

/** DELETE requests that reached the API for a connector that was not an orphan. */
export function unintendedDeletes(world: World, orphanIds: ReadonlySet<string>): RequestLogEntry[] {
  return world.emulator.requestLog.filter((entry) => {
    if (entry.method !== 'DELETE' || entry.path.endsWith('/share')) return false;
    const id = decodeURIComponent(entry.path.split('/').pop() ?? '');
    return !orphanIds.has(id);
  });
}

/** Ids of the orphans as seeded (what --prune may delete). */
export function orphanIds(world: World): Set<string> {
  return new Set(
    world.emulator.store
      .list()
      .filter((record) => world.orphans.has(record.name))
      .map((record) => record.id),
  );
}

/**
 * Remote equals desired: every desired connector exists once with the declared fields (and the
 * write-only values it was created with), no orphan is left, no other managed name appears, every
 * survivor is still there with its id, and no name is held twice.
 */
export function expectConverged(world: World): void {
  const records = world.emulator.store.list();
  const names = records.map((record) => record.name);
  expect(names.length - new Set(names).size, 'duplicate names').toBe(0);
  const byName = new Map(records.map((record) => [record.name, record]));
  const mismatched: string[] = [];
  for (const spec of world.desired) {
    const record = byName.get(spec.name);
    const fields = record && {
      description: record.description,
      server: record.server,
      system_prompt: record.system_prompt?.trimEnd() ?? null,
      visibility: record.visibility,
    };
    const wanted = {
      description: spec.description,
      server: spec.server,
      system_prompt: spec.system_prompt,
      visibility: 'shared_workspace',
    };
    if (JSON.stringify(fields) !== JSON.stringify(wanted)) mismatched.push(spec.name);
    if (record && !world.preexisting.has(spec.name)) {
      // written once on create; compared without printing them (they are canaries)
      // create's organization-level headers, or the auth method's global headers
      const sent = JSON.stringify([record.org_headers, record.auth_methods]);
      if (!sent.includes(CANARY.header)) mismatched.push(`${spec.name} (headers)`);
      const oauth = record.auth_methods.find((method) => method.method_type === 'oauth2');
      if (spec.oauth && oauth?.oauth2_metadata_secrets?.client_secret !== CANARY.clientSecret)
        mismatched.push(`${spec.name} (auth_data)`);
    }
  }
  expect(mismatched, 'connectors that differ from their files').toEqual([]);
  const declared = new Set(world.desired.map((spec) => spec.name));
  const strays = names.filter(
    (name) => name.startsWith('app-') && !name.startsWith('app-keep-') && !declared.has(name),
  );
  expect(strays, 'managed connectors that should have been pruned').toEqual([]);
  const ids = new Set(records.map((record) => record.id));
  const lost = [...world.survivors].filter(([id]) => !ids.has(id)).map(([, name]) => name);
  expect(lost, 'protected, out-of-scope or built-in connectors that disappeared').toEqual([]);
}
