import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ControlToken, readControlToken } from '../../src/daemon/control.js';
import { escapeHtml, html } from '../../src/daemon/html.js';
import { createLogger } from '../../src/daemon/logger.js';
import { Secret } from '../../src/secret.js';

const TOKEN = 'a-control-token-of-32-characters';

describe('ControlToken', () => {
  it('accepts only the exact bearer token', () => {
    const token = new ControlToken(TOKEN);
    expect(token.check(`Bearer ${TOKEN}`)).toBe('ok');
    expect(token.check(`bearer ${TOKEN}`)).toBe('ok');
    expect(token.check(`Bearer ${TOKEN}x`)).toBe('wrong');
    expect(token.check(`Bearer ${TOKEN.slice(0, -1)}`)).toBe('wrong');
    expect(token.check(TOKEN)).toBe('missing');
    expect(token.check(undefined)).toBe('missing');
    expect(token.check(`Basic ${TOKEN}`)).toBe('missing');
  });

  it('is disabled without a token', () => {
    expect(new ControlToken(null).check(`Bearer ${TOKEN}`)).toBe('disabled');
  });
});

describe('readControlToken', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cs-token-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a token file without its trailing newline, before the environment', async () => {
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
    expect(
      await readControlToken('token', { CONNECTOR_SYNC_CONTROL_TOKEN: 'other-token-0123456789' }, dir),
    ).toBe(TOKEN);
    expect(await readControlToken(undefined, { CONNECTOR_SYNC_CONTROL_TOKEN: TOKEN }, dir)).toBe(TOKEN);
    expect(await readControlToken(undefined, {}, dir)).toBeNull();
  });

  it('refuses a short token, an empty file and a missing file, without echoing the token', async () => {
    await expect(readControlToken(undefined, { CONNECTOR_SYNC_CONTROL_TOKEN: 'short' }, dir)).rejects.toThrow(
      /at least 16 characters/,
    );
    await expect(
      readControlToken(undefined, { CONNECTOR_SYNC_CONTROL_TOKEN: 'short' }, dir),
    ).rejects.not.toThrow(/short/);
    writeFileSync(join(dir, 'empty'), '');
    await expect(readControlToken('empty', {}, dir)).rejects.toThrow(/is empty/);
    await expect(readControlToken('absent', {}, dir)).rejects.toThrow(
      /cannot read the control token file absent/,
    );
  });
});

describe('html', () => {
  it('escapes every interpolated value, nested lists included', () => {
    const name = `<script>alert("x")</script>&'`;
    const out = html`<p title="${name}">${[name, html`<b>${name}</b>`]}</p>`.text;
    expect(out).not.toContain('<script>');
    expect(out).toContain(escapeHtml(name));
    expect(out.startsWith('<p title="&#60;script&#62;')).toBe(true);
    expect(out).toContain('<b>&#60;script');
  });
});

describe('createLogger', () => {
  it('redacts secret keys at any depth up to four levels, and Secret values', async () => {
    const lines: string[] = [];
    const logger = await createLogger({
      level: 'info',
      pretty: false,
      sink: { write: (l) => lines.push(l) },
    });
    logger.info(
      {
        headers: { 'X-Key': 'CANARY-1' },
        connector: { auth_data: { client_secret: 'CANARY-2' } },
        request: { headers: { authorization: 'Bearer CANARY-3' } },
        a: { b: { token: 'CANARY-4' } },
        value: new Secret('CANARY-5'),
        apiKey: 'CANARY-6',
      },
      'message',
    );
    expect(lines.join('')).not.toMatch(/CANARY/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', msg: 'message', headers: '[redacted]' });
  });

  it('prints readable lines in pretty mode, redacted too', async () => {
    const lines: string[] = [];
    const logger = await createLogger({ level: 'info', pretty: true, sink: { write: (l) => lines.push(l) } });
    logger.info({ headers: { a: 'CANARY' } }, 'listening on http://127.0.0.1:8080');
    expect(lines.join('')).toMatch(/INFO.*listening on http:\/\/127\.0\.0\.1:8080/);
    expect(lines.join('')).not.toContain('CANARY');
    expect(lines.join('')).not.toMatch(/^\{/);
  });
});
