/**
 * The Dockerfile caches its dependency layer, names its base image once (to pin by digest), and
 * .ci/check-runtime-image mirrors what the image does at run time: its user, environment and command.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const check = readFileSync(join(ROOT, '.ci/check-runtime-image'), 'utf8');
const lines = dockerfile.split('\n');
const at = (pattern: RegExp, from = 0) => lines.findIndex((line, i) => i >= from && pattern.test(line));

test('the build stage installs from the lock file before it copies src/', () => {
  const build = at(/ AS build$/);
  expect(at(/^RUN npm ci/, build)).toBeGreaterThan(at(/^COPY package\.json package-lock\.json/, build));
  expect(at(/^COPY src/, build)).toBeGreaterThan(at(/^RUN npm ci/, build));
});

test('both stages use the one base image argument', () => {
  expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim(@sha256:[0-9a-f]{64})?$/m);
  const image = '$' + '{NODE_IMAGE}';
  expect(lines.filter((line) => line.startsWith('FROM '))).toEqual([
    `FROM ${image} AS build`,
    `FROM ${image} AS runtime`,
  ]);
});

test('the runtime check mirrors USER, the ENVs, the CMD and a read-only root', () => {
  expect(dockerfile).toMatch(/^USER node$/m);
  expect(check).toMatch(/setpriv --reuid=/);
  for (const env of ['NODE_ENV=production', 'CONNECTOR_SYNC_STATE_DIR=']) {
    expect(dockerfile).toContain(env);
    expect(check).toContain(env);
  }
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)![1]!;
  expect(check).toContain(`# CMD ${cmd}`);
  expect(check).toContain('chmod -R a-w "$app"');
});
