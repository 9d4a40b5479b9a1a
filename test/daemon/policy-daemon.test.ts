/** The daemon checks the settings file's policy before every apply: a violation writes nothing. */
import { afterEach, describe, expect, it } from 'vitest';
import { connectorYaml, type Harness, startHarness, waitFor } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('daemon: policy', () => {
  it('a connector the policy refuses is an invalid desired state: nothing is written', async () => {
    harness = await startHarness({
      files: {
        '.connector-sync.yaml': "policy:\n  allowed_servers: ['https://*.example.com/**']\n",
        'connectors/ok.yaml': connectorYaml('ok'),
        'connectors/evil.yaml': connectorYaml('evil', { server: 'https://a.example.com@evil.test/mcp' }),
      },
    });
    const h = harness;
    await waitFor('the policy violation', () => h.view().config.valid === false);
    await waitFor('idle', () => !h.daemon.loop.busy);
    expect(h.view().config.issues).toMatchObject([
      { code: 'policy-server-not-allowed', location: { file: 'connectors/evil.yaml', line: 3, column: 9 } },
    ]);
    expect(h.emulator.store.list()).toEqual([]);

    h.write('connectors/evil.yaml', connectorYaml('evil'));
    await waitFor(
      'both applied once the file follows the policy',
      () => h.emulator.store.list().length === 2,
    );
  });
});
