import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, inject } from 'vitest';

/**
 * The canary secrets of the suite. Every world puts them where secrets live: a header value from
 * an environment variable, an OAuth client secret from a secret file, the API key from
 * MISTRAL_API_KEY_FILE. Everything the suite's runs produce is recorded here and searched.
 */
export const CANARY = {
  header: 'canary-header-6d1f0b9e47a2',
  clientSecret: 'canary-client-secret-c83a5e1d09',
  apiKey: 'canary-api-key-2f7b94e6d1c0',
} as const;

const VALUES = Object.values(CANARY);

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the suite's outputs are collected for the final canary scan (global-setup.ts). */
    faultsOutputDir: string;
  }
}

/** The canary values found in a text (each at most once). */
export function canariesIn(text: string): string[] {
  return VALUES.filter((value) => text.includes(value));
}

/**
 * Records one output the suite produced (stdout, stderr, a log, JSON, a plan file, a status page)
 * for the scan at the end of the run, and fails at once if it holds a canary.
 */
export function recordOutput(label: string, text: string): void {
  const safe = label.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80);
  writeFileSync(join(inject('faultsOutputDir'), `${safe}.${randomUUID().slice(0, 8)}.txt`), text);
  expect(canariesIn(text), `canary secret in ${label}`).toEqual([]);
}

/** Every recorded output and the canaries found in it (used by the global teardown). */
export function scanOutputs(dir: string): { files: number; bytes: number; leaks: string[] } {
  let bytes = 0;
  const leaks: string[] = [];
  const files = readdirSync(dir);
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    bytes += text.length;
    for (const value of canariesIn(text)) leaks.push(`${file}: ${value.slice(0, 12)}...`);
  }
  return { files: files.length, bytes, leaks };
}
