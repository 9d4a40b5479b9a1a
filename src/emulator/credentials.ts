/**
 * Credentials of one connector in one consumer scope, with the API's default rules
 * (CredentialsCreateOrUpdate.is_default, verbatim): "On creation: if no credential exists yet for
 * this auth method, the credential is automatically set as default when is_default is true or
 * omitted; setting is_default to false is rejected because a default must exist. If other
 * credentials already exist, setting is_default to true promotes this credential (demoting the
 * previous default); false or omitted creates it as non-default. On update: true promotes this
 * credential, false is rejected if it is currently the default (promote another credential
 * first), omitted leaves the default status unchanged."
 */
import type { CredentialsInput } from './bodies.js';
import type { ValidationDetail } from './replies.js';
import type { StoredCredential, StoredCredentialValues } from './types.js';

type MethodType = StoredCredential['method_type'];

/** The auth method a credential's values belong to (the body names none). */
export function methodOf(values: StoredCredentialValues): MethodType {
  if (values.bearer_token !== null) return 'bearer';
  if (values.oauth !== null) return 'oauth2';
  if (values.github_installation_id !== null) return 'github_app';
  return 'none';
}

function hasValues(values: StoredCredentialValues): boolean {
  return (
    values.headers !== null ||
    values.bearer_token !== null ||
    values.oauth !== null ||
    values.github_installation_id !== null
  );
}

function refused(loc: string[], msg: string): { ok: false; detail: ValidationDetail } {
  return { ok: false, detail: { type: 'value_error', loc, msg: `Value error, ${msg}` } };
}

/** Creates or updates a credential in `list` (changed in place); the message to answer, or a 422 detail. */
export function putCredential(
  list: StoredCredential[],
  input: CredentialsInput,
  checkedAt: string,
): { ok: true; message: string } | { ok: false; detail: ValidationDetail } {
  const existing = list.find((credential) => credential.name === input.name);
  if (existing) {
    if (input.is_default === false && existing.is_default) {
      return refused(
        ['body', 'is_default'],
        `credential '${input.name}' is the default of its auth method; promote another credential first`,
      );
    }
    if (input.values) {
      existing.values = input.values;
      existing.method_type = methodOf(input.values);
      existing.status = { status_type: 'valid', last_checked_at: checkedAt };
    }
    if (input.title !== undefined) existing.title = input.title;
    if (input.is_default === true) promote(list, existing);
    return { ok: true, message: `Credentials '${input.name}' updated.` };
  }
  if (!input.values || !hasValues(input.values)) {
    return refused(['body', 'credentials'], `credential '${input.name}' does not exist yet: give its values`);
  }
  const method = methodOf(input.values);
  const first = !list.some((credential) => credential.method_type === method);
  if (first && input.is_default === false) {
    return refused(
      ['body', 'is_default'],
      `no ${method} credential exists yet, so this one must be the default (a default must exist)`,
    );
  }
  const created: StoredCredential = {
    name: input.name,
    title: input.title ?? null,
    method_type: method,
    is_default: first,
    values: input.values,
    status: { status_type: 'valid', last_checked_at: checkedAt },
  };
  list.push(created);
  if (input.is_default === true) promote(list, created);
  return { ok: true, message: `Credentials '${input.name}' created.` };
}

/** Makes `credential` the default of its method, demoting the previous one. */
function promote(list: StoredCredential[], credential: StoredCredential): void {
  for (const other of list) {
    if (other.method_type === credential.method_type) other.is_default = other === credential;
  }
}

/**
 * Removes a credential; when it was its method's default, the oldest remaining one of that method
 * becomes the default (a default must exist). False when there is no such credential.
 */
export function removeCredential(list: StoredCredential[], name: string): boolean {
  const index = list.findIndex((credential) => credential.name === name);
  if (index < 0) return false;
  const [removed] = list.splice(index, 1);
  if (removed?.is_default) {
    const heir = list.find((credential) => credential.method_type === removed.method_type);
    if (heir) heir.is_default = true;
  }
  return true;
}
