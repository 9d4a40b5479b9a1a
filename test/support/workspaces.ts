/**
 * Several workspaces behind one API URL, as Mistral serves them: the API key says which one a
 * request is for. Each workspace is an emulator of its own (its own key, seed and request log); a
 * loopback router forwards each request to the emulator of its bearer key, and answers 401 to any
 * other key, so a request sent with the wrong environment's key can never reach a workspace.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { type RunningEmulator, type SeedConnector, startEmulator } from '../../src/emulator/index.js';

export interface Workspaces {
  /** The one URL of every workspace. */
  url: string;
  /** Each workspace by its API key. */
  byKey: ReadonlyMap<string, RunningEmulator>;
  close(): Promise<void>;
}

/** Starts one emulator per key, seeded as given, and the router in front of them. */
export async function startWorkspaces(seeds: Record<string, SeedConnector[]>): Promise<Workspaces> {
  const byKey = new Map<string, RunningEmulator>();
  for (const [apiKey, seed] of Object.entries(seeds))
    byKey.set(apiKey, await startEmulator({ port: 0, apiKey, seed }));
  const server = createServer(async (req, res) => {
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const emulator = key === undefined ? undefined : byKey.get(key);
    if (emulator === undefined) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"detail":"unknown key"}');
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const { host: _host, connection: _connection, ...headers } = req.headers;
    try {
      const reply = await request(new URL(req.url ?? '/', emulator.url), {
        method: req.method as 'GET',
        headers: headers as Record<string, string>,
        body: body.length > 0 ? body : null,
      });
      const text = await reply.body.text();
      const { 'content-length': _length, 'transfer-encoding': _encoding, ...replyHeaders } = reply.headers;
      res.writeHead(reply.statusCode, replyHeaders as Record<string, string>).end(text);
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    byKey,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const emulator of byKey.values()) await emulator.close();
    },
  };
}
