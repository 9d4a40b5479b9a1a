import { describe, expect, it } from 'vitest';
import { Debouncer } from '../../src/daemon/debounce.js';
import { DEFAULT_SCHEDULE, parseSchedule, Scheduler } from '../../src/daemon/scheduler.js';
import { FakeTimers } from './fake-timers.js';

const MINUTE = 60_000;

describe('parseSchedule', () => {
  it('accepts five- and six-field cron and nicknames, and "off"', () => {
    expect(parseSchedule(DEFAULT_SCHEDULE, '--schedule')?.getPattern()).toBe('*/5 * * * *');
    expect(parseSchedule('*/30 * * * * *', '--schedule')).not.toBeNull();
    expect(parseSchedule('@hourly', '--schedule')).not.toBeNull();
    expect(parseSchedule('off', '--schedule')).toBeNull();
  });

  it('names where a bad expression came from and what would work', () => {
    expect(() => parseSchedule('every 5 minutes', 'schedule in .connector-sync.yaml')).toThrow(
      /schedule in \.connector-sync\.yaml: "every 5 minutes" is not a cron expression/,
    );
    let thrown: unknown = null;
    try {
      parseSchedule('61 * * * *', '--schedule');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'SETTINGS_INVALID', hint: expect.stringContaining('*/5 * * * *') });
  });
});

describe('Scheduler', () => {
  it('fires at each slot of the schedule, late by at most a tenth of the interval', async () => {
    const timers = new FakeTimers(Date.parse('2026-11-26T12:00:00Z'));
    const fired: number[] = [];
    const next: Array<number | undefined> = [];
    const scheduler: Scheduler = new Scheduler({
      onFire: () => {
        fired.push(timers.now());
        next.push(scheduler.nextRunAt?.getTime());
      },
      now: timers.now,
      timers,
      random: () => 0.999,
    });
    scheduler.start(parseSchedule('*/5 * * * *', 'test'));
    await timers.advance(31 * MINUTE);
    const offsets = fired.map((at) => (at - Date.parse('2026-11-26T12:00:00Z')) / 1000);
    // slots at 5, 10, ... 30 minutes, each with just under 30 s of jitter (10% of 5 min)
    expect(offsets.map((s) => Math.floor(s / 60))).toEqual([5, 10, 15, 20, 25, 30]);
    expect(offsets.every((s) => s % 300 > 29 && s % 300 < 30)).toBe(true);
    // when a run fires, the next one is already known (the status page shows it)
    expect(next.every((at, i) => at !== undefined && at > fired[i]! + 4 * MINUTE)).toBe(true);
  });

  it('spreads runs with the random source and never fires one slot twice', async () => {
    const timers = new FakeTimers(Date.parse('2026-11-26T12:00:00Z'));
    let fired = 0;
    const scheduler = new Scheduler({ onFire: () => (fired += 1), now: timers.now, timers, random: () => 0 });
    scheduler.start(parseSchedule('* * * * *', 'test'));
    await timers.advance(10 * MINUTE);
    expect(fired).toBe(10);
  });

  it('stops firing on stop() and with "off"', async () => {
    const timers = new FakeTimers();
    let fired = 0;
    const scheduler = new Scheduler({ onFire: () => (fired += 1), now: timers.now, timers, random: () => 0 });
    scheduler.start(parseSchedule('* * * * *', 'test'));
    scheduler.stop();
    await timers.advance(5 * MINUTE);
    scheduler.start(null);
    await timers.advance(5 * MINUTE);
    expect(fired).toBe(0);
    expect(scheduler.nextRunAt).toBeNull();
  });

  it('waits out a schedule longer than one Node timer can hold', async () => {
    const timers = new FakeTimers(Date.parse('2026-01-02T00:00:00Z'));
    let fired = 0;
    const scheduler = new Scheduler({ onFire: () => (fired += 1), now: timers.now, timers, random: () => 0 });
    scheduler.start(parseSchedule('0 0 1 6 *', 'test')); // once a year, on June 1st
    expect(timers.delays()[0]).toBeLessThanOrEqual(2 ** 31 - 1);
    await timers.advance(100 * 24 * 60 * MINUTE);
    expect(fired).toBe(0);
    await timers.advance(60 * 24 * 60 * MINUTE);
    expect(fired).toBe(1);
  });
});

describe('Debouncer', () => {
  it('fires once after a burst has been quiet, and at most maxWait after its first change', async () => {
    const timers = new FakeTimers();
    const fired: number[] = [];
    const start = timers.now();
    const debouncer = new Debouncer({
      quietMs: 100,
      maxWaitMs: 1000,
      timers,
      now: timers.now,
      onFire: () => fired.push(timers.now() - start),
    });
    for (let i = 0; i < 50; i += 1) {
      debouncer.poke();
      await timers.advance(10);
    }
    await timers.advance(200);
    expect(fired).toEqual([590]);
    // a change every 50 ms never goes quiet, yet fires every second
    for (let i = 0; i < 40; i += 1) {
      debouncer.poke();
      await timers.advance(50);
    }
    expect(fired.length).toBe(3);
  });

  it('drops pending changes on cancel()', async () => {
    const timers = new FakeTimers();
    let fired = 0;
    const debouncer = new Debouncer({
      quietMs: 100,
      maxWaitMs: 1000,
      timers,
      now: timers.now,
      onFire: () => (fired += 1),
    });
    debouncer.poke();
    debouncer.cancel();
    await timers.advance(5000);
    expect(fired).toBe(0);
  });
});
