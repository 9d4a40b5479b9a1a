import type { InvalidRemoteItem, RemoteConnector } from '../api/types.js';
import type { DesiredConnector } from '../config/types.js';
import { planAgents, unknownToolWarnings } from './agents.js';
import { describeConnectors, findLeftovers, indexRemoteNames, type Leftovers } from './ambiguity.js';
import { type AuthComparison, compareAuth } from './auth-methods.js';
import {
  activationOf,
  createSteps,
  credentialSteps,
  type GroupVerdict,
  type ScopedCredentials,
} from './consumers.js';
import { authGroups, fieldsOfGroup, updatableGroups, writeOnlyFields } from './fingerprint.js';
import { applyGuards } from './guards.js';
import { describeInvalid, invalidInScope, invalidItemFor } from './invalid-remote.js';
import { desiredValue, remoteValue } from './normalize.js';
import { orderRenames, renameIsPending } from './renames.js';
import { inScope, isMistralOwned, type Scope } from './scope.js';
import {
  type FieldChange,
  MANAGED_FIELDS,
  type Operation,
  type Plan,
  type PlanOptions,
  type PlanWarning,
  type RemoteRef,
  type SecretGroup,
  type SecretRecord,
  type UnverifiedSecrets,
  type WriteOnlyField,
} from './types.js';

/** What the planner knows about write-only values: records of past pushes and current fingerprints. */
export interface SecretKnowledge {
  /** By remote connector id: a connector re-created under the same name has no record. */
  records: ReadonlyMap<string, SecretRecord>;
  /** Keyed fingerprints of the desired values per group, by connector name (absent when not resolved). */
  fingerprints: ReadonlyMap<string, Partial<Record<SecretGroup, string>>>;
  /** Push values that were never recorded (the daemon, which keeps its records). */
  pushUnrecorded: boolean;
  /**
   * Credentials the API lists, by remote connector id, for connectors that declare `credentials`
   * (read before planning). A connector missing here has its credentials not verified.
   */
  credentials?: ReadonlyMap<string, ScopedCredentials>;
}

const NO_SECRET_KNOWLEDGE: SecretKnowledge = {
  records: new Map(),
  fingerprints: new Map(),
  pushUnrecorded: false,
};

/** Working state of one planning pass. */
interface Planning {
  desired: DesiredConnector[];
  desiredByName: Map<string, DesiredConnector>;
  remoteByName: Map<string, RemoteConnector>;
  /** Names several remote connectors carry: nothing is written for them. */
  ambiguous: Map<string, RemoteConnector[]>;
  /** Connectors an interrupted rename left under a temporary name: completed, never pruned. */
  leftovers: Leftovers;
  /** Final names such a rename cannot reach safely, with every connector involved. */
  blocked: Map<string, RemoteConnector[]>;
  secrets: SecretKnowledge;
  options: PlanOptions;
  scope: Scope;
  operations: Operation[];
  in_sync: string[];
  unverified: UnverifiedSecrets[];
  warnings: PlanWarning[];
  /** Remote ids some desired connector accounts for (kept, updated or renamed). */
  claimed: Set<string>;
}

/**
 * Plans the changes that make the remote connectors match the desired ones. Pure: a function of
 * (desired, remote, secret knowledge, options); it performs no I/O and reads no clock.
 */
