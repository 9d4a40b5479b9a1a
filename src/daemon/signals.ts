/** Where process signals come from: `process` in the CLI, an EventEmitter in tests. */
export interface SignalSource {
  on(event: 'SIGHUP', listener: () => void): unknown;
  off(event: 'SIGHUP', listener: () => void): unknown;
}

/**
 * Runs `handler` on each `signal` until the returned function is called. SIGTERM and SIGINT are not
 * handled here: src/cli/main.ts turns the first into the command's abort signal and exits on the
 * second.
 */
export function onSignal(source: SignalSource, signal: 'SIGHUP', handler: () => void): () => void {
  const listener = () => handler();
  source.on(signal, listener);
  return () => {
    source.off(signal, listener);
  };
}
