import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileNamePattern } from '../../src/config/name-pattern.js';
import { compileServerPattern, type ServerPattern, serverMatches } from '../../src/config/server-pattern.js';
import { loadSettings } from '../../src/config/settings.js';

function pattern(text: string): ServerPattern {
  const compiled = compileServerPattern(text);
  if (typeof compiled === 'string') throw new Error(compiled);
  return compiled;
}

describe('allowed_servers patterns', () => {
  const team = pattern('https://*.example.com/**');

  it.each([
    ['https://a.example.com/mcp', true],
    ['https://a.example.com/', true],
    ['https://a.example.com', true],
    ['https://a.example.com/mcp/v1/tools?x=1#f', true],
    ['HTTPS://A.EXAMPLE.COM/MCP', true],
    ['https://a.example.com:443/mcp', true],
    ['https://bücher.example.com/mcp', true],
    ['https://example.com/mcp', false],
    ['https://a.b.example.com/mcp', false],
    ['https://evil.com/.example.com/', false],
    ['https://evil.com/a.example.com/mcp', false],
    ['https://a.example.com@evil.com/', false],
    ['https://user:pw@a.example.com/', false],
    ['https://evil.com\\@a.example.com/', false],
    ['https://a.example.com.evil.com/', false],
    ['https://a.example.com./', false],
    ['https://a.example.com:8443/mcp', false],
    ['http://a.example.com/mcp', false],
    ['not a url', false],
  ])('%s → %s', (server, allowed) => {
    expect(serverMatches(team, server)).toBe(allowed);
  });

  it('matches path segments: * one non-empty segment, ** any number', () => {
    const one = pattern('https://mcp.example.org/v1/*');
    expect(serverMatches(one, 'https://mcp.example.org/v1/tools')).toBe(true);
    expect(serverMatches(one, 'https://mcp.example.org/v1/')).toBe(false);
    expect(serverMatches(one, 'https://mcp.example.org/v1/a/b')).toBe(false);
    expect(serverMatches(one, 'https://mcp.example.org/v1/../admin')).toBe(false);
    const deep = pattern('https://mcp.example.org/**/mcp');
    expect(serverMatches(deep, 'https://mcp.example.org/mcp')).toBe(true);
    expect(serverMatches(deep, 'https://mcp.example.org/a/b/mcp')).toBe(true);
    expect(serverMatches(deep, 'https://mcp.example.org/a/b/mcpx')).toBe(false);
  });

  it('a pattern without a path means the root only; ports are explicit', () => {
    expect(serverMatches(pattern('https://mcp.example.org'), 'https://mcp.example.org/x')).toBe(false);
    expect(serverMatches(pattern('https://mcp.example.org:*/**'), 'https://mcp.example.org:9/x')).toBe(true);
    expect(serverMatches(pattern('https://mcp.example.org:8443/**'), 'https://mcp.example.org:8443/')).toBe(
      true,
    );
  });

  it('an IDN pattern matches the punycode host the client connects to', () => {
    const idn = pattern('https://bücher.example/**');
    expect(serverMatches(idn, 'https://xn--bcher-kva.example/mcp')).toBe(true);
    expect(serverMatches(idn, 'https://BÜCHER.example/mcp')).toBe(true);
  });

  it.each([
    'https://mcp-*.example.com/**',
    'https://a.example.com/mcp-*',
    'https://user@a.example.com/',
    'https://a.example.com/?q=1',
    '*.example.com',
  ])('refuses the pattern %s', (text) => {
    expect(typeof compileServerPattern(text)).toBe('string');
  });
});

describe('name_pattern', () => {
  it('matches the whole name', () => {
    const regex = compileNamePattern('team-a-[a-z]+') as RegExp;
    expect(regex.test('team-a-wiki')).toBe(true);
    expect(regex.test('x-team-a-wiki')).toBe(false);
    expect(regex.test('team-a-wiki!')).toBe(false);
  });

  it.each(['(a+)+', '(a|ab)*', '((ab)*)+', '(\\w+\\d?)+$', '(a)\\1', '(?=a)a', 'x'.repeat(201), '[a-'])(
    'refuses %s before it can run',
    (source) => {
      expect(typeof compileNamePattern(source)).toBe('string');
    },
  );

  it.each(['(team-a|team-b)-[a-z0-9-]+', '[a-z]+(-[a-z]+)?', '(ab){2}-x+', 'team\\+[a-z]*'])(
    'accepts %s',
    (source) => {
      expect(compileNamePattern(source)).toBeInstanceOf(RegExp);
    },
  );
});

describe('policy in the settings file', () => {
  const load = (yaml: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    writeFileSync(join(dir, '.connector-sync.yaml'), yaml);
    return loadSettings({ cwd: dir, env: {}, flags: {} });
  };

  it('turns require_https on when present, off only when it says so', async () => {
    expect((await load('prune: false\n')).policy).toBeUndefined();
    expect((await load('policy: {}\n')).policy?.requireHttps).toBe(true);
    expect((await load('policy: { require_https: false }\n')).policy?.requireHttps).toBe(false);
  });

  it('names the line of a pattern that is not one', async () => {
    await expect(load('policy:\n  name_pattern: "(a+)+"\n')).rejects.toMatchObject({
      code: 'SETTINGS_INVALID',
      message: expect.stringMatching(/\.connector-sync\.yaml:2:17: policy\.name_pattern repeats a group/),
    });
    await expect(
      load('policy:\n  allowed_servers:\n    - https://*.example.com/**\n    - https://mcp-*.x.com/\n'),
    ).rejects.toMatchObject({ message: expect.stringMatching(/yaml:4:7: policy\.allowed_servers\.1 has/) });
  });

  it('comes from the file only, never from a variable', async () => {
    const settings = await load('prune: false\n');
    expect(settings.policy).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    await expect(
      loadSettings({ cwd: dir, env: { CONNECTOR_SYNC_POLICY: 'x' }, flags: {} }),
    ).resolves.toMatchObject({ policy: undefined });
  });
});

describe('notify in the settings file', () => {
  it('wants the webhook URL as a reference, and never prints a literal one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'notify-'));
    const secretUrl = 'https://hooks.slack.com/services/T000/B000/canary-3c7d9e1f0a2b';
    writeFileSync(
      join(dir, '.connector-sync.yaml'),
      `notify:\n  - url: ${secretUrl}\n    events: [failure]\n`,
    );
    const error = await loadSettings({ cwd: dir, env: {}, flags: {} }).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'SETTINGS_INVALID' });
    expect((error as Error).message).toMatch(/yaml:2:10: notify must be a reference/);
    expect((error as Error).message).not.toContain('canary-3c7d');
  });

  it('defaults the format to json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'notify-'));
    writeFileSync(
      join(dir, '.connector-sync.yaml'),
      `notify:\n  - url: \${env:HOOK}\n    events: [failure, recovered]\n`,
    );
    const settings = await loadSettings({ cwd: dir, env: {}, flags: {} });
    expect(settings.notify).toEqual([
      { url: `\${env:HOOK}`, format: 'json', events: ['failure', 'recovered'] },
    ]);
  });
});