export function planChanges(
  desired: readonly DesiredConnector[],
  remote: readonly RemoteConnector[],
  options: PlanOptions,
  secrets: SecretKnowledge = NO_SECRET_KNOWLEDGE,
): Plan {
  const declared = new Map(desired.map((d) => [d.name, d]));
  const names = indexRemoteNames(remote);
  const leftovers = findLeftovers(remote, declared);
  // an interrupted rename is finished first, whatever renamed_from says by now
  const completing = desired.map((d) => completingLeftover(d, leftovers));
  const planning: Planning = {
    desired: completing,
    desiredByName: new Map(completing.map((d) => [d.name, d])),
    remoteByName: names.byName,
    ambiguous: names.ambiguous,
    leftovers,
    blocked: new Map(),
    secrets,
    options,
    scope: { include: options.scope, protect: options.protect },
    operations: [],
    in_sync: [],
    unverified: [],
    warnings: [],
    claimed: new Set(leftovers.ids),
  };
  const renameTargets = new Set(completing.flatMap((d) => (d.renamed_from === null ? [] : [d.renamed_from])));
  planning.blocked = blockedLeftovers(planning, renameTargets);
  holdAmbiguousNames(planning);
  holdStrandedLeftovers(planning);
  const invalid = invalidInScope(options.invalidRemote ?? [], planning.scope);
  for (const connector of completing) {
    if (!leftForInvalid(planning, connector, invalid)) planConnector(planning, connector, renameTargets);
  }
  for (const item of invalid) {
    if (item.name !== null && planning.desiredByName.has(item.name)) continue;
    planning.warnings.push({
      code: 'remote-invalid',
      message: `the API lists ${describeInvalid(item)}, which breaks its own schema: left untouched`,
    });
  }

  const managed = remote.filter(
    (r) => !isMistralOwned(r) && (inScope(r.name, planning.scope) || leftovers.ids.has(r.id)),
  );
  const orphans = managed.filter((r) => !planning.claimed.has(r.id)).map((r) => r.name);
  if (options.prune) {
    for (const name of orphans) planning.operations.push(deleteOperation(planning.remoteByName.get(name)!));
  }
  const plan: Plan = {
    operations: sortOperations(planning.operations),
    in_sync: planning.in_sync.sort(),
    unverified: planning.unverified.sort((a, b) => compare(a.name, b.name)),
    orphans: options.prune ? [] : orphans.sort(),
    warnings: planning.warnings,
    refusals: [],
    basis: managed.map(toRef).sort((a, b) => compare(a.name, b.name)),
    invalid_remote: invalid,
  };
  if (options.agents) {
    plan.agents = planAgents(options.agents, remote, new Set(managed.map((r) => r.id)));
    plan.warnings.push(...unknownToolWarnings(options.agents, managed, options.connectorTools ?? new Map()));
  }
  const guarded = { desiredCount: desired.length, managedCount: managed.length, options, remote };
  plan.refusals = applyGuards(plan, guarded);
  return plan;
}

/** True (with a warning) when the remote connector a desired one would act on breaks the API's schema. */
function leftForInvalid(
  planning: Planning,
  connector: DesiredConnector,
  invalid: readonly InvalidRemoteItem[],
): boolean {
  if (invalid.length === 0) return false;
  const item = invalidItemFor(invalid, [connector.name, connector.renamed_from]);
  if (!item) return false;
  warn(
    planning,
    connector,
    'remote-invalid',
    `${connector.name} is left untouched: the API lists ${describeInvalid(item)}, which breaks its own schema`,
  );
  return true;
}

/** Plans one desired connector: create, rename, update, replace or in sync. */
function planConnector(planning: Planning, connector: DesiredConnector, renameTargets: Set<string>): void {
  const { remoteByName, scope } = planning;
  if (!inScope(connector.name, scope)) {
    warn(
      planning,
      connector,
      'out-of-scope',
      `${connector.name} is declared but protected or outside the scope: left untouched`,
    );
    return;
  }
  const current = remoteByName.get(connector.name);
  if (current && isMistralOwned(current)) {
    warn(
      planning,
      connector,
      'mistral-owned',
      `${connector.name} is the name of a Mistral built-in connector: choose another name`,
    );
    return;
  }
  if (isHeld(planning, connector, current)) return;
  const previous = renameSource(planning, connector, current, renameTargets);
  const existing = previous ?? current;
  if (!existing) {
    if (holdCreate(planning, connector)) return;
    planning.operations.push(createOperation(connector, 'create'));
    return;
  }
  planning.claimed.add(existing.id);
  const consumers = consumerSteps(planning, connector, existing);
  const operations = changeOperations(
    planning,
    connector,
    existing,
    previous ? connector.renamed_from : null,
    consumers,
  );
  planning.operations.push(...operations);
  const unverified = unverifiedFields(planning, connector, existing, operations[0]);
  if (operations[0]?.kind !== 'replace') unverified.push(...consumers.unverified);
  if (unverified.length > 0) planning.unverified.push({ name: connector.name, fields: unverified });
  else if (operations.length === 0) planning.in_sync.push(connector.name);
}

/**
 * The remote connector a rename starts from, if this connector is a rename that can happen: the
 * old name exists, and the new name is free or is itself being renamed away (a swap or a chain).
 */
