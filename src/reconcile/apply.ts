import type { ConnectorsApi, RemoteConnector } from '../api/types.js';
import type { DesiredConnector } from '../config/types.js';
import { asInternalError, ConnectorSyncError, isConnectorSyncError } from '../errors.js';
import { runPool } from '../pool.js';
import { runConsumerSteps } from './apply-consumers.js';
import { carriedBy, convergeBody, createBody, isEmptyBody, updateBody } from './bodies.js';
import { KeyScopeProbe, sharedOrgRefusal } from './key-scope.js';
import type { Operation, OperationResult, Plan } from './types.js';

/** How the applier runs. */
export interface ApplyOptions {
  /** Writes in flight at once; the client's rate governor slows them further when the API pushes back. */
  concurrency: number;
  /** Once aborted, no new operation starts; those in flight finish. */
  signal?: AbortSignal;
  /** Called after each operation, for progress on a TTY and for logs. */
  onResult?: (result: OperationResult, done: number, total: number) => void;
  /** The listing showed a private connector: the key sees them, so creates need no read-back. */
  privateSeen?: boolean;
}

/** One result per operation, in plan order. */
export interface ApplyResult {
  results: OperationResult[];
  failed: number;
}

/**
 * The only writer. Runs a plan's operations in phases (renames, creates and updates, ordered only
 * where they share a name; then replaces; then deletes last), continues past failures, and returns one result per
 * operation; a failure carries its cause. Running again converges.
 */
export async function applyPlan(
  plan: Plan,
  desired: ReadonlyMap<string, DesiredConnector>,
  api: ConnectorsApi,
  options: ApplyOptions,
): Promise<ApplyResult> {
  const results = new Map<Operation, OperationResult>();
  const total = plan.operations.length;
  const record = (result: OperationResult) => {
    results.set(result.operation, result);
    options.onResult?.(result, results.size, total);
  };
  const probe = new KeyScopeProbe(options.privateSeen === true);
  const run = async (op: Operation) => record(await runOperation(op, desired.get(op.name), api, probe));
  const skip = (op: Operation) =>
    record({ operation: op, status: 'skipped', note: `not started: ${stopReason(options.signal)}` });
  const phase = (kinds: Operation['kind'][]) => plan.operations.filter((op) => kinds.includes(op.kind));
  const pool = { signal: options.signal, onSkipped: skip };

  // renames, creates and updates together, batch after batch: an operation waits only for the
  // batch that frees or takes a name it uses (a chain's next link, a create of a renamed-away name)
  const first = [...phase(['rename']), ...phase(['create', 'update'])];
  for (const batch of nameBatches(first)) await runPool(batch, options.concurrency, run, pool);
  await runPool(phase(['replace']), options.concurrency, run, pool);
  await runPool(phase(['delete']), options.concurrency, run, pool);

  const ordered = plan.operations.map((op) => results.get(op)!);
  return { results: ordered, failed: ordered.filter((r) => r.status === 'failed').length };
}

/** Why the pool stopped starting operations: the run's time ran out, or someone interrupted it. */
function stopReason(signal: AbortSignal | undefined): string {
  return isConnectorSyncError(signal?.reason) && signal.reason.code === 'RUN_TIMEOUT'
    ? 'the run timed out'
    : 'interrupted';
}

/**
 * Splits operations into batches that can run at once: each goes into the first batch after every
 * earlier operation (in the given order) that shares one of its names, old or new: the second
 * half of a swap, a chain's next link, a create of the name a rename frees. Independent
 * operations all land in the first batch, so renames, creates and updates cost
 * ceil(k / concurrency) rounds together instead of a phase each.
 */
export function nameBatches(operations: readonly Operation[]): Operation[][] {
  const batches: Operation[][] = [];
  const lastBatchOf = new Map<string, number>();
  for (const op of operations) {
    const names = op.renamed_from ? [op.name, op.renamed_from] : [op.name];
    const level = Math.max(-1, ...names.map((name) => lastBatchOf.get(name) ?? -1)) + 1;
    if (batches[level] === undefined) batches[level] = [];
    batches[level].push(op);
    for (const name of names) lastBatchOf.set(name, level);
  }
  return batches;
}

