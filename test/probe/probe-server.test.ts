/** `probeServer` against real MCP servers (official SDK, loopback) and the non-MCP answers it must name. */
import { afterEach, describe, expect, it } from 'vitest';
import { probeServer } from '../../src/probe/connect.js';
import {
  startHangingServer,
  startMcpServer,
  startSseOnlyServer,
  startStaticServer,
  type TestServer,
  tool,
} from '../support/mcp-servers.js';

const open: TestServer[] = [];
async function serve(server: Promise<TestServer>): Promise<string> {
  const started = await server;
  open.push(started);
  return started.url;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

const options = { headers: {}, deadlineMs: 3000 };

describe('probeServer', () => {
  it('lists every page of tools with the server name and protocol version', async () => {
    const tools = Array.from({ length: 7 }, (_, index) => tool(`tool_${index}`, `does ${index}`));
    const url = await serve(startMcpServer({ name: 'paged-server', tools, pageSize: 3 }));
    const probe = await probeServer(url, options);
    expect(probe).toMatchObject({
      status: 'ok',
      transport: 'streamable-http',
      serverName: 'paged-server',
      serverVersion: '1.2.3',
    });
    expect(probe.protocolVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(probe.tools?.map((found) => found.name)).toEqual(tools.map((expected) => expected.name));
  });

  it('reports a 401 with a resource_metadata challenge as OAuth expected, naming the metadata URL', async () => {
    const url = await serve(startMcpServer({ name: 'oauth', tools: [tool('a', 'b')], bearer: 'token-1' }));
    const probe = await probeServer(url, options);
    expect(probe.status).toBe('auth-required');
    expect(probe.resourceMetadata).toMatch(/\/\.well-known\/oauth-protected-resource$/);
    expect(probe.tools).toBeNull();
  });

  it('sends the given headers, which get past the 401', async () => {
    const url = await serve(startMcpServer({ name: 'oauth', tools: [tool('a', 'b')], bearer: 'token-1' }));
    const probe = await probeServer(url, { ...options, headers: { Authorization: 'Bearer token-1' } });
    expect(probe.status).toBe('ok');
  });

  it('names an HTML page, a 404 and a JSON that is not JSON-RPC as not an MCP server', async () => {
    const html = await serve(startStaticServer(200, 'text/html', '<html><body>Welcome</body></html>'));
    const missing = await serve(startStaticServer(404, 'text/plain', 'not found'));
    const json = await serve(startStaticServer(200, 'application/json', '{"hello":"world"}'));
    expect(await probeServer(html, options)).toMatchObject({
      status: 'not-mcp',
      cause: 'an HTML page, not JSON-RPC',
    });
    expect(await probeServer(missing, options)).toMatchObject({ status: 'not-mcp', cause: 'HTTP 404' });
    expect(await probeServer(json, options)).toMatchObject({
      status: 'not-mcp',
      cause: 'a JSON answer that is not JSON-RPC',
    });
  });

  it('gives up on a server that never answers at the deadline', async () => {
    const url = await serve(startHangingServer());
    const started = Date.now();
    const probe = await probeServer(url, { ...options, deadlineMs: 300 });
    expect(probe.status).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('names the cause of an unreachable server', async () => {
    // a port that was just free: nothing listens there now (port 1 would be refused by fetch itself)
    const closed = await startStaticServer(200, 'text/plain', '');
    await closed.close();
    const refused = await probeServer(closed.url, options);
    expect(refused).toMatchObject({ status: 'unreachable', cause: 'connection refused (ECONNREFUSED)' });
    const dns = await probeServer('http://no-such-host.invalid/mcp', options);
    expect(dns.status).toBe('unreachable');
    expect(dns.cause).toMatch(/^DNS lookup failed/);
  });

  it('falls back to the HTTP+SSE transport for a server that refuses the Streamable HTTP POST', async () => {
    const url = await serve(startSseOnlyServer({ name: 'legacy', tools: [tool('old_tool', 'still here')] }));
    const probe = await probeServer(url, options);
    expect(probe).toMatchObject({ status: 'ok', transport: 'sse', serverName: 'legacy' });
    expect(probe.tools?.map((found) => found.name)).toEqual(['old_tool']);
  });
});
