/**
 * Answers as values. Handlers return a Reply; the server applies output faults and writes it.
 * Error bodies come in the shapes the real API uses (see ../shared/api/README.md):
 * - 422: FastAPI's `{"detail": [{"loc", "msg", "type"}]}` (the OpenAPI's HTTPValidationError);
 * - 401/403/404/409: Mistral's error glossary shape `{"object": "error", "message", "type", "param", "code"}`;
 * - 429: the bare `{"message": "Requests rate limit exceeded"}` seen in the wild;
 * - unknown routes and methods: FastAPI's own `{"detail": "Not Found"}` / `{"detail": "Method Not Allowed"}`.
 */

/** A response ready to be written. `body` is already serialized so a page is serialized once. */
export interface Reply {
  status: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Body fields the API ignored (see RequestLogEntry.ignored). */
  ignored?: string[];
}

/** One entry of a FastAPI/pydantic validation error. */
export interface ValidationDetail {
  type: string;
  loc: Array<string | number>;
  msg: string;
  /** Echoed only for fields that can never hold a secret. */
  input?: unknown;
  ctx?: Record<string, unknown>;
}

/** A JSON reply from a value. */
export function jsonReply(status: number, value: unknown, headers?: Record<string, string>): Reply {
  return headers === undefined
    ? { status, body: JSON.stringify(value) }
    : { status, body: JSON.stringify(value), headers };
}

/** A JSON reply from text that is already JSON. */
export function rawJsonReply(status: number, body: string): Reply {
  return { status, body };
}

/** 422 in FastAPI's shape. */
export function validationReply(detail: ValidationDetail[]): Reply {
  return jsonReply(422, { detail });
}

/** Mistral's documented error shape. */
export function mistralErrorReply(
  status: number,
  message: string,
  type: string,
  code: string | null = null,
  param: string | null = null,
): Reply {
  return jsonReply(status, { object: 'error', message, type, param, code });
}

/** 404 for a connector reference that matches nothing. */
export function connectorNotFound(idOrName: string): Reply {
  return mistralErrorReply(
    404,
    `Connector '${idOrName}' not found.`,
    'invalid_request_error',
    'connector_not_found',
  );
}

/** FastAPI's answer for a path no route matches. */
export function routeNotFound(): Reply {
  return jsonReply(404, { detail: 'Not Found' });
}

/** FastAPI's answer for a known path with a method it does not serve. */
export function methodNotAllowed(allowed: string[]): Reply {
  return jsonReply(405, { detail: 'Method Not Allowed' }, { allow: allowed.join(', ') });
}

/** 401 for a missing or rejected key, in the glossary shape with type authentication_error. */
export function unauthorizedReply(reason: string): Reply {
  return mistralErrorReply(401, reason, 'authentication_error', 'invalid_api_key', null);
}

/** The 429 body Mistral's gateway answers with. */
export function rateLimitedReply(retryAfter: string): Reply {
  return jsonReply(429, { message: 'Requests rate limit exceeded' }, { 'retry-after': retryAfter });
}