/** Runs one operation and turns any error into a failed result with its cause. */
async function runOperation(
  op: Operation,
  connector: DesiredConnector | undefined,
  api: ConnectorsApi,
  probe: KeyScopeProbe,
): Promise<OperationResult> {
  try {
    if (op.kind !== 'delete' && !op.temporary && !connector) {
      throw new ConnectorSyncError('PLAN_STALE', `${op.name} is no longer in the desired state`);
    }
    switch (op.kind) {
      case 'create':
        return await thenConsumers(await createConverging(op, connector!, api, probe), connector, api);
      case 'rename':
      case 'update':
        return await thenConsumers(await updateRereading(op, connector, api), connector, api);
      case 'replace': {
        await deleteRereading(op, api);
        const created = await createConverging(op, connector!, api);
        return await thenConsumers({ ...created, note: 'replaced: deleted, then created' }, connector, api);
      }
      case 'delete':
        return await deleteRereading(op, api);
    }
  } catch (error) {
    return {
      operation: op,
      status: 'failed',
      cause: isConnectorSyncError(error) ? sharedOrgRefusal(op, connector, error) : asInternalError(error),
    };
  }
}

/**
 * After the connector's own write: its activation calls and credential writes, by its UUID (the
 * one the API answered with, else the planned one). A failure there fails the operation, keeping
 * what was accepted before it in `carried`.
 */
async function thenConsumers(
  result: OperationResult,
  connector: DesiredConnector | undefined,
  api: ConnectorsApi,
): Promise<OperationResult> {
  const { operation } = result;
  if (result.status !== 'applied' || !connector) return result;
  if (!operation.activation && !operation.credentials?.length) return result;
  const id = result.remote?.id ?? (operation.kind === 'create' ? undefined : operation.remote?.id);
  if (id === undefined) return result;
  const outcome = await runConsumerSteps(operation, connector, id, api);
  const carried = [...(result.carried ?? []), ...outcome.carried];
  if (outcome.failure) return { ...result, status: 'failed', cause: outcome.failure, carried };
  return { ...result, carried };
}

/**
 * Creates, and when the name turns out to be taken (another writer, or an earlier attempt whose
 * answer was lost) reads that connector and converges on it instead of failing or duplicating.
 */
async function createConverging(
  op: Operation,
  connector: DesiredConnector,
  api: ConnectorsApi,
  probe?: KeyScopeProbe,
): Promise<OperationResult> {
  const stop = probe?.before(connector);
  if (stop) return { operation: op, status: 'failed', cause: stop };
  const body = createBody(connector);
  let remote: RemoteConnector;
  try {
    remote = kept(await api.createConnector(body));
  } catch (error) {
    if (!isNameTaken(error) && !isOutcomeUnknown(error)) throw error;
    const existing = await findByName(api, connector.name);
    if (existing) {
      const converged = await converge(connector, existing, api);
      return {
        operation: op,
        status: 'applied',
        ...converged,
        note: 'adopted the existing connector of that name',
      };
    }
    if (!isOutcomeUnknown(error)) throw error;
    // the first attempt did not create it (the name is free), so one more attempt cannot duplicate
    remote = kept(await api.createConnector(body));
  }
  const hidden = await probe?.after(remote, api);
  // created, but this key cannot read it back: failed, and the remote kept so the run remembers it
  if (hidden) return { operation: op, status: 'failed', cause: hidden, remote };
  return { operation: op, status: 'applied', remote, carried: carriedBy(body) };
}

/** PATCHes (and shares or unshares); a 404 re-reads by name before deciding. */
async function updateRereading(
  op: Operation,
  connector: DesiredConnector | undefined,
  api: ConnectorsApi,
): Promise<OperationResult> {
  const body = updateBody(op, connector);
  let remote: RemoteConnector | undefined;
  try {
    if (!isEmptyBody(body)) remote = kept(await api.updateConnector(op.remote!.id, body));
  } catch (error) {
    if (!isNotFound(error) || !connector) throw error;
    const existing = await findByName(api, connector.name);
    if (!existing)
      return { ...(await createConverging(op, connector, api)), note: 'it had been deleted: created again' };
    return {
      operation: op,
      status: 'applied',
      ...(await converge(connector, existing, api)),
      note: 'it had been replaced: converged on the new one',
    };
  }
  if (op.visibility?.via === 'share') await api.shareConnector(op.remote!.id);
  if (op.visibility?.via === 'unshare') await api.unshareConnector(op.remote!.id);
  if (op.visibility && remote) remote = { ...remote, visibility: op.visibility.to };
  return { operation: op, status: 'applied', ...(remote ? { remote, carried: carriedBy(body) } : {}) };
}

