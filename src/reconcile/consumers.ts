import type { ConsumerScope, RemoteCredential } from '../api/types.js';
import { credentialMethod } from '../config/connector.js';
import type { DesiredConnector, DesiredCredential } from '../config/types.js';
import { credentialGroup } from './fingerprint.js';
import type { CredentialStep, Operation, SecretGroup } from './types.js';

/**
 * `active_for` and `credentials`: what the API cannot fully show. A scope's activation is never
 * shown (the connector's `active` is one boolean for the caller), and credential values are
 * write-only, so both are sent when a fingerprint of the declared values changed (or a push is
 * forced) and are otherwise verified by the fingerprint; names, titles and defaults of credentials
 * are compared with what `GET .../{scope}/credentials` lists.
 */

export const CONSUMER_SCOPES: readonly ConsumerScope[] = ['user', 'workspace', 'organization'];

/** A connector's credentials as the API lists them, per consumer scope. */
export type ScopedCredentials = Record<ConsumerScope, RemoteCredential[]>;

/** Whether a value group must be sent, may be skipped as verified, or cannot be told. */
export type GroupVerdict = 'send' | 'verified' | 'unverified';

/** The steps a create (or replace) runs after the connector exists: everything declared is sent. */
export function createSteps(connector: DesiredConnector): Pick<Operation, 'activation' | 'credentials'> {
  const steps: Pick<Operation, 'activation' | 'credentials'> = {};
  if (connector.active_for !== null) steps.activation = activationOf(connector.active_for);
  if (connector.credentials !== null && connector.credentials.length > 0) {
    steps.credentials = ordered(
      connector.credentials,
      connector.credentials.map((c) => ({
        action: 'put',
        scope: c.scope,
        name: c.name,
        changes: ['created'],
      })),
    );
  }
  return steps;
}

/** Every scope: the listed ones activated, the others deactivated (the list is the whole truth). */
export function activationOf(activeFor: readonly ConsumerScope[]): NonNullable<Operation['activation']> {
  return {
    activate: CONSUMER_SCOPES.filter((scope) => activeFor.includes(scope)),
    deactivate: CONSUMER_SCOPES.filter((scope) => !activeFor.includes(scope)),
  };
}

/** What an existing connector's credentials need; `unverified` when a value cannot be told. */
export function credentialSteps(
  connector: DesiredConnector,
  listed: ScopedCredentials,
  verdict: (group: SecretGroup) => GroupVerdict,
  prune: boolean,
): { steps: CredentialStep[]; unverified: boolean; undeclared: string[] } {
  const declared = connector.credentials ?? [];
  const steps: CredentialStep[] = [];
  let unverified = false;
  for (const credential of declared) {
    const remote = listed[credential.scope].find((r) => r.name === credential.name);
    if (!remote) {
      steps.push({ action: 'put', scope: credential.scope, name: credential.name, changes: ['created'] });
      continue;
    }
    const changes: CredentialStep['changes'] = [];
    if (credential.title !== null && credential.title !== (remote.title ?? null)) changes.push('title');
    if (isDefault(credential, declared) && remote.is_default !== true) changes.push('default');
    const values = verdict(credentialGroup(credential));
    if (values === 'send') changes.push('values');
    if (values === 'unverified') unverified = true;
    if (changes.length > 0)
      steps.push({ action: 'put', scope: credential.scope, name: credential.name, changes });
  }
  const undeclared: string[] = [];
  for (const scope of CONSUMER_SCOPES) {
    for (const remote of listed[scope]) {
      // the OAuth grant a person gave is not a declared credential's to replace or remove
      if (remote.authentication_type === 'oauth2') continue;
      if (declared.some((c) => c.scope === scope && c.name === remote.name)) continue;
      if (prune) steps.push({ action: 'delete', scope, name: remote.name, changes: [] });
      else undeclared.push(`${scope}/${remote.name}`);
    }
  }
  return { steps: ordered(declared, steps), unverified, undeclared };
}

/**
 * The credential the API should hold as the default of its scope and auth method: the one that
 * says `default: true`, else the first declared (the API makes the first one created the default).
 */
export function isDefault(credential: DesiredCredential, declared: readonly DesiredCredential[]): boolean {
  if (credential.default !== null) return credential.default;
  const group = declared.filter(
    (c) => c.scope === credential.scope && credentialMethod(c) === credentialMethod(credential),
  );
  return !group.some((c) => c.default === true) && group[0] === credential;
}

/** Promotions (and creates of a default) first, then other puts, deletes last: a default always exists. */
function ordered(declared: readonly DesiredCredential[], steps: CredentialStep[]): CredentialStep[] {
  const promotes = (step: CredentialStep) => {
    const credential = declared.find((c) => c.scope === step.scope && c.name === step.name);
    return step.action === 'put' && credential !== undefined && isDefault(credential, declared);
  };
  return [
    ...steps.filter(promotes),
    ...steps.filter((step) => step.action === 'put' && !promotes(step)),
    ...steps.filter((step) => step.action === 'delete'),
  ];
}
