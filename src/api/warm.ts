import type { Socket } from 'node:net';
import type * as Undici from 'undici';
import { buildConnector } from './undici.js';

/**
 * An Agent's connector that can open one connection ahead of the first request (`warm`): the
 * TCP and TLS handshakes then overlap the work that comes before that request. Nothing is sent
 * on it until a request is, so opening it is no API call; `discard` closes it unused. A
 * connection the server closed while it waited is replaced by a fresh one; a connect that failed
 * fails the first request as its own connect would have (the retry policy decides what follows).
 */
export interface WarmConnector {
  connect: Undici.buildConnector.connector;
  warm(origin: URL): void;
  discard(): void;
}

export function warmConnector(options: Undici.buildConnector.BuildOptions): WarmConnector {
  const base = buildConnector(options);
  let spare:
    | {
        origin: string;
        socket: Promise<{ socket: Socket } | { error: Error }>;
        /** The socket as soon as the connect starts: closed at once by `discard`, handshake or not. */
        opening: Socket | undefined;
      }
    | undefined;
  return {
    connect(connectOptions, callback) {
      const kept = spare?.origin === originOf(connectOptions) ? spare : undefined;
      if (!kept) return base(connectOptions, callback);
      spare = undefined;
      void kept.socket.then((made) => {
        if ('error' in made) callback(made.error, null);
        else if (made.socket.destroyed) base(connectOptions, callback);
        else callback(null, made.socket);
      });
    },
    warm(origin) {
      if (spare) return;
      const connectOptions = {
        hostname: origin.hostname,
        host: origin.host,
        protocol: origin.protocol,
        port: origin.port,
        servername: null,
        localAddress: null,
        httpSocket: undefined,
      } as unknown as Undici.buildConnector.Options;
      let opening: Socket | undefined;
      const socket = new Promise<{ socket: Socket } | { error: Error }>((resolve) => {
        opening = base(connectOptions, (error, made) =>
          resolve(error ? { error } : { socket: made as Socket }),
        ) as Socket | undefined;
      });
      spare = { origin: originOf(connectOptions), socket, opening };
    },
    discard() {
      const kept = spare;
      spare = undefined;
      // a connect still in its handshake would hold the process until its timeout
      kept?.opening?.destroy();
      void kept?.socket.then((made) => {
        if ('socket' in made) made.socket.destroy();
      });
    },
  };
}

function originOf(options: { protocol: string; hostname: string; port: string }): string {
  const port = options.port || (options.protocol === 'https:' ? '443' : '80');
  return `${options.protocol}//${options.hostname}:${port}`;
}
