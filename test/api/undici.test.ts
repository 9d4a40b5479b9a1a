import * as undici from 'undici';
import { describe, expect, it } from 'vitest';
import { Agent, loadFromUndici } from '../../src/api/undici.js';

describe('loading undici without its index', () => {
  it('gives the same Agent class as the index', () => {
    expect(Agent).toBe(undici.Agent);
  });

  it("falls back to the index's export when a deep path cannot be loaded (a later undici moved it)", () => {
    const loaded = loadFromUndici('undici/lib/no-such-module.js', (u) => u.Agent);
    expect(loaded).toBe(undici.Agent);
  });

  it('uses the index request when the deep one is gone, on any dispatcher', () => {
    const request = loadFromUndici(
      'undici/lib/api/no-such-request.js',
      (u) => u.Dispatcher.prototype.request,
    );
    expect(request).toBe(undici.Dispatcher.prototype.request);
  });
});
