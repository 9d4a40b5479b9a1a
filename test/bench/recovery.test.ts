import { describe, expect, it } from 'vitest';
import { lastBurstAnswerMs, recoveryMs } from '../../bench/measure.js';
import type { RequestLogEntry } from '../../src/emulator/index.js';

const at = (ms: number, status = 201, fault?: string): RequestLogEntry =>
  ({
    seq: 0,
    method: 'POST',
    path: '/v1/connectors',
    query: {},
    status,
    time: new Date(ms).toISOString(),
    durationMs: 20,
    ...(fault === undefined ? {} : { fault }),
  }) as RequestLogEntry;

describe('the bench measures recovery after a burst of 429s', () => {
  it('finds the first second at 90% of the rate after the burst', () => {
    // 5/s from 10 s to 12 s, then 10/s from 12 s on: [11.75 s, 12.75 s) holds 9 of them
    const log = [
      ...Array.from({ length: 10 }, (_, i) => at(10_000 + i * 200)),
      ...Array.from({ length: 30 }, (_, i) => at(12_000 + i * 100)),
    ];
    expect(recoveryMs(log, 10_000, 10)).toBe(1750);
    expect(recoveryMs(log, 10_000, 100)).toBeNull();
  });

  it('counts only accepted writes, and only the fault rule for the end of the burst', () => {
    const log = [
      at(1000, 429, 'rate_limit'),
      at(1500, 429),
      ...Array.from({ length: 10 }, (_, i) => at(2000 + i * 50)),
    ];
    expect(lastBurstAnswerMs(log)).toBe(1020);
    expect(recoveryMs(log, 1020, 10)).toBe(400);
  });
});
