import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConnectorSyncError } from '../errors.js';

/** The environment variable that holds the control token. */
export const CONTROL_TOKEN_ENV = 'CONNECTOR_SYNC_CONTROL_TOKEN';

/** How to turn the control endpoints on, said in every 403. */
export const ENABLE_CONTROL_HINT = `set ${CONTROL_TOKEN_ENV} or --control-token-file to enable POST /reconcile, /suspend and /resume`;

/** What a request's Authorization header amounts to. */
export type ControlVerdict = 'disabled' | 'missing' | 'wrong' | 'ok';

/**
 * The bearer token that guards the endpoints that change something. Compared in constant time
 * (both sides hashed first, so even the length does not leak through timing).
 */
export class ControlToken {
  readonly #digest: Buffer | null;

  constructor(token: string | null) {
    this.#digest = token === null ? null : digest(token);
  }

  /** True when a token is configured. */
  get enabled(): boolean {
    return this.#digest !== null;
  }

  /** Checks an Authorization header (`Bearer <token>`). */
  check(header: string | undefined): ControlVerdict {
    if (this.#digest === null) return 'disabled';
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
    if (!match) return 'missing';
    return timingSafeEqual(digest(match[1]!), this.#digest) ? 'ok' : 'wrong';
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * The control token from --control-token-file (a trailing newline ignored, as Docker and Kubernetes
 * secrets have one) or CONNECTOR_SYNC_CONTROL_TOKEN, or null when neither is set.
 */
export async function readControlToken(
  file: string | undefined,
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<string | null> {
  let token: string | undefined;
  if (file !== undefined) {
    try {
      token = (await readFile(resolve(cwd, file), 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      throw new ConnectorSyncError(
        'SETTINGS_INVALID',
        `cannot read the control token file ${file}: ${(error as Error).message}`,
        { hint: `check --control-token-file, or set ${CONTROL_TOKEN_ENV} instead` },
      );
    }
    if (token === '')
      throw new ConnectorSyncError('SETTINGS_INVALID', `the control token file ${file} is empty`, {
        hint: 'generate a token with: openssl rand -hex 32',
      });
  } else token = env[CONTROL_TOKEN_ENV];
  if (token === undefined || token === '') return null;
  if (token.length < 16 || /\s/.test(token))
    throw new ConnectorSyncError(
      'SETTINGS_INVALID',
      `the control token must be at least 16 characters without spaces (${file ?? CONTROL_TOKEN_ENV})`,
      { hint: 'generate one with: openssl rand -hex 32' },
    );
  return token;
}
