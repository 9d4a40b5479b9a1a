import type { ConnectorsApi, RemoteConnector } from '../api/types.js';
import type { DesiredConnector } from '../config/types.js';
import { ConnectorSyncError, isConnectorSyncError } from '../errors.js';
import type { CreatedMemory } from './ledger.js';
import type { Operation, OperationResult, Plan } from './types.js';

/**
 * Mistral API keys have a connector access scope fixed at creation. The default, "Shared
 * connectors only", lists and reads no private connector, the key owner's own included: a private
 * connector created with such a key is never seen again, and the next run would create it a
 * second time (a taken name, or a duplicate). The API says nothing about the key's scope, so it is
 * inferred: from a connector this key created that a get right after cannot see, or that a later
 * listing lacks while it shows no private connector at all.
 */

/** The stop, with the key's scope and both ways out. */
export function keyScopeError(names: readonly string[], evidence: string): ConnectorSyncError {
  const which = names.length === 1 ? names[0] : `${names.length} connectors (${names.join(', ')})`;
  return new ConnectorSyncError(
    'KEY_SCOPE_HIDES_PRIVATE',
    `${which}: ${evidence}. This API key's connector access scope hides private connectors ` +
      '(most likely "Shared connectors only", the default for API keys), so connector-sync stops ' +
      'rather than create them a second time.',
    {
      hint:
        'use an API key created with the connector access scope "Private and shared connectors", ' +
        'or declare `visibility: shared_workspace` for these connectors (delete the hidden private ' +
        'ones in Le Chat first: their names stay taken)',
    },
  );
}

/**
 * Before anything is written: the private connectors this plan would create that this key
 * already created once and can no longer see. Null when none, or when the listing shows a private
 * connector (then the key sees them, and a missing one was deleted).
 */
export function hiddenCreations(
  plan: Plan,
  desired: ReadonlyMap<string, DesiredConnector>,
  listing: readonly RemoteConnector[],
  created: CreatedMemory,
): ConnectorSyncError | null {
  if (created.size === 0 || listing.some((r) => r.visibility === 'private')) return null;
  const remembered = new Set([...created.values()].map((entry) => entry.name));
  const names = plan.operations
    .filter((op) => op.kind === 'create' && remembered.has(op.name))
    .filter((op) => desired.get(op.name)?.visibility === 'private')
    .map((op) => op.name);
  if (names.length === 0) return null;
  return keyScopeError(
    names,
    names.length === 1
      ? 'connector-sync created it with this API key on an earlier run, and the listing does not show it'
      : 'connector-sync created them with this API key on an earlier run, and the listing shows none of them',
  );
}

/**
 * Drops what a listing settles: a created connector it shows (by id or name) is visible to this
 * key; when it shows any private connector, the key sees private ones and a missing one was
 * deleted. Returns true when something was dropped.
 */
export function forgetSettled(created: CreatedMemory, listing: readonly RemoteConnector[]): boolean {
  if (created.size === 0) return false;
  const before = created.size;
  const seesPrivate = listing.some((r) => r.visibility === 'private');
  const ids = new Set(listing.map((r) => r.id));
  const names = new Set(listing.map((r) => r.name));
  for (const [id, entry] of created) {
    if (seesPrivate || ids.has(id) || names.has(entry.name)) created.delete(id);
  }
  return created.size !== before;
}

/** Remembers the private connectors this run created (even those whose check then failed). */
export function rememberCreated(
  created: CreatedMemory,
  results: readonly OperationResult[],
  at: string,
): void {
  for (const { operation, remote } of results) {
    if (remote?.visibility !== 'private' || !CREATES.has(operation.kind)) continue;
    if (operation.remote?.id === remote.id) continue; // converged on one that was already there
    created.set(remote.id, { name: remote.name, created_at: at });
  }
}

const CREATES: ReadonlySet<Operation['kind']> = new Set(['create', 'replace', 'update']);

/**
 * The applier's check after a private create: a get by id that cannot see the connector just
 * created means the key hides private connectors. Once that is found, no further private create
 * starts; once one created connector is seen, or the listing showed a private one, no more gets.
 */
export class KeyScopeProbe {
  #proven: boolean;
  #hidden: string[] = [];

  constructor(privateSeen: boolean) {
    this.#proven = privateSeen;
  }

  /** The stop for a private create, when an earlier one in this run was hidden. */
  before(connector: DesiredConnector): ConnectorSyncError | null {
    if (this.#hidden.length === 0 || connector.visibility !== 'private') return null;
    return keyScopeError(
      [connector.name],
      `not created: ${this.#hidden[0]}, created just before by this run, could not be read back`,
    );
  }

  /** After a create: null when the connector is visible (or need not be checked), else the stop. */
  async after(remote: RemoteConnector, api: ConnectorsApi): Promise<ConnectorSyncError | null> {
    if (this.#proven || remote.visibility !== 'private') return null;
    try {
      await api.getConnector(remote.id);
      this.#proven = true;
      return null;
    } catch (error) {
      // a check that fails for another reason proves nothing: the create itself succeeded
      if (!isConnectorSyncError(error) || error.code !== 'API_NOT_FOUND') return null;
      this.#hidden.push(remote.name);
      return keyScopeError(
        [remote.name],
        `created (id ${remote.id}), but a get by id right after cannot see it`,
      );
    }
  }
}

/**
 * A 403 on a write that creates or changes a `shared_org` connector: only organization admins
 * manage those, whatever the key's other rights. Other errors pass through unchanged.
 */
export function sharedOrgRefusal(
  op: Operation,
  connector: DesiredConnector | undefined,
  error: ConnectorSyncError,
): ConnectorSyncError {
  const status = (error as { status?: unknown }).status;
  if (error.code !== 'API_UNAUTHORIZED' || status !== 403) return error;
  const sharedOrg = connector?.visibility === 'shared_org' || op.visibility?.from === 'shared_org';
  if (!sharedOrg) return error;
  return new ConnectorSyncError(
    'API_UNAUTHORIZED',
    `${op.kind} ${op.name}: only organization admins can create, change or delete shared_org ` +
      `connectors, and this API key's user is not one (${error.message})`,
    {
      hint: 'run this with an API key of an organization admin, or declare `visibility: shared_workspace`',
      cause: error,
    },
  );
}
