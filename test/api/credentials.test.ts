import { describe, expect, it } from 'vitest';
import { resolveApiCredentials } from '../../src/api/credentials.js';

const KEY = 'sk-CANARY-credentials-42';
const noFile = () => {
  throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
};

describe('resolveApiCredentials', () => {
  it('takes the key from MISTRAL_API_KEY and defaults to the public API', () => {
    const credentials = resolveApiCredentials({ MISTRAL_API_KEY: KEY });
    expect(credentials.apiKey.reveal()).toBe(KEY);
    expect(String(credentials.apiKey)).toBe('[redacted]');
    expect(JSON.stringify(credentials)).not.toContain(KEY);
    expect(credentials.baseUrl).toBe('https://api.mistral.ai');
  });

  it('reads MISTRAL_API_KEY_FILE and drops the trailing newline', () => {
    const credentials = resolveApiCredentials(
      { MISTRAL_API_KEY_FILE: '/run/secrets/mistral' },
      {},
      { readFile: (path) => (path === '/run/secrets/mistral' ? `${KEY}\n` : noFile()) },
    );
    expect(credentials.apiKey.reveal()).toBe(KEY);
  });

  it('names the unreadable file, never a key', () => {
    expect(() =>
      resolveApiCredentials({ MISTRAL_API_KEY_FILE: '/run/secrets/missing' }, {}, { readFile: noFile }),
    ).toThrow('cannot read the API key file /run/secrets/missing named by MISTRAL_API_KEY_FILE (ENOENT)');
  });

  it('rejects an empty key file and a file with more than the key, without showing it', () => {
    expect(() => resolveApiCredentials({ MISTRAL_API_KEY_FILE: '/k' }, {}, { readFile: () => '\n' })).toThrow(
      'the API key file /k (MISTRAL_API_KEY_FILE) is empty',
    );
    let message = '';
    try {
      resolveApiCredentials({ MISTRAL_API_KEY_FILE: '/k' }, {}, { readFile: () => `${KEY}\nsecond line\n` });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('with spaces, line breaks or control characters');
    expect(message).not.toContain(KEY);
  });

  it('without a key says NO_API_KEY and names both ways, never picking the emulator by itself', () => {
    expect(() => resolveApiCredentials({ MISTRAL_API_KEY: '  ' })).toThrow(
      expect.objectContaining({
        code: 'NO_API_KEY',
        message:
          'no API key: set MISTRAL_API_KEY (or MISTRAL_API_KEY_FILE to a file holding it), or pass --emulator to use the local emulator',
      }),
    );
  });

  it('refuses both a key and a key file', () => {
    expect(() => resolveApiCredentials({ MISTRAL_API_KEY: KEY, MISTRAL_API_KEY_FILE: '/k' })).toThrow(
      expect.objectContaining({ code: 'SETTINGS_INVALID' }),
    );
  });

  it('takes --api-url over MISTRAL_API_URL and strips the trailing slash', () => {
    const env = { MISTRAL_API_KEY: KEY, MISTRAL_API_URL: 'http://127.0.0.1:8080/' };
    expect(resolveApiCredentials(env).baseUrl).toBe('http://127.0.0.1:8080');
    expect(resolveApiCredentials(env, { apiUrl: 'https://proxy.example.com/mistral/' }).baseUrl).toBe(
      'https://proxy.example.com/mistral',
    );
  });

  it.each([
    ['ftp://api.example.com', 'must be an http(s) URL'],
    ['api.mistral.ai', 'must be an http(s) URL'],
    ['https://api.example.com/?x=1', 'must not have a query or a fragment'],
  ])('rejects the URL %s', (url, message) => {
    expect(() => resolveApiCredentials({ MISTRAL_API_KEY: KEY, MISTRAL_API_URL: url })).toThrow(
      expect.objectContaining({
        code: 'SETTINGS_INVALID',
        message: expect.stringContaining(`MISTRAL_API_URL ${message}`),
      }),
    );
    expect(() => resolveApiCredentials({ MISTRAL_API_KEY: KEY }, { apiUrl: url })).toThrow(
      expect.objectContaining({ code: 'USAGE', message: expect.stringContaining(`--api-url ${message}`) }),
    );
  });

  it('never echoes a URL that carries a password', () => {
    let message = '';
    try {
      resolveApiCredentials({ MISTRAL_API_KEY: KEY }, { apiUrl: 'https://user:hunter2@api.example.com' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('--api-url must not contain a user name or password');
  });
});
