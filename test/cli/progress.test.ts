/**
 * Progress of a long apply in a log (no terminal): a plain line every few seconds on stderr,
 * nothing rewritten in place, and no line once the apply is over.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { progressReporter } from '../../src/cli/progress.js';
import { emptyReport } from '../../src/reconcile/run-once.js';
import type { OperationResult } from '../../src/reconcile/types.js';
import { makeStyle } from '../../src/render/style.js';

function recordingIo(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: { write: (text: string) => out.push(text) > 0, isTTY: false },
    stderr: { write: (text: string) => err.push(text) > 0, isTTY: false },
    env: {},
    cwd: '/',
    signal: new AbortController().signal,
  };
}

const created = (name: string, status: OperationResult['status']) =>
  ({ operation: { kind: 'create', name }, status }) as unknown as OperationResult;

test('in a log, a long apply prints a progress line every interval, and none after it ends', async () => {
  const io = recordingIo();
  const progress = progressReporter(io, {
    forPeople: true,
    style: makeStyle(false),
    apiUrl: 'https://api.example.com',
    intervalMs: 20,
  });
  progress.onPlan?.(emptyReport(false, new Date()));
  progress.onResult?.(created('a', 'applied'), 1, 600);
  progress.onResult?.(created('b', 'failed'), 2, 600);
  await sleep(70);
  progress.done();
  const lines = io.err.join('');
  expect(lines).toContain('Applying: 2 of 600 done, 1 failed\n');
  expect(lines).not.toContain('\r');
  const printed = io.err.length;
  await sleep(50);
  expect(io.err.length).toBe(printed);
  expect(progress.headShown && progress.resultsShown).toBe(true);
});

test('JSON output gets no progress at all', () => {
  const io = recordingIo();
  const progress = progressReporter(io, { forPeople: false, style: makeStyle(false), apiUrl: 'x' });
  expect(progress.onPlan).toBeUndefined();
  expect(progress.onResult).toBeUndefined();
});
