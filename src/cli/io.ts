import type { RunReport } from '../reconcile/run-once.js';

/** Where a command writes and what it may read of its process: passed in so tests run commands in-process. */
export interface CliIO {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM (long-running commands stop cleanly). */
  signal: AbortSignal;
  /** --no-color was given (set by the program for every command). */
  noColor?: boolean;
  /**
   * Told the report of a `sync` run with the URL it ran against (the action's plan comment): once,
   * or once per environment with its name when several run (`--env a,b`, `--env all`).
   */
  onReport?: (report: RunReport, apiUrl: string, environment?: string) => void;
}

/** Exit codes (DESIGN.md, CLI conventions). */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  /** With --detailed-exitcode: changes pending (dry-run) or applied. */
  changes: 2,
  /** With --detailed-exitcode a usage error cannot be 2, so it takes sysexits' EX_USAGE. */
  usageDetailed: 64,
} as const;

/**
 * True when colour is wanted on `stream`, the one decision every command's styling goes through:
 * --no-color and NO_COLOR (https://no-color.org) say no; FORCE_COLOR says yes, or no when it is
 * 0 or false (as Node reads it); otherwise a terminal that is not TERM=dumb.
 */
export function wantsColor(io: CliIO, stream: 'stdout' | 'stderr' = 'stdout'): boolean {
  if (io.noColor) return false;
  const noColor = io.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (io.env.TERM === 'dumb') return false;
  return io[stream].isTTY === true;
}

/** Writes lines as they are made, in chunks of about 64 KiB: a large report is never held whole. */
export function writeLines(stream: CliIO['stdout'], lines: Iterable<string>): void {
  writeChunks(stream, withNewlines(lines));
}

/** Writes text pieces as they are made, gathered into chunks of about 64 KiB. */
export function writeChunks(stream: CliIO['stdout'], pieces: Iterable<string>): void {
  let chunk = '';
  for (const piece of pieces) {
    chunk += piece;
    if (chunk.length >= 65_536) {
      stream.write(chunk);
      chunk = '';
    }
  }
  if (chunk !== '') stream.write(chunk);
}

function* withNewlines(lines: Iterable<string>): Generator<string> {
  for (const line of lines) yield `${line}\n`;
}
