/**
 * Where the shared docs are (the API reference the contract tests hold the emulator to): the one
 * place tests read that path from. Run as a script (`node test/support/shared-dir.ts`, the first
 * step of `npm test`), it says in one sentence what is missing instead of letting a test fail on
 * an ENOENT.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** CONNECTOR_SYNC_SHARED_DIR, else ../shared beside the checkout (as CI lays it). */
export const SHARED_DIR = process.env.CONNECTOR_SYNC_SHARED_DIR ?? path.resolve(repoRoot, '../shared');

/** The Connectors API reference. */
export const OPENAPI_FILE = path.join(SHARED_DIR, 'api', 'connectors-openapi.yaml');

/** What to do when the reference is not there, or null when it is. */
export function missingSharedDocs(): string | null {
  if (existsSync(OPENAPI_FILE)) return null;
  return (
    `the contract tests need the API reference at ${OPENAPI_FILE}: put the shared docs in ../shared ` +
    'beside the checkout, or set CONNECTOR_SYNC_SHARED_DIR to the folder that holds api/connectors-openapi.yaml'
  );
}

if (import.meta.main) {
  const missing = missingSharedDocs();
  if (missing) {
    console.error(missing);
    process.exitCode = 1;
  }
}
