import { DEFAULT_API_URL } from '../api/credentials.js';
import type { Settings } from '../config/settings.js';
import { ConnectorSyncError } from '../errors.js';

/**
 * The API key goes only where the operator sent it. An `api_url` the repository's settings file
 * chose (a pull request can edit it, and `sync --dry-run` runs on pull requests with the key) is
 * followed only to Mistral's own host; any other needs the operator to name a URL outside the
 * repository (--api-url, MISTRAL_API_URL or CONNECTOR_SYNC_API_URL), which then wins anyway.
 * A boolean opt-in was not enough: it would let every later pull request move the key again.
 */
export function refuseRepositoryApiUrl(
  settings: Settings,
  operatorUrl: { flag?: string | undefined; env: Readonly<Record<string, string | undefined>> },
): void {
  if (settings.apiUrlSetIn === undefined || settings.apiUrl === undefined) return;
  if (operatorUrl.flag !== undefined || operatorUrl.env.MISTRAL_API_URL) return;
  const url = parsed(settings.apiUrl);
  if (url?.origin === new URL(DEFAULT_API_URL).origin) return;
  // origin and path only: a user name or password in the file is never repeated
  const shown = url ? `${url.origin}${url.pathname}`.replace(/\/+$/, '') : 'a URL that does not parse';
  throw new ConnectorSyncError(
    'SETTINGS_INVALID',
    `${settings.apiUrlSetIn}: api_url would send the API key to ${shown}, a URL the repository chose; ` +
      `the key goes only to ${DEFAULT_API_URL} or to a URL named outside the repository. Nothing was sent.`,
    {
      hint: `if you trust it, pass --api-url ${shown} or set MISTRAL_API_URL (or CONNECTOR_SYNC_API_URL) to it where the key is configured`,
    },
  );
}

function parsed(raw: string): URL | undefined {
  try {
    return new URL(raw.trim());
  } catch {
    return undefined;
  }
}
