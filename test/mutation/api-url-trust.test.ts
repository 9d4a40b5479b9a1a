/** Where the API key may go when the repository's settings file names an api_url: the refusal, exactly. */
import { describe, expect, test } from 'vitest';
import { refuseRepositoryApiUrl } from '../../src/cli/api-url-trust.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/config/settings.js';
import { ConnectorSyncError } from '../../src/errors.js';

const fromFile = (apiUrl: string | undefined) =>
  ({ ...DEFAULT_SETTINGS, file: 's.yaml', apiUrl, apiUrlSetIn: 's.yaml:3:10' }) as Settings;

function refusal(apiUrl: string): ConnectorSyncError {
  try {
    refuseRepositoryApiUrl(fromFile(apiUrl), { env: {} });
  } catch (error) {
    if (error instanceof ConnectorSyncError) return error;
    throw error;
  }
  throw new Error(`${apiUrl} was not refused`);
}

describe('refuseRepositoryApiUrl, the sentence', () => {
  test('names the file, the origin and path without credentials or trailing slashes, and the way to trust it', () => {
    const error = refusal('https://user:pw@proxy.example.com/v1//');
    expect(error.code).toBe('SETTINGS_INVALID');
    expect(error.message).toBe(
      's.yaml:3:10: api_url would send the API key to https://proxy.example.com/v1, a URL the repository chose; ' +
        'the key goes only to https://api.mistral.ai or to a URL named outside the repository. Nothing was sent.',
    );
    expect(error.hint).toBe(
      'if you trust it, pass --api-url https://proxy.example.com/v1 or set MISTRAL_API_URL (or CONNECTOR_SYNC_API_URL) to it where the key is configured',
    );
    expect(`${error.message} ${error.hint}`).not.toContain('pw');
  });

  test('a URL that does not parse is refused as such, not crashed on', () => {
    const error = refusal('not a url');
    expect(error.message).toContain('would send the API key to a URL that does not parse, a URL');
  });

  test("Mistral's host is recognized around any white space, even what URL parsing keeps", () => {
    expect(() =>
      refuseRepositoryApiUrl(fromFile('\u00a0https://api.mistral.ai\u00a0'), { env: {} }),
    ).not.toThrow();
  });
});

describe('refuseRepositoryApiUrl, who chose', () => {
  test('a flag or MISTRAL_API_URL from the operator wins over the file, so nothing is refused', () => {
    const foreign = fromFile('https://proxy.example.com');
    expect(() =>
      refuseRepositoryApiUrl(foreign, { flag: 'https://other.example.com', env: {} }),
    ).not.toThrow();
    expect(() =>
      refuseRepositoryApiUrl(foreign, { env: { MISTRAL_API_URL: 'https://other.example.com' } }),
    ).not.toThrow();
    expect(() => refuseRepositoryApiUrl(foreign, { env: { MISTRAL_API_URL: '' } })).toThrow(
      ConnectorSyncError,
    );
  });

  test('a file that sets no api_url has nothing to refuse', () => {
    expect(() => refuseRepositoryApiUrl(fromFile(undefined), { env: {} })).not.toThrow();
  });
});