/** Deletes; a 404 re-reads by name: gone is success, a different connector of that name is left alone. */
async function deleteRereading(op: Operation, api: ConnectorsApi): Promise<OperationResult> {
  const ref = op.remote!;
  try {
    const deleted = await api.deleteConnector(ref.id);
    // a retried DELETE that meets a 404: the earlier attempt, whose answer was lost, did it
    if (deleted?.alreadyGone) return { operation: op, status: 'applied', note: 'already deleted' };
    return { operation: op, status: 'applied' };
  } catch (error) {
    if (!isNotFound(error)) throw error;
    const existing = await findByName(api, ref.name);
    if (!existing) return { operation: op, status: 'applied', note: 'already deleted' };
    if (existing.id === ref.id) throw error;
    return {
      operation: op,
      status: 'skipped',
      note: 'a new connector of that name appeared since the plan: not deleted',
    };
  }
}

/**
 * Makes an existing remote connector match the desired one: PATCH what differs, send the auth
 * method, fix visibility. Says which value groups the PATCH carried.
 */
async function converge(
  connector: DesiredConnector,
  existing: RemoteConnector,
  api: ConnectorsApi,
): Promise<{ remote: RemoteConnector; carried: OperationResult['carried'] }> {
  const body = convergeBody(connector, existing);
  const sent = !isEmptyBody(body);
  let remote = kept(sent ? await api.updateConnector(existing.id, body) : existing);
  if (existing.visibility !== connector.visibility) {
    if (existing.visibility === 'private' && connector.visibility === 'shared_workspace')
      await api.shareConnector(existing.id);
    else if (existing.visibility === 'shared_workspace' && connector.visibility === 'private') {
      await api.unshareConnector(existing.id);
    } else {
      throw new ConnectorSyncError(
        'API_CONFLICT',
        `${connector.name} exists with visibility ${existing.visibility}; changing it to ${connector.visibility} needs a replace`,
        { hint: 'run sync again to plan the replace, with --allow-replace' },
      );
    }
    remote = { ...remote, visibility: connector.visibility };
  }
  return { remote, carried: sent ? carriedBy(body) : [] };
}

/**
 * What a result keeps of the connector the API answered with: what the run reads after the apply
 * (the id for credentials and tools, the name for the remote state after the run, auth and
 * credentials for the report, modified_at for the daemon's table) and the fields the type
 * requires. The rest (system prompt, server, tools, auth method details) would be held once per
 * operation until the run ends, a few hundred bytes a connector that nobody reads.
 */
function kept(remote: RemoteConnector): RemoteConnector {
  const { id, name, description, created_at, modified_at, owner_type, visibility } = remote;
  const { private_tool_execution, is_authenticated, connection_credentials } = remote;
  return {
    id,
    name,
    description,
    created_at,
    modified_at,
    owner_type,
    visibility,
    private_tool_execution,
    ...(is_authenticated === undefined ? {} : { is_authenticated }),
    ...(connection_credentials ? { connection_credentials } : {}),
  };
}

/** The connector of that name, or undefined when there is none. */
async function findByName(api: ConnectorsApi, name: string): Promise<RemoteConnector | undefined> {
  try {
    return await api.getConnector(name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return isConnectorSyncError(error) && error.code === 'API_NOT_FOUND';
}

/** A create refused because the name exists (409, or a 422 that says so). */
function isNameTaken(error: unknown): boolean {
  if (!isConnectorSyncError(error)) return false;
  if (error.code === 'API_CONFLICT') return true;
  return error.code === 'API_VALIDATION' && /already exists|already taken|unique/i.test(error.message);
}

/** A create whose request may or may not have reached the API (the client never repeats those blindly). */
function isOutcomeUnknown(error: unknown): boolean {
  return isConnectorSyncError(error) && error.outcomeUnknown;
}
