/** Faults on demand: each kind, its scoping, reproducibility with a fixed random source. */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type EmulatorOptions,
  type RunningEmulator,
  seededRandom,
  startEmulator,
} from '../../src/emulator/index.js';
import { call, seedMany } from './helpers.js';

const running: RunningEmulator[] = [];

async function start(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = await startEmulator({ builtins: false, seed: seedMany(10), ...options });
  running.push(emulator);
  return emulator;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

const newConnector = (name: string) => ({ name, description: 'x', server: 'https://x.example.com/mcp' });

describe('latency and random 5xx', () => {
  it('waits the fixed latency plus jitter drawn from the injected random source', async () => {
    const slept: number[] = [];
    const emulator = await start({
      faults: { latencyMs: 50, jitterMs: 20 },
      random: seededRandom(7),
      now: () => Date.UTC(2026, 0, 1),
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    for (let index = 0; index < 5; index += 1) await call(emulator, 'GET', '/v1/connectors/conn-00001');
    expect(slept).toHaveLength(5);
    // on the injected clock no time passes while the answer is worked out: the whole latency
    for (const ms of slept) expect(ms).toBeGreaterThanOrEqual(50);
    for (const ms of slept) expect(ms).toBeLessThan(70);
    expect(new Set(slept).size).toBeGreaterThan(1);
  });

  it('answers no sooner than the latency after the request arrived', async () => {
    const emulator = await start({ faults: { latencyMs: 40 } });
    for (let index = 0; index < 3; index += 1) {
      const sent = performance.now();
      await call(emulator, 'GET', '/v1/connectors');
      expect(performance.now() - sent).toBeGreaterThanOrEqual(39);
    }
  });

  it('answers a share of requests with 502/503/504, the same ones for the same seed', async () => {
    const statuses = async () => {
      const emulator = await start({ faults: { errorRate: 0.4 }, random: seededRandom(42) });
      const seen: number[] = [];
      for (let index = 0; index < 30; index += 1)
        seen.push((await call(emulator, 'GET', '/v1/connectors')).status);
      return seen;
    };
    const first = await statuses();
    const failures = first.filter((status) => status !== 200);
    expect(failures.length).toBeGreaterThan(3);
    expect(failures.length).toBeLessThan(27);
    for (const status of failures) expect([502, 503, 504]).toContain(status);
    expect(await statuses()).toEqual(first);
  });
});

describe('aimed rules', () => {
  it('fails only writes, only the next N, and nothing is created by a failed create', async () => {
    const emulator = await start();
    emulator.setFaults({ rules: [{ kind: 'error', status: 503, writesOnly: true, count: 2 }] });
    expect((await call(emulator, 'GET', '/v1/connectors')).status).toBe(200);
    const first = await call(emulator, 'POST', '/v1/connectors', { body: newConnector('one') });
    expect(first.status).toBe(503);
    expect(first.json).toMatchObject({ object: 'error', type: 'server_error' });
    expect((await call(emulator, 'POST', '/v1/connectors', { body: newConnector('one') })).status).toBe(503);
    expect((await call(emulator, 'POST', '/v1/connectors', { body: newConnector('one') })).status).toBe(201);
    expect(emulator.store.list().filter((record) => record.name === 'one')).toHaveLength(1);
    expect(emulator.requestLog.map((entry) => entry.fault ?? '-')).toEqual(['-', 'error', 'error', '-']);
    expect(emulator.faults.rules).toEqual([]);
  });

  it('answers an HTML page from a "proxy" on a path pattern only', async () => {
    const emulator = await start();
    emulator.setFaults({ rules: [{ kind: 'html', status: 504, path: '/tools$' }] });
    const tools = await call(emulator, 'GET', '/v1/connectors/conn-00001/tools');
    expect(tools.status).toBe(504);
    expect(tools.headers['content-type']).toMatch(/^text\/html/);
    expect(tools.text).toContain('<html>');
    expect((await call(emulator, 'GET', '/v1/connectors/conn-00001')).status).toBe(200);
  });

  it('sends 429 bursts with Retry-After in seconds or as an HTTP date', async () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    const emulator = await start({ now: () => now });
    emulator.setFaults({ rules: [{ kind: 'rate_limit', count: 1, retryAfterSeconds: 3 }] });
    const seconds = await call(emulator, 'GET', '/v1/connectors');
    expect(seconds.status).toBe(429);
    expect(seconds.headers['retry-after']).toBe('3');
    expect(seconds.json).toEqual({ message: 'Requests rate limit exceeded' });
    emulator.setFaults({
      rules: [{ kind: 'rate_limit', count: 1, retryAfterSeconds: 5, retryAfterForm: 'date' }],
    });
    const dated = await call(emulator, 'GET', '/v1/connectors');
    expect(Date.parse(String(dated.headers['retry-after']))).toBe(now + 5000);
    expect((await call(emulator, 'GET', '/v1/connectors')).status).toBe(200);
  });

  it('enforces a real per-second rate limit on the injected clock', async () => {
    let now = 1_000_000;
    const emulator = await start({ now: () => now, faults: { rateLimitPerSecond: 2 } });
    expect((await call(emulator, 'GET', '/v1/connectors')).status).toBe(200);
    now += 400;
    expect((await call(emulator, 'GET', '/v1/connectors')).status).toBe(200);
    const limited = await call(emulator, 'GET', '/v1/connectors');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    now += 601; // the first request has left the window
    expect((await call(emulator, 'GET', '/v1/connectors')).status).toBe(200);
    expect((await call(emulator, 'GET', '/v1/connectors')).status).toBe(429);
    expect(emulator.stats.rateLimited).toBe(2);
  });
});

describe('broken connections and bodies', () => {
  it('drops the connection before the request is handled: nothing happens', async () => {
    const emulator = await start();
    emulator.setFaults({ rules: [{ kind: 'drop', count: 1 }] });
    await expect(
      call(emulator, 'POST', '/v1/connectors', { body: newConnector('dropped') }),
    ).rejects.toThrow();
    expect(emulator.store.get('dropped')).toBeUndefined();
    expect(emulator.requestLog.at(-1)).toMatchObject({ status: 0, fault: 'drop' });
  });

  it('drops the connection after a create was applied: the outcome is unknown to the client', async () => {
    const emulator = await start();
    emulator.setFaults({ rules: [{ kind: 'drop', phase: 'after', writesOnly: true, count: 1 }] });
    await expect(
      call(emulator, 'POST', '/v1/connectors', { body: newConnector('applied') }),
    ).rejects.toThrow();
    expect(emulator.store.get('applied')).toBeDefined();
  });

  it('sends a complete response whose JSON is cut short', async () => {
    const emulator = await start();
    emulator.setFaults({ rules: [{ kind: 'truncated', count: 1 }] });
    const answer = await call(emulator, 'GET', '/v1/connectors');
    expect(answer.status).toBe(200);
    expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.text));
    expect(() => JSON.parse(answer.text)).toThrow();
  });

  it('trickles the body so a client body timeout fires, while headers arrive at once', async () => {
    const emulator = await start();
    // undici checks timeouts on a coarse (about one second) timer, so the pauses are longer than that
    emulator.setFaults({ rules: [{ kind: 'slow_body', chunkBytes: 8, chunkDelayMs: 1500, count: 1 }] });
    const response = await request(`${emulator.url}/v1/connectors`, {
      headers: { authorization: 'Bearer k' },
      headersTimeout: 1000,
      bodyTimeout: 300,
    });
    expect(response.statusCode).toBe(200);
    await expect(response.body.text()).rejects.toThrow(/timeout/i);
  });
});

