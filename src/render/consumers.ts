import type { CredentialStep, Operation } from '../reconcile/types.js';

/**
 * How an operation's activation calls and credential writes read, in words shared by the text plan
 * and the Markdown summary (names only: values are never shown).
 */
export function activationText(op: Operation): string | null {
  if (!op.activation) return null;
  const { activate, deactivate } = op.activation;
  const parts = [
    activate.length > 0 ? `activate ${activate.join(', ')}` : '',
    deactivate.length > 0 ? `deactivate ${deactivate.join(', ')}` : '',
  ].filter((part) => part !== '');
  return `active_for: ${parts.join('; ')} (the API does not show a scope's state)`;
}

export function credentialTexts(op: Operation): string[] {
  return (op.credentials ?? []).map((step) => `credential ${step.scope}/${step.name}: ${stepText(step)}`);
}

function stepText(step: CredentialStep): string {
  if (step.action === 'delete') return 'deleted (not declared; --prune)';
  if (step.changes.includes('created')) return 'created (values write-only)';
  return step.changes.map((change) => (change === 'values' ? 'values (write-only)' : change)).join(', ');
}
