/** The Connectors API client: what the rest of connector-sync imports. */

export type * from './agents.js';
export { type ClientOptions, type ConnectorsClient, createClient, MAX_PAGE_SIZE } from './client.js';
export {
  type ApiCredentials,
  type CredentialFlags,
  DEFAULT_API_URL,
  resolveApiCredentials,
} from './credentials.js';
export { ApiError, isApiError } from './errors.js';
export { requireComplete } from './paging.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
export type { RequestEvent } from './transport.js';
export type * from './types.js';