describe('paging faults', () => {
  async function page(emulator: RunningEmulator, cursor?: string) {
    const query = cursor === undefined ? '' : `&cursor=${cursor}`;
    const answer = await call(emulator, 'GET', `/v1/connectors?page_size=3${query}`);
    return answer.json as { items: Array<{ name: string }>; pagination: { next_cursor: string | null } };
  }

  it('repeats the last item of the previous page', async () => {
    const emulator = await start();
    emulator.setFaults({ rules: [{ kind: 'duplicate_items', count: 1 }] });
    const first = await page(emulator);
    const second = await page(emulator, first.pagination.next_cursor!);
    expect(second.items[0]?.name).toBe(first.items.at(-1)?.name);
  });

  it('returns the cursor it was asked for', async () => {
    const emulator = await start();
    emulator.setFaults({ rules: [{ kind: 'repeat_cursor', count: 1 }] });
    const first = await page(emulator);
    const second = await page(emulator, first.pagination.next_cursor!);
    expect(second.pagination.next_cursor).toBe(first.pagination.next_cursor);
  });

  it('changes the listing between pages without skipping what existed throughout', async () => {
    const emulator = await start();
    emulator.setFaults({ rules: [{ kind: 'shift_listing', count: 1 }] });
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const current = await page(emulator, cursor);
      names.push(...current.items.map((item) => item.name));
      cursor = current.pagination.next_cursor ?? undefined;
    } while (cursor);
    expect(emulator.store.get('conn-00001')).toBeUndefined();
    expect(names.filter((name) => name.startsWith('conn-'))).toEqual(seedMany(10).map((seed) => seed.name));
    expect(names.some((name) => name.startsWith('churn-'))).toBe(true);
  });
});

describe('the control endpoint', () => {
  it('sets, shows, validates and clears faults over HTTP', async () => {
    const emulator = await start();
    const set = await call(emulator, 'POST', '/_emulator/faults', {
      key: null,
      body: { rules: [{ kind: 'error', status: 500, count: 2 }] },
    });
    expect(set.status).toBe(200);
    expect((await call(emulator, 'GET', '/v1/connectors')).status).toBe(500);
    const shown = await call(emulator, 'GET', '/_emulator/faults', { key: null });
    expect((shown.json as { rules: Array<{ count: number }> }).rules[0]?.count).toBe(1);
    const invalid = await call(emulator, 'POST', '/_emulator/faults', {
      key: null,
      body: { errorRate: 2, rules: [{ kind: 'meteor' }] },
    });
    expect(invalid.status).toBe(400);
    expect((invalid.json as { problems: string[] }).problems).toHaveLength(2);
    await call(emulator, 'DELETE', '/_emulator/faults', { key: null });
    expect((await call(emulator, 'GET', '/v1/connectors')).status).toBe(200);
  });

  it('refuses invalid fault options at start', async () => {
    await expect(start({ faults: { errorRate: -1 } })).rejects.toThrow(/errorRate/);
  });
});
