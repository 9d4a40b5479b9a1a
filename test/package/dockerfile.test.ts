/**
 * The Dockerfile caches its dependency layer, names its base image once (to pin by digest), and
 * .ci/check-runtime-image mirrors what the image does at run time: its user, environment and command.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parse } from 'yaml';

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

test('the build stage builds as `npm run build` does, the generated validators included', () => {
  const build = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.build as string;
  // the image has no `node` dev package, so tsc runs from its package with the image's Node
  const expected = build.replace(/^tsc /, 'node node_modules/typescript/bin/tsc ');
  expect(lines.some((line) => line === `RUN ${expected}`)).toBe(true);
  for (const file of build.match(/scripts\/\S+/g) ?? []) expect(dockerfile).toContain(`COPY ${file} `);
});

test('both stages use the one base image argument, pinned by digest with the tag beside it', () => {
  expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim@sha256:[0-9a-f]{64}$/m);
  // the comment says where the digest came from and how to refresh it
  expect(dockerfile).toContain('docker buildx imagetools inspect node:24-bookworm-slim');
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

test('the runtime check refuses an unpinned base image before it does anything else', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cs-unpinned-'));
  try {
    for (const image of ['node:24-bookworm-slim', 'node@sha256:abc', 'node:24-bookworm-slim@sha256:XYZ']) {
      writeFileSync(join(dir, 'Dockerfile'), `ARG NODE_IMAGE=${image}\nFROM \${NODE_IMAGE}\n`);
      const run = spawnSync('bash', [join(ROOT, '.ci/check-runtime-image'), '/no/node'], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(run.status, image).toBe(1);
      expect(run.stderr).toMatch(/pinned as tag@sha256:<64 hex digits>/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dependabot keeps the pinned base image, the npm packages and the workflow actions current', () => {
  const file = join(ROOT, '.github/dependabot.yml');
  expect(existsSync(file)).toBe(true);
  const config = parse(readFileSync(file, 'utf8')) as {
    version: number;
    updates: Array<{ 'package-ecosystem': string; directory: string }>;
  };
  expect(config.version).toBe(2);
  expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual([
    'docker',
    'github-actions',
    'npm',
  ]);
  for (const update of config.updates) expect(update.directory).toBe('/');
});
