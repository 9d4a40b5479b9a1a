import type { ConnectorsApi } from '../api/types.js';
import type { DesiredConnector } from '../config/types.js';
import { asInternalError, type ConnectorSyncError, isConnectorSyncError } from '../errors.js';
import { credentialBody } from './bodies.js';
import { credentialGroup } from './fingerprint.js';
import type { Operation, SecretGroup } from './types.js';

/** What the activation and credential steps did: the groups the API accepted, and the first failure. */
export interface ConsumerOutcome {
  carried: SecretGroup[];
  failure?: ConnectorSyncError;
}

/**
 * Runs an operation's activation calls and credential writes, by the connector's UUID, once the
 * connector itself was created or updated. Stops at the first failure; what was accepted before it
 * is still reported, so its fingerprint is recorded and the next run does not send it again.
 */
export async function runConsumerSteps(
  op: Operation,
  connector: DesiredConnector,
  id: string,
  api: ConnectorsApi,
): Promise<ConsumerOutcome> {
  const carried: SecretGroup[] = [];
  try {
    if (op.activation) {
      for (const scope of op.activation.activate) await api.activateConnector(id, scope);
      for (const scope of op.activation.deactivate) await api.deactivateConnector(id, scope);
      carried.push('active_for');
    }
    for (const step of op.credentials ?? []) {
      if (step.action === 'delete') {
        await api.deleteCredentials(id, step.scope, step.name);
        continue;
      }
      const body = credentialBody(step, connector);
      await api.putCredentials(id, step.scope, body);
      if (body.credentials) carried.push(credentialGroup(step));
    }
    return { carried };
  } catch (error) {
    return { carried, failure: isConnectorSyncError(error) ? error : asInternalError(error) };
  }
}
