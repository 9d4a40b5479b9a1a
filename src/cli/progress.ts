import type { OperationResult } from '../reconcile/types.js';
import { forTerminal } from '../render/escape.js';
import type { CliIO } from './io.js';

/** Progress of a long apply: a counter rewritten in place on a terminal, nothing elsewhere. */
export interface ProgressReporter {
  onResult: ((result: OperationResult, done: number, total: number) => void) | undefined;
  /** Clears the counter line. */
  done(): void;
  /** True when results were already printed one by one (never, for now: the report lists them). */
  shown: boolean;
}

/** A counter on stderr when it is a terminal and the output is for people; otherwise silent. */
export function progressReporter(io: CliIO, forPeople: boolean): ProgressReporter {
  if (!forPeople || io.stderr.isTTY !== true) return { onResult: undefined, done: () => {}, shown: false };
  let drawn = false;
  let failed = 0;
  return {
    onResult: (result, done, total) => {
      if (result.status === 'failed') failed += 1;
      const failures = failed > 0 ? `, ${failed} failed` : '';
      io.stderr.write(
        `\r\x1b[2KApplying: ${done}/${total}${failures}  ${result.operation.kind} ${forTerminal(result.operation.name)}`,
      );
      drawn = true;
    },
    done: () => {
      if (drawn) io.stderr.write('\r\x1b[2K');
    },
    shown: false,
  };
}
