import type { RunReport } from '../reconcile/run-once.js';
import type { OperationResult } from '../reconcile/types.js';
import { forTerminal } from '../render/escape.js';
import { resultLine } from '../render/plan-text.js';
import { notStarted, reportHeadLines, reportIssuesText } from '../render/report-text.js';
import type { Style } from '../render/style.js';
import type { CliIO } from './io.js';

/** How often a log (no terminal) gets a progress line while an apply goes on. */
export const LOG_PROGRESS_INTERVAL_MS = 5_000;

/**
 * A long apply as it happens: the plan before the first write, then each result as it lands (on
 * stdout, where the report goes), and a progress count on stderr: a counter rewritten in place on
 * a terminal, a line every few seconds in a log. A CI log otherwise shows nothing until the last
 * write is done.
 */
export interface ProgressReporter {
  onPlan: ((report: Readonly<RunReport>) => void) | undefined;
  onResult: ((result: OperationResult, done: number, total: number) => void) | undefined;
  /** Stops the progress count and clears the counter line. */
  done(): void;
  /** True once the plan was printed before the apply (the report leaves it out). */
  readonly headShown: boolean;
  /** True once results were printed as they landed (the report leaves them out). */
  readonly resultsShown: boolean;
}

/** Progress for people reading text output; JSON and Markdown get none (stdout stays one document). */
export function progressReporter(
  io: CliIO,
  options: { forPeople: boolean; style: Style; apiUrl: string; intervalMs?: number },
): ProgressReporter {
  if (!options.forPeople)
    return { onPlan: undefined, onResult: undefined, done: () => {}, headShown: false, resultsShown: false };
  const terminal = io.stderr.isTTY === true;
  const count = { done: 0, total: 0, failed: 0 };
  let headShown = false;
  let drawn = '';
  let timer: NodeJS.Timeout | undefined;
  const clear = () => {
    if (drawn) io.stderr.write('\r\x1b[2K');
    drawn = '';
  };
  return {
    onPlan: (report) => {
      io.stderr.write(reportIssuesText(report));
      const context = { style: options.style, apiUrl: options.apiUrl, issuesApart: true };
      for (const line of reportHeadLines(report, context)) io.stdout.write(`${line}\n`);
      io.stdout.write('\n');
      headShown = true;
      if (!terminal) {
        timer = setInterval(() => {
          const failures = count.failed > 0 ? `, ${count.failed} failed` : '';
          io.stderr.write(`Applying: ${count.done} of ${count.total} done${failures}\n`);
        }, options.intervalMs ?? LOG_PROGRESS_INTERVAL_MS);
        timer.unref();
      }
    },
    onResult: (result, done, total) => {
      Object.assign(count, { done, total });
      if (result.status === 'failed') count.failed += 1;
      // the operations an interrupt never started are one line of the report, not one each
      if (notStarted(result)) return;
      clear();
      io.stdout.write(`${resultLine(result, options.style)}\n`);
      if (!terminal) return;
      const failures = count.failed > 0 ? `, ${count.failed} failed` : '';
      drawn = `Applying: ${done}/${total}${failures}  ${result.operation.kind} ${forTerminal(result.operation.name)}`;
      io.stderr.write(`\r\x1b[2K${drawn}`);
    },
    done: () => {
      clearInterval(timer);
      clear();
    },
    get headShown() {
      return headShown;
    },
    get resultsShown() {
      return headShown;
    },
  };
}
