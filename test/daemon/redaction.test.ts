/**
 * An API that quotes a header value back in its 422 (and in the request id): the daemon's
 * unauthenticated status page, /status.json and its log hold no 12-character run of it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { noFaults } from '../../src/emulator/faults.js';
import { leakOf } from '../support/scenario-check.js';
import { type Harness, startHarness, waitFor } from './harness.js';

const TEAM_KEY = `canary-5e0c2d71-${'dGVhbS1rZXktdmFsdWU'.repeat(10)}`;

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('secrets echoed by the API', () => {
  it('reach neither the status page, /status.json nor the log', async () => {
    harness = await startHarness({
      files: {
        // a reference in the file, not a template placeholder
        'connectors/wiki.yaml': `name: wiki\ndescription: Wiki\nserver: https://wiki.example.com/mcp\nheaders:\n  X-Team-Key: $\{env:TEAM_KEY}\n`,
      },
      env: { TEAM_KEY },
      emulator: { faults: { ...noFaults(), rules: [{ kind: 'echo_secrets', methods: ['POST'] }] } },
    });
    const h = harness;
    await waitFor('a reconcile that failed', () => h.reconciles() >= 1 && h.view().history[0]);
    const page = await h.request('GET', '/');
    const json = await h.request('GET', '/status.json');
    for (const [where, text] of [
      ['the status page', page.text],
      ['/status.json', json.text],
      ['the log', h.logs.join('\n')],
    ] as const) {
      expect(leakOf(text, TEAM_KEY), `${where} holds the header value`).toBeNull();
    }
    expect(json.text).toContain('[redacted]');
  });
});