function renameSource(
  planning: Planning,
  connector: DesiredConnector,
  current: RemoteConnector | undefined,
  renameTargets: Set<string>,
): RemoteConnector | undefined {
  const oldName = connector.renamed_from;
  if (oldName === null) return undefined;
  const previous = planning.remoteByName.get(oldName);
  if (!previous) return undefined;
  if (!renameIsPending(connector, planning.desiredByName, planning.remoteByName, renameDistance))
    return undefined;
  // a leftover's scope is that of the name it was going to, this connector's
  const leftover = planning.leftovers.ids.has(previous.id);
  if (isMistralOwned(previous) || (!leftover && !inScope(oldName, planning.scope))) {
    warn(
      planning,
      connector,
      'rename-out-of-scope',
      `renamed_from ${oldName} is protected, outside the scope or Mistral's: not renamed`,
    );
    return undefined;
  }
  if (current && !renameTargets.has(connector.name)) {
    warn(
      planning,
      connector,
      'rename-both-exist',
      `renamed_from ${oldName} ignored: both ${oldName} and ${connector.name} exist; ${oldName} is no longer declared`,
    );
    return undefined;
  }
  return previous;
}

/** The operations that turn `remote` into `connector`; empty when they already match. */
function changeOperations(
  planning: Planning,
  connector: DesiredConnector,
  remote: RemoteConnector,
  oldName: string | null,
  consumers: ConsumerSteps,
): Operation[] {
  const visibility = visibilityChange(remote, connector);
  const metadataUrl = metadataUrlChange(planning, connector, remote);
  if (visibility?.via === 'replace' || metadataUrl) {
    const replace = createOperation(connector, 'replace');
    if (metadataUrl) replace.changes.push(metadataUrl);
    return [
      {
        ...replace,
        remote: toRef(remote),
        visibility: visibility ?? replace.visibility,
        renamed_from: oldName,
      },
    ];
  }
  const auth = compareAuth(connector, remote);
  const changes = [...fieldChanges(connector, remote), ...auth.changes];
  if (oldName !== null) changes.unshift({ field: 'name', before: remote.name, after: connector.name });
  const secrets = secretPush(planning, connector, remote, auth);
  const { activation, credentials } = consumers;
  const quiet = activation === null && credentials.length === 0;
  if (changes.length === 0 && secrets === null && visibility === null && quiet) return [];
  return [
    {
      kind: oldName === null ? 'update' : 'rename',
      name: connector.name,
      remote: toRef(remote),
      changes,
      secrets,
      visibility,
      ...(activation ? { activation } : {}),
      ...(credentials.length > 0 ? { credentials } : {}),
      renamed_from: oldName,
      temporary: false,
      destructive: false,
      source: connector.source,
    },
  ];
}

/**
 * A changed `oauth2_server_metadata_url`, known only from the fingerprint recorded when the
 * connector was created: the update has no such field, so it takes a replace. Without a record
 * nothing is known to have changed, and the plan says "not verified" instead of replacing.
 */
function metadataUrlChange(
  planning: Planning,
  connector: DesiredConnector,
  remote: RemoteConnector,
): Operation['changes'][number] | null {
  if (connector.oauth2_server_metadata_url === null) return null;
  const recorded = planning.secrets.records.get(remote.id)?.fingerprints.oauth2_server_metadata_url;
  const current = planning.secrets.fingerprints.get(connector.name)?.oauth2_server_metadata_url;
  if (recorded === undefined || current === undefined || recorded === current) return null;
  return { field: 'oauth2_server_metadata_url', before: null, after: connector.oauth2_server_metadata_url };
}

/** What `active_for` and `credentials` need on an existing connector, and what cannot be told. */
interface ConsumerSteps {
  activation: Operation['activation'];
  credentials: NonNullable<Operation['credentials']>;
  unverified: WriteOnlyField[];
}

