import { describe, expect, it } from 'vitest';
import type { TriggerReason } from '../../src/daemon/history.js';
import { ReconcileLoop, type RunOutcome } from '../../src/daemon/loop.js';
import { FakeTimers, settle } from './fake-timers.js';

/** A run function whose runs the test finishes by hand. */
function manualRuns() {
  const calls: TriggerReason[][] = [];
  const finishers: Array<(outcome: RunOutcome) => void> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const run = (reasons: TriggerReason[]) => {
    calls.push(reasons);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise<RunOutcome>((resolve) =>
      finishers.push((outcome) => {
        inFlight -= 1;
        resolve(outcome);
      }),
    );
  };
  const finish = async (outcome: RunOutcome = { retry: false }) => {
    finishers.shift()!(outcome);
    await settle();
  };
  return { run, calls, finish, maxInFlight: () => maxInFlight };
}

function loopWith(runs: ReturnType<typeof manualRuns>, timers = new FakeTimers()) {
  const errors: unknown[] = [];
  const retries: number[] = [];
  const loop = new ReconcileLoop({
    run: runs.run,
    timers,
    random: () => 1 - Number.EPSILON,
    backoff: { initialMs: 1000, maxMs: 8000 },
    onError: (error) => errors.push(error),
    onRetry: (delay) => retries.push(delay),
  });
  return { loop, timers, errors, retries };
}

describe('ReconcileLoop', () => {
  it('runs one reconcile at a time and coalesces every trigger during it into exactly one more', async () => {
    const runs = manualRuns();
    const { loop } = loopWith(runs);
    loop.trigger('start');
    for (let i = 0; i < 20; i += 1) loop.trigger(i % 2 === 0 ? 'files' : 'schedule');
    loop.trigger('signal');
    await settle();
    expect(runs.calls).toEqual([['start']]);
    await runs.finish();
    expect(runs.calls).toHaveLength(2);
    expect(new Set(runs.calls[1])).toEqual(new Set(['files', 'schedule', 'signal']));
    await runs.finish();
    expect(runs.calls).toHaveLength(2);
    expect(runs.maxInFlight()).toBe(1);
    expect(loop.busy).toBe(false);
  });

  it('retries a failed run with a capped exponential backoff and resets after a success', async () => {
    const runs = manualRuns();
    const { loop, timers, retries } = loopWith(runs);
    loop.trigger('start');
    for (let attempt = 0; attempt < 6; attempt += 1) {
      await runs.finish({ retry: true });
      await timers.advance(retries.at(-1)!);
    }
    // 1 s, 2 s, 4 s, then the 8 s cap (random at the top of the jitter range)
    expect(retries.map((ms) => Math.round(ms / 1000))).toEqual([1, 2, 4, 8, 8, 8]);
    expect(runs.calls.slice(1).every((reasons) => reasons.includes('retry'))).toBe(true);
    await runs.finish({ retry: false });
    expect(loop.failures).toBe(0);
    expect(timers.delays()).toEqual([]);
  });

  it('runs a trigger during the backoff at once and cancels the pending retry', async () => {
    const runs = manualRuns();
    const { loop, timers } = loopWith(runs);
    loop.trigger('start');
    await runs.finish({ retry: true });
    expect(timers.delays()).toHaveLength(1);
    loop.trigger('files');
    await settle();
    expect(runs.calls.at(-1)).toEqual(['files']);
    expect(timers.delays()).toEqual([]);
  });

  it('treats a run that throws as a failure to retry, and reports it', async () => {
    const timers = new FakeTimers();
    const errors: unknown[] = [];
    let calls = 0;
    const loop = new ReconcileLoop({
      run: async () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
        return { retry: false };
      },
      timers,
      random: () => 0,
      onError: (error) => errors.push(error),
    });
    loop.trigger('start');
    await settle();
    expect(errors).toHaveLength(1);
    await timers.advance(1000);
    expect(calls).toBe(2);
  });

  it('stop() waits for the run in flight and starts nothing after it', async () => {
    const runs = manualRuns();
    const { loop, timers } = loopWith(runs);
    loop.trigger('start');
    loop.trigger('files');
    let stopped = false;
    const stopping = loop.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).toBe(false);
    await runs.finish({ retry: true });
    await stopping;
    loop.trigger('schedule');
    await timers.advance(60_000);
    expect(runs.calls).toEqual([['start']]);
  });
});
