import { request as httpRequest } from 'node:http';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlToken } from '../../src/daemon/control.js';
import { hostAllowed, hostPolicy } from '../../src/daemon/host-check.js';
import type { DaemonMetrics } from '../../src/daemon/metrics.js';
import { type ServerDeps, type StatusServer, startServer } from '../../src/daemon/server.js';
import type { DaemonStatus } from '../../src/daemon/status.js';

let server: StatusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A raw request, so the test chooses the Host header. */
function get(url: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}${path}`, { headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

const STATUS_VIEW = {
  connectors: [],
  pending_auth: [],
  credentials: [],
  tool_drift: [],
  history: [],
  last_report: null,
  secret: 'none',
};

function fakeDeps(overrides: Partial<ServerDeps> & { view?: () => unknown; contentType?: string } = {}) {
  const status = {
    pendingAuthId: (name: string) => (name === 'linear' ? '0b7e3a52-1c1f-4d5e-9f00-3f2b8a9c1d11' : undefined),
    readiness: () => ({ ready: true, reasons: [] }),
    view: overrides.view ?? (() => STATUS_VIEW),
  } as unknown as DaemonStatus;
  const metrics = {
    contentType: overrides.contentType ?? 'text/plain; version=0.0.4; charset=utf-8',
    render: async () => 'up 1\n',
  } as unknown as DaemonMetrics;
  const deps: ServerDeps = {
    status,
    metrics,
    token: new ControlToken(null),
    control: { reconcile() {}, suspend() {}, resume: () => ({ resumed: true, message: 'ok' }) },
    authUrl: async () => 'https://auth.example.com/authorize?state=1',
    logger: pino({ level: 'silent' }),
    ...overrides,
  };
  return deps;
}

async function serve(deps: ServerDeps, host = '127.0.0.1', allowHosts: string[] = []) {
  server = await startServer(deps, { host, port: 0, allowHosts });
  return server;
}

describe('status server: auth links are followed only to https', () => {
  const refused: Array<[string, string]> = [
    ['a line break (header injection)', 'https://auth.example.com/a\r\nSet-Cookie: session=stolen'],
    ['a bare line feed', 'https://auth.example.com/a\nx'],
    ['javascript:', 'javascript:alert(document.domain)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['protocol-relative', '//evil.example.com/authorize'],
    ['a relative path', '/authorize'],
    ['plain http to another host', 'http://auth.example.com/authorize'],
    ['ftp:', 'ftp://auth.example.com/authorize'],
  ];
  for (const [what, url] of refused) {
    it(`answers 502 for ${what}, and keeps serving`, async () => {
      const s = await serve(fakeDeps({ authUrl: async () => url }));
      const answer = await get(s.url, '/auth/linear');
      expect(answer.status).toBe(502);
      expect(answer.headers.location).toBeUndefined();
      expect(answer.headers['set-cookie']).toBeUndefined();
      expect(answer.text).toMatch(/not followed: it/);
      expect((await get(s.url, '/healthz')).status).toBe(200);
    });
  }

  it('follows characters above U+00FF percent-encoded, without dying', async () => {
    const s = await serve(fakeDeps({ authUrl: async () => 'https://auth.example.com/ok?name=Łukasz→ü' }));
    const answer = await get(s.url, '/auth/linear');
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('https://auth.example.com/ok?name=%C5%81ukasz%E2%86%92%C3%BC');
    expect((await get(s.url, '/healthz')).status).toBe(200);
  });

  it('follows https and http to loopback (the emulator)', async () => {
    const urls = [
      'https://auth.example.com/authorize?x=1',
      'http://127.0.0.1:4010/_emulator/oauth/authorize',
    ];
    for (const url of urls) {
      const s = await serve(fakeDeps({ authUrl: async () => url }));
      const answer = await get(s.url, '/auth/linear');
      expect(answer.status).toBe(303);
      expect(answer.headers.location).toBe(url);
      await s.close();
      server = undefined;
    }
  });
});

describe('status server: an exception is a 500 page, never a crash', () => {
  it('answers 500 when a handler throws, then serves the next request', async () => {
    const s = await serve(
      fakeDeps({
        view: () => {
          throw new Error('boom');
        },
      }),
    );
    expect((await get(s.url, '/status.json')).status).toBe(500);
    expect((await get(s.url, '/')).status).toBe(500);
    expect((await get(s.url, '/healthz')).status).toBe(200);
  });

  it('answers 500 when the reply itself cannot be written (a header with a line break)', async () => {
    const s = await serve(fakeDeps({ contentType: 'text/plain\r\nx-injected: 1' }));
    const answer = await get(s.url, '/metrics');
    expect(answer.status).toBe(500);
    expect(answer.headers['x-injected']).toBeUndefined();
    expect((await get(s.url, '/healthz')).status).toBe(200);
  });
});

describe('status server: the Host header (DNS rebinding)', () => {
  it('on loopback, answers loopback names only and refuses any other with 421 and no data', async () => {
    const s = await serve(fakeDeps());
    for (const host of [`127.0.0.1:${s.port}`, `localhost:${s.port}`, 'localhost', '[::1]:80']) {
      expect((await get(s.url, '/status.json', { host })).status, host).toBe(200);
    }
    for (const host of [`evil.example.com:${s.port}`, '10.0.0.5', 'localhost.evil.example.com', 'a b']) {
      const answer = await get(s.url, '/status.json', { host });
      expect(answer.status, host).toBe(421);
      expect(answer.text).not.toContain('secret');
    }
  });

  it('on loopback, also answers the names of --allow-host', async () => {
    const s = await serve(fakeDeps(), '127.0.0.1', ['daemon.internal']);
    expect((await get(s.url, '/healthz', { host: 'daemon.internal:8080' })).status).toBe(200);
    expect((await get(s.url, '/healthz', { host: 'other.internal' })).status).toBe(421);
  });

  it('on a wildcard address, answers any Host unless an allow-list is given', () => {
    const open = hostPolicy('0.0.0.0');
    expect(hostAllowed('connector-sync.ops.svc:8080', open)).toBe(true);
    expect(hostAllowed('10.1.2.3:8080', open)).toBe(true);
    const listed = hostPolicy('::', ['connector-sync.ops.svc']);
    expect(hostAllowed('connector-sync.ops.svc:8080', listed)).toBe(true);
    expect(hostAllowed('CONNECTOR-SYNC.ops.svc.', listed)).toBe(true);
    expect(hostAllowed('10.1.2.3:8080', listed)).toBe(true); // a kubelet probe by pod IP
    expect(hostAllowed('localhost', listed)).toBe(true);
    expect(hostAllowed('evil.example.com', listed)).toBe(false);
    expect(hostAllowed(undefined, open)).toBe(false);
  });

  it('on a specific address, answers that address', () => {
    const policy = hostPolicy('192.168.1.5', ['status.lan']);
    expect(hostAllowed('192.168.1.5:8080', policy)).toBe(true);
    expect(hostAllowed('status.lan', policy)).toBe(true);
    expect(hostAllowed('rebound.example.com', policy)).toBe(false);
  });
});