function consumerSteps(
  planning: Planning,
  connector: DesiredConnector,
  remote: RemoteConnector,
): ConsumerSteps {
  const steps: ConsumerSteps = { activation: null, credentials: [], unverified: [] };
  if (connector.active_for === null && connector.credentials === null) return steps;
  const verdict = groupVerdict(planning, connector, remote);
  if (connector.active_for !== null) {
    const activeFor = verdict('active_for');
    if (activeFor === 'send') steps.activation = activationOf(connector.active_for);
    if (activeFor === 'unverified') steps.unverified.push('active_for');
  }
  if (connector.credentials === null) return steps;
  const listed = planning.secrets.credentials?.get(remote.id);
  if (listed === undefined) {
    steps.unverified.push('credentials');
    return steps;
  }
  const found = credentialSteps(connector, listed, verdict, planning.options.prune);
  steps.credentials = found.steps;
  if (found.unverified) steps.unverified.push('credentials');
  if (found.undeclared.length > 0) {
    warn(
      planning,
      connector,
      'credential-orphan',
      `${connector.name} has credentials the files do not declare (${found.undeclared.join(', ')}): deleted only with --prune`,
    );
  }
  return steps;
}

/**
 * Whether a write-only group is sent: on request (--push-secrets), on a new secret_version, or when
 * its fingerprint differs from the one recorded; without a record (or a fingerprint) it cannot be told.
 */
function groupVerdict(
  planning: Planning,
  connector: DesiredConnector,
  remote: RemoteConnector,
): (group: SecretGroup) => GroupVerdict {
  const { records, fingerprints, pushUnrecorded } = planning.secrets;
  const requested = planning.options.pushSecrets;
  const record = records.get(remote.id);
  const forced =
    requested.includes('*') ||
    requested.includes(connector.name) ||
    (record !== undefined &&
      connector.secret_version !== null &&
      record.secretVersion !== connector.secret_version);
  const current = fingerprints.get(connector.name);
  return (group) => {
    if (forced) return 'send';
    const fingerprint = current?.[group];
    if (fingerprint === undefined) return 'unverified';
    const recorded = record?.fingerprints[group];
    if (recorded === undefined) return pushUnrecorded ? 'send' : 'unverified';
    return recorded === fingerprint ? 'verified' : 'send';
  };
}

/** Managed fields whose normalized values differ. */
export function fieldChanges(connector: DesiredConnector, remote: RemoteConnector): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of MANAGED_FIELDS) {
    const before = remoteValue(remote, field);
    const after = desiredValue(connector, field);
    if (before !== after) changes.push({ field, before, after });
  }
  return changes;
}

/** How far a remote connector is from a desired one: the managed fields and the visibility that differ. */
function renameDistance(connector: DesiredConnector, remote: RemoteConnector): number {
  return fieldChanges(connector, remote).length + (remote.visibility === connector.visibility ? 0 : 1);
}

/** How the visibility changes, if it does: share/unshare where the API has it, else a replace. */
function visibilityChange(remote: RemoteConnector, connector: DesiredConnector): Operation['visibility'] {
  const from = remote.visibility;
  const to = connector.visibility;
  if (from === to) return null;
  if (from === 'private' && to === 'shared_workspace') return { from, to, via: 'share' };
  if (from === 'shared_workspace' && to === 'private') return { from, to, via: 'unshare' };
  return { from, to, via: 'replace' };
}

/**
 * Whether this plan sends the connector's auth method (its header values, OAuth client credentials
 * and metadata, always together), and why. Groups the API shows are compared, not fingerprinted.
 */
function secretPush(
  planning: Planning,
  connector: DesiredConnector,
  remote: RemoteConnector,
  auth: AuthComparison,
): Operation['secrets'] {
  const groups = updatableGroups(connector);
  if (groups.length === 0) return null;
  const fields = groups.flatMap((group) => fieldsOfGroup(connector, group));
  const { records, fingerprints, pushUnrecorded } = planning.secrets;
  const requested = planning.options.pushSecrets;
  if (requested.includes('*') || requested.includes(connector.name)) return { fields, reason: 'requested' };
  const record = records.get(remote.id);
  if (record && connector.secret_version !== null && record.secretVersion !== connector.secret_version)
    return { fields, reason: 'secret-version' };
  const current = fingerprints.get(connector.name);
  for (const group of groups) {
    const fingerprint = current?.[group];
    if (auth.readable.has(group) || fingerprint === undefined) continue;
    const recorded = record?.fingerprints[group];
    if (recorded === undefined ? pushUnrecorded : recorded !== fingerprint)
      return { fields, reason: 'fingerprint' };
  }
  return auth.changes.length > 0 ? { fields, reason: 'auth-method' } : null;
}

