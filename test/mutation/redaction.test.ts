/** Secrets in output: a Secret never prints, and the daemon's log redacts raw values under secret keys. */
import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import type { createLogger } from '../../src/daemon/logger.js';

const CANARY = 'canary-51f0-log';
const SECRET_KEYS = [
  'headers',
  // where write-only values travel on create and update (global_headers, an auth method's OAuth secrets)
  'global_headers',
  'oauth2_metadata_secrets',
  'auth_data',
  'authData',
  'authorization',
  'Authorization',
  'apiKey',
  'api_key',
  'token',
  'controlToken',
  'client_secret',
  'clientSecret',
  'password',
  'secret',
  'cookie',
  'set-cookie',
  'authUrl',
  'auth_url',
];

/**
 * The module loaded afresh inside a test: the secret keys and the printed form of a Secret are
 * module constants, and a mutation run charges code that runs at import, outside any test, to no
 * test that checks it.
 */
async function fresh<T>(load: () => Promise<T>): Promise<T> {
  vi.resetModules();
  return load();
}
const freshLogger = () => fresh(() => import('../../src/daemon/logger.js'));

async function logged(
  options: { level?: 'info' | 'warn'; pretty?: boolean; colorize?: boolean },
  write: (log: Awaited<ReturnType<typeof createLogger>>) => void,
) {
  const lines: string[] = [];
  const { createLogger } = await freshLogger();
  const log = await createLogger({
    level: options.level ?? 'info',
    pretty: options.pretty ?? false,
    ...(options.colorize === undefined ? {} : { colorize: options.colorize }),
    sink: { write: (line) => lines.push(line) },
  });
  write(log);
  return lines;
}

describe('a Secret', () => {
  it('prints as [redacted] every way it can be printed, and reveals only on request', async () => {
    const { Secret } = await fresh(() => import('../../src/secret.js'));
    const secret = new Secret(CANARY);
    expect(String(secret)).toBe('[redacted]');
    expect(`${secret}`).toBe('[redacted]');
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
    expect(inspect({ secret })).toBe('{ secret: [redacted] }');
    expect(secret.reveal()).toBe(CANARY);
  });
});

describe('the daemon log', () => {
  it('knows its levels', async () => {
    const { LOG_LEVELS } = await freshLogger();
    expect(LOG_LEVELS).toEqual(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
  });

  it('redacts each secret key at the top level and up to three objects deep', async () => {
    const { REDACT_PATHS } = await freshLogger();
    expect(REDACT_PATHS).toHaveLength(SECRET_KEYS.length * 4);
    // plain keys dotted, the others bracketed, as pino reads a path
    expect(REDACT_PATHS.slice(0, 4)).toEqual(['headers', '*.headers', '*.*.headers', '*.*.*.headers']);
    expect(REDACT_PATHS.filter((path) => path.includes('"'))).toHaveLength(4);
    expect(REDACT_PATHS).toContain('token');
    expect(REDACT_PATHS).toContain('*.*.*.client_secret');
    expect(REDACT_PATHS).toContain('["set-cookie"]');
    expect(REDACT_PATHS).toContain('*["set-cookie"]');
    expect(REDACT_PATHS).toContain('*.*.*["set-cookie"]');
  });

  it('never writes a raw secret value under any secret key, at any depth it covers', async () => {
    for (const key of SECRET_KEYS) {
      const lines = await logged({}, (log) => {
        log.info({ [key]: CANARY }, 'top');
        log.info({ a: { [key]: CANARY } }, 'one');
        log.info({ a: { b: { [key]: CANARY } } }, 'two');
        log.info({ a: { b: { c: { [key]: CANARY } } } }, 'three');
      });
      expect(lines).toHaveLength(4);
      for (const line of lines) {
        expect(line).not.toContain(CANARY);
        expect(line).toContain('[redacted]');
      }
    }
    // an ordinary field still prints
    const [plain] = await logged({}, (log) => log.info({ connector: CANARY }, 'plain'));
    expect(plain).toContain(CANARY);
  });

  it('writes JSON lines with the level as a word, the name and an ISO time', async () => {
    const [line] = await logged({}, (log) => log.info({ connector: 'a' }, 'hello'));
    const record = JSON.parse(line!);
    expect(record).toMatchObject({ level: 'info', name: 'connector-sync', connector: 'a', msg: 'hello' });
    expect(record.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('drops lines below its level', async () => {
    const lines = await logged({ level: 'warn' }, (log) => {
      log.info('quiet');
      log.warn('loud');
    });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).msg).toBe('loud');
  });

  it('prints pretty lines for a terminal, redacted, without pid, host or name, colour only on request', async () => {
    const [plain] = await logged({ pretty: true }, (log) => log.info({ token: CANARY }, 'hello'));
    expect(plain).toContain('hello');
    expect(plain).toContain('INFO');
    expect(plain).not.toContain(CANARY);
    expect(plain).not.toMatch(/connector-sync|pid|hostname/);
    expect(plain).not.toContain('\u001b[');
    expect(plain).toMatch(/^\[\d\d:\d\d:\d\d\]/);
    const [coloured] = await logged({ pretty: true, colorize: true }, (log) => log.info('hello'));
    expect(coloured).toContain('\u001b[');
  });
});
