/**
 * The pacer under real-timer behaviour: Node's timers count whole milliseconds, so a request
 * that sleeps until its slot (1000 / rate apart, e.g. 21.05 ms at 47.5/s) can wake a fraction of
 * a millisecond early. The benchmark found that each such wake gave the slot up and queued the
 * request behind every other waiter: 500 writes at R = 50 took 27 s instead of about 10.
 * Here the same happens in virtual time (delays cut to whole milliseconds, at least one, as
 * setTimeout does), deterministically.
 */
import { describe, expect, it } from 'vitest';
import type { IncomingResponse } from '../../src/api/http.js';
import { Pacer } from '../../src/api/pace.js';
import type { Sleep } from '../../src/api/retry.js';
import { DEFAULT_RETRY_POLICY } from '../../src/api/retry.js';
import { Transport } from '../../src/api/transport.js';
import { VirtualClock } from '../api/virtual-clock.js';

/** At most `limit` requests admitted in any second, Retry-After in whole seconds (the emulator's rule). */
function slidingWindow(limit: number) {
  const admitted: number[] = [];
  return (t: number): number | null => {
    while (admitted.length > 0 && admitted[0]! <= t - 1000) admitted.shift();
    if (admitted.length >= limit) return Math.max(1, Math.ceil((admitted[0]! + 1000 - t) / 1000));
    admitted.push(t);
    return null;
  };
}

async function writesUnderLimit(options: { writes: number; limit: number; truncateTimers: boolean }) {
  const clock = new VirtualClock();
  // like setTimeout: whole milliseconds, at least one
  const sleep: Sleep = (ms, signal) =>
    clock.sleep(options.truncateTimers ? Math.max(1, Math.trunc(ms)) : ms, signal);
  const admit = slidingWindow(options.limit);
  const send = async (): Promise<IncomingResponse> => {
    await sleep(10);
    const retryAfter = admit(clock.now());
    await sleep(10);
    if (retryAfter === null) return { status: 201, headers: {}, text: '{}', truncated: false };
    return {
      status: 429,
      headers: { 'retry-after': String(retryAfter) },
      text: '{"message":"Requests rate limit exceeded"}',
      truncated: false,
    };
  };
  const pacer = new Pacer({ now: clock.now, sleep });
  const transport = new Transport({
    send,
    origin: 'http://sim',
    headers: {},
    pacer,
    policy: DEFAULT_RETRY_POLICY,
    sleep,
    now: clock.now,
    random: () => 0.5,
    secrets: [],
  });
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < options.writes) {
      next += 1;
      await transport
        .call({
          method: 'POST',
          path: '/v1/connectors',
          body: { name: `c${next}` },
          safety: 'create',
          check: (json) => ({ ok: true, value: json }),
        })
        .catch(() => {
          failed += 1;
        });
    }
  };
  await clock.run(Promise.all(Array.from({ length: 16 }, worker)));
  return { elapsedMs: clock.now(), failed, pacing: pacer.snapshot() };
}

describe('the pacer with timers that count whole milliseconds', () => {
  it.each([50, 100, 20])('finishes 500 writes at R = %i/s within 1.2 x 500/R', async (limit) => {
    const run = await writesUnderLimit({ writes: 500, limit, truncateTimers: true });
    expect(run.failed).toBe(0);
    expect(run.elapsedMs).toBeLessThanOrEqual(1.2 * (500 / limit) * 1000);
  });

  it('is as fast as with exact timers', async () => {
    const exact = await writesUnderLimit({ writes: 500, limit: 50, truncateTimers: false });
    const truncated = await writesUnderLimit({ writes: 500, limit: 50, truncateTimers: true });
    expect(truncated.elapsedMs).toBeLessThanOrEqual(exact.elapsedMs * 1.02);
  });
});