/**
 * Write-only fields this plan neither sends nor can prove unchanged (the API does not show them and
 * no record of a past push has the same fingerprint): the plan says so instead of calling them in sync.
 */
function unverifiedFields(
  planning: Planning,
  connector: DesiredConnector,
  remote: RemoteConnector,
  operation: Operation | undefined,
): WriteOnlyField[] {
  const groups = authGroups(connector);
  if (groups.length === 0 || operation?.kind === 'replace') return [];
  const sent = new Set<SecretGroup>(operation?.secrets ? updatableGroups(connector) : []);
  const readable = compareAuth(connector, remote).readable;
  const record = planning.secrets.records.get(remote.id);
  const current = planning.secrets.fingerprints.get(connector.name);
  return groups
    .filter((group) => !sent.has(group) && !readable.has(group))
    .filter((group) => {
      const recorded = record?.fingerprints[group];
      return recorded === undefined || recorded !== current?.[group];
    })
    .flatMap((group) => fieldsOfGroup(connector, group));
}

/** A create (or the create half of a replace) of a desired connector. */
function createOperation(connector: DesiredConnector, kind: 'create' | 'replace'): Operation {
  const fields = writeOnlyFields(connector);
  const changes: FieldChange[] = MANAGED_FIELDS.map((field) => ({
    field,
    before: null,
    after: desiredValue(connector, field),
  })).filter((change) => change.after !== null);
  return {
    kind,
    name: connector.name,
    remote: null,
    changes,
    secrets: fields.length > 0 ? { fields, reason: kind } : null,
    visibility: { from: null, to: connector.visibility, via: 'create' },
    ...createSteps(connector),
    renamed_from: null,
    temporary: false,
    destructive: kind === 'replace',
    source: connector.source,
  };
}

/** A delete of a remote connector no longer declared. */
function deleteOperation(remote: RemoteConnector): Operation {
  return {
    kind: 'delete',
    name: remote.name,
    remote: toRef(remote),
    changes: [],
    secrets: null,
    visibility: null,
    renamed_from: null,
    temporary: false,
    destructive: true,
    source: null,
  };
}

/** Renames first (in an order that frees each target name), then creates, updates, replaces, deletes. */
function sortOperations(operations: Operation[]): Operation[] {
  const byKind = (kind: Operation['kind']) =>
    operations.filter((op) => op.kind === kind).sort((a, b) => compare(a.name, b.name));
  return [
    ...orderRenames(byKind('rename')),
    ...byKind('create'),
    ...byKind('update'),
    ...byKind('replace'),
    ...byKind('delete'),
  ];
}

function warn(planning: Planning, connector: DesiredConnector, code: string, message: string): void {
  planning.warnings.push({ code, message, name: connector.name, source: connector.source });
}

/** The desired connector renamed from the temporary name a connector was left under on its way here. */
function completingLeftover(connector: DesiredConnector, leftovers: Leftovers): DesiredConnector {
  const left = leftovers.byFinal.get(connector.name);
  return left?.length === 1 ? { ...connector, renamed_from: left[0]!.name } : connector;
}

/**
 * Every connector of an ambiguous name (in scope) is claimed, so none is pruned, and reported
 * once, with every id. Desired connectors that carry or rename from the name are skipped.
 */
function holdAmbiguousNames(planning: Planning): void {
  for (const [name, connectors] of planning.ambiguous) {
    if (!inScope(name, planning.scope) || connectors.every(isMistralOwned)) continue;
    for (const connector of connectors) planning.claimed.add(connector.id);
    const user = planning.desired.find((d) => d.name === name || d.renamed_from === name);
    planning.warnings.push({
      code: 'ambiguous-name',
      message:
        `${connectors.length} remote connectors are named ${name} (${connectors.map((c) => c.id).join(', ')}): ` +
        'nothing is changed for that name until a person renames or deletes all but one of them',
      name,
      ...(user ? { source: user.source } : {}),
      ids: connectors.map((c) => c.id),
      held: true,
    });
  }
}

/**
 * Connectors left under a temporary name whose final name is no longer declared, or cannot be told
 * (an earlier version's temporary name): kept, reported.
 */
