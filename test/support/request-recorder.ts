/**
 * Records every request a real client puts on the wire: an undici dispatcher (passed as
 * `createClient({dispatcher})`) that notes method, path, query and parsed body, then sends the
 * request on unchanged. Retries are recorded too: each attempt is a request the API would judge.
 */
import { Agent, type Dispatcher } from 'undici';
import type { RecordedRequest } from '../emulator/openapi.js';

/** A recording dispatcher and what it saw. */
export interface RequestRecorder {
  readonly dispatcher: Dispatcher;
  /** Every request so far, oldest first. */
  readonly requests: RecordedRequest[];
  /** Forgets what was recorded (not the hook). */
  clear(): void;
  close(): Promise<void>;
}

/**
 * Starts recording; `onRequest` runs just before each request goes out, and the request waits for
 * it (a test can play another writer at that exact moment).
 */
export function recordRequests(
  onRequest?: (request: RecordedRequest) => void | Promise<void>,
): RequestRecorder {
  const requests: RecordedRequest[] = [];
  const agent = new Agent();
  const dispatcher = agent.compose((dispatch) => (options, handler) => {
    const request = toRecord(options);
    requests.push(request);
    const acting = onRequest?.(request);
    if (!acting) return dispatch(options, handler);
    // like undici's own dns interceptor: dispatch later, and say the dispatcher is not busy
    void acting.then(() => dispatch(options, handler));
    return true;
  });
  return {
    dispatcher,
    requests,
    clear: () => {
      requests.length = 0;
    },
    close: () => agent.close(),
  };
}

/** A request as the wire carries it: the path and the query apart, the body parsed. */
export function toRecord(options: Dispatcher.DispatchOptions): RecordedRequest {
  const url = new URL(options.path, 'http://recorded.invalid');
  return {
    method: options.method,
    path: url.pathname,
    query: [...url.searchParams],
    body: parseBody(options.body),
  };
}

function parseBody(body: Dispatcher.DispatchOptions['body']): unknown {
  if (body === undefined || body === null) return undefined;
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : null;
  if (text === null) throw new Error('the recorder reads string and Buffer bodies only');
  if (text.length === 0) return undefined;
  return JSON.parse(text) as unknown;
}
