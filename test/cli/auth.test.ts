/**
 * `connector-sync auth`: the connectors still waiting for someone to complete OAuth, in text and
 * in JSON (checked against schemas/auth-output.schema.json), with fresh links on request.
 */
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { schemaProblems } from '../support/scenario-schemas.js';
import { API_KEY, type CliWorld, openCliWorld } from './harness.js';

const SECRET = 'canary-auth-5a7c0e93-secret';

let world: CliWorld;

beforeEach(async () => {
  world = await openCliWorld([
    {
      name: 'drive',
      description: 'Drive',
      server: 'https://drive.example.com/mcp',
      auth_data: { client_id: 'c1', client_secret: SECRET },
    },
    {
      name: 'jira',
      description: 'Jira',
      server: 'https://jira.example.com/mcp',
      auth_data: { client_id: 'c2' },
      is_authenticated: true,
    },
    {
      name: 'calendar',
      description: 'Calendar',
      server: 'https://calendar.example.com/mcp',
      auth_data: { client_id: 'c3' },
    },
    { name: 'plain', description: 'No OAuth', server: 'https://plain.example.com/mcp' },
  ]);
});

afterEach(async () => {
  await world.close();
});

interface AuthJson {
  pending_auth: Array<{
    name: string;
    auth_url: string | null;
    expires_at: string | null;
    error: string | null;
  }>;
}

function parsed(stdout: string): AuthJson {
  const document = JSON.parse(stdout) as AuthJson;
  expect(schemaProblems('auth-output', document)).toEqual([]);
  return document;
}

describe('connector-sync auth', () => {
  test('lists the OAuth connectors nobody authenticated, not the built-ins, not the others', async () => {
    const run = await world.run(['auth']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      '2 connectors waiting for OAuth:\n  drive\n  calendar\nFresh links: connector-sync auth --urls\n',
    );
  });

  test('JSON output matches its schema; --urls adds a fresh link and its expiry', async () => {
    const plain = parsed((await world.run(['auth', '--output', 'json'])).stdout);
    expect(plain.pending_auth.map((p) => [p.name, p.auth_url])).toEqual([
      ['drive', null],
      ['calendar', null],
    ]);

    const before = Date.now();
    const run = await world.run([
      'auth',
      '--urls',
      '--return-url',
      'https://chat.example.com/back',
      '-o',
      'json',
    ]);
    expect(run.code).toBe(0);
    const withUrls = parsed(run.stdout);
    for (const entry of withUrls.pending_auth) {
      expect(entry.error).toBeNull();
      expect(entry.auth_url).toContain('/_emulator/oauth/authorize?');
      expect(entry.auth_url).toContain('app_return_url=https%3A%2F%2Fchat.example.com%2Fback');
      // the emulator announces a 600 s TTL
      const expires = Date.parse(entry.expires_at!);
      expect(expires).toBeGreaterThanOrEqual(before + 590_000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 600_000);
    }
    expect(run.stdout).not.toContain(SECRET);
    expect(run.stdout).not.toContain(API_KEY);
  });

  test('text with --urls shows each link and when it expires', async () => {
    const run = await world.run(['auth', 'drive', '--urls']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^1 connector waiting for OAuth:\n {2}drive {2}http:\/\/127\.0\.0\.1:\d+\/_emulator\/oauth\/authorize\?\S+ {2}\(expires \d{4}-\d\d-\d\dT/,
    );
  });

  test('--fail-on-pending exits 1 while any waits, 0 once a person finished OAuth', async () => {
    expect((await world.run(['auth', '--fail-on-pending'])).code).toBe(1);
    world.emulator.markAuthenticated('drive');
    world.emulator.markAuthenticated('calendar');
    const run = await world.run(['auth', '--fail-on-pending']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('No connector is waiting for OAuth.\n');
    expect(parsed((await world.run(['auth', '-o', 'json'])).stdout).pending_auth).toEqual([]);
  });

  test('names narrow the report; an unknown name is an error that says which', async () => {
    expect(
      parsed((await world.run(['auth', 'calendar', '-o', 'json'])).stdout).pending_auth.map((p) => p.name),
    ).toEqual(['calendar']);
    const run = await world.run(['auth', 'nosuch']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no connector named nosuch');
  });

  test('--scope and --protect apply as in sync', async () => {
    const run = await world.run(['auth', '--scope', 'c*', '-o', 'json']);
    expect(parsed(run.stdout).pending_auth.map((p) => p.name)).toEqual(['calendar']);
    const protectedRun = await world.run(['auth', '--protect', 'drive', '-o', 'json']);
    expect(parsed(protectedRun.stdout).pending_auth.map((p) => p.name)).toEqual(['calendar']);
  });
});

describe('auth --urls --emulator', () => {
  test('says plainly that the embedded emulator has stopped, and how to serve its links', async () => {
    await cp(join(import.meta.dirname, '..', '..', 'examples', 'quickstart'), join(world.cwd, 'connectors'), {
      recursive: true,
    });
    expect((await world.run(['sync', '--emulator'])).code).toBe(0);
    const run = await world.run(['auth', '--urls', '--emulator']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/notion {2}http:\/\/127\.0\.0\.1:\d+\/_emulator\/oauth\/authorize/);
    expect(run.stderr).toContain('the embedded emulator stopped when this command ended');
    expect(run.stderr).toContain('connector-sync emulator --state .connector-sync/emulator-state.json');
    // without links there is nothing to follow, and nothing to say
    expect((await world.run(['auth', '--emulator'])).stderr).toBe('');
  });
});