function holdStrandedLeftovers(planning: Planning): void {
  for (const connector of planning.leftovers.stranded) {
    planning.warnings.push({
      code: 'temporary-name-left',
      message:
        `${describeConnectors([connector])} was left under a temporary name by an interrupted rename, ` +
        'and the name it was going to is no longer declared: it is kept; declare that name again to ' +
        'finish the rename, or rename or delete it by hand',
      name: connector.name,
      ids: [connector.id],
      held: true,
    });
  }
  for (const { connector, from } of planning.leftovers.unplaced) {
    planning.warnings.push({
      code: 'temporary-name-left',
      message:
        `${describeConnectors([connector])} was left under a temporary name by an interrupted rename ` +
        `(of an earlier connector-sync) away from ${from}, and no declared connector has ` +
        `renamed_from: ${from} to say where it was going: it is kept; declare renamed_from: ${from} ` +
        'on the connector it was going to, to finish the rename, or rename or delete it by hand',
      name: connector.name,
      ids: [connector.id],
      held: true,
    });
  }
}

/**
 * The final names an interrupted rename cannot reach safely: two leftovers go to one name, or the
 * name is held by a connector that no declared rename moves away (renamed_from left the files).
 */
function blockedLeftovers(
  planning: Planning,
  renameTargets: ReadonlySet<string>,
): Map<string, RemoteConnector[]> {
  const blocked = new Map<string, RemoteConnector[]>();
  for (const [final, left] of planning.leftovers.byFinal) {
    const holder = planning.remoteByName.get(final);
    if (left.length > 1) blocked.set(final, left);
    else if (holder && !renameTargets.has(final)) blocked.set(final, [holder, ...left]);
  }
  return blocked;
}

/**
 * Whether a desired connector is held back (no write for it): its name or the name it is renamed
 * from is ambiguous, or it is the final name of an interrupted rename that cannot be reached.
 */
function isHeld(
  planning: Planning,
  connector: DesiredConnector,
  current: RemoteConnector | undefined,
): boolean {
  const { ambiguous } = planning;
  const oldName = connector.renamed_from;
  if (ambiguous.has(connector.name) || (oldName !== null && ambiguous.has(oldName))) {
    // what it would have been renamed from or matched with is kept too (the ambiguous ones already are)
    const source = oldName === null ? undefined : planning.remoteByName.get(oldName);
    for (const remote of [current, source]) if (remote) planning.claimed.add(remote.id);
    return true;
  }
  const involved = planning.blocked.get(connector.name);
  if (involved === undefined) return false;
  for (const remote of involved) planning.claimed.add(remote.id);
  const left = involved.filter((remote) => planning.leftovers.ids.has(remote.id));
  const holder = involved.find((remote) => !planning.leftovers.ids.has(remote.id));
  planning.warnings.push({
    code: 'temporary-name-blocked',
    message:
      `an interrupted rename left ${describeConnectors(left)} on its way to ${connector.name}, ` +
      (holder
        ? `but ${describeConnectors([holder])} holds that name and no renamed_from moves it away`
        : 'more than once') +
      ': nothing is changed for that name until renamed_from is declared again (to finish the rename) ' +
      'or a person renames or deletes one of them',
    name: connector.name,
    source: connector.source,
    ids: involved.map((r) => r.id),
    held: true,
  });
  return true;
}

/**
 * While an interrupted rename cannot be finished, a missing name may be where one of its
 * connectors was going (a swap cut halfway leaves one name free): creating it would take that
 * name from it for good. So is any missing name while a leftover's destination cannot be told.
 */
function holdCreate(planning: Planning, connector: DesiredConnector): boolean {
  const unplaced = planning.leftovers.unplaced.map((u) => u.connector);
  if (planning.blocked.size === 0 && unplaced.length === 0) return false;
  const involved = [...[...planning.blocked.values()].flat(), ...unplaced];
  planning.warnings.push({
    code: 'create-held',
    message:
      `${connector.name} is not created while an interrupted rename is unfinished ` +
      `(${describeConnectors(involved)}): it may be the name one of them was going to`,
    name: connector.name,
    source: connector.source,
    ids: involved.map((r) => r.id),
    held: true,
  });
  return true;
}

/** The identity and version of a remote connector, as a plan records it. */
export function toRef(remote: RemoteConnector): RemoteRef {
  return { id: remote.id, name: remote.name, modified_at: remote.modified_at };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
