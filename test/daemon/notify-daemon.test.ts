/**
 * The daemon's notifications end to end: a real emulator, a simulated API outage, and a local
 * webhook receiver. One message when the failure starts, one when it ends, one for drift found in
 * read-only mode; none carries a secret or the webhook's own URL.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { noFaults } from '../../src/emulator/faults.js';
import { leakOf } from '../support/scenario-check.js';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { type Harness, startHarness, waitFor } from './harness.js';

const TEAM_KEY = 'canary-6b1e9d23-team-key-value';
const EVENTS = '[failure, recovered, drift, pending_auth, tool_change, config_invalid]';
const settings = (extra = '') =>
  `notify:\n  - url: \${env:HOOK_URL}\n    format: json\n    events: ${EVENTS}\n${extra}`;
const wiki = `name: wiki\ndescription: Wiki\nserver: https://wiki.example.com/mcp\nheaders:\n  X-Team-Key: \${env:TEAM_KEY}\n`;

let harness: Harness | undefined;
let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await harness?.close();
  await receiver?.close();
  harness = undefined;
  receiver = undefined;
});

const events = (r: WebhookReceiver) => r.received.map((m) => (JSON.parse(m.body) as { event: string }).event);

/** A daemon whose one webhook is a local receiver, after its first apply. */
async function startApplied(initialDelayMs = 20): Promise<{ h: Harness; r: WebhookReceiver }> {
  receiver = await startReceiver();
  const r = receiver;
  harness = await startHarness({
    files: { '.connector-sync.yaml': settings(), 'connectors/wiki.yaml': wiki },
    env: { HOOK_URL: r.url, TEAM_KEY },
    notify: { retry: { attempts: 2, initialDelayMs, attemptTimeoutMs: 1000, totalMs: 3000 } },
  });
  const h = harness;
  await waitFor('the first apply', () => h.view().history[0]?.phase === 'Applied');
  return { h, r };
}

describe('daemon notifications', () => {
  it('one failure and one recovery across an API outage, then drift in read-only mode', async () => {
    const { h, r } = await startApplied();

    h.emulator.setFaults({ ...noFaults(), errorRate: 1, errorStatuses: [503] });
    h.daemon.trigger('control');
    const before = h.reconciles();
    // the loop retries a failed listing with backoff: several failing reconciles, one message
    await waitFor('three failing reconciles', () => h.reconciles() >= before + 3, 15_000);
    await h.daemon.notifier.idle();
    expect(events(r)).toEqual(['failure']);

    h.emulator.setFaults(noFaults());
    await waitFor('a successful reconcile', () => h.view().history[0]?.phase === 'Applied', 15_000);
    h.daemon.trigger('control');
    await waitFor('another reconcile', () => h.view().history[0]?.reasons.includes('control'));
    await waitFor('idle', () => !h.daemon.loop.busy);
    await h.daemon.notifier.idle();
    expect(events(r)).toEqual(['failure', 'recovered']);

    // read-only: a hand edit is drift, reported once however many reconciles see it
    h.write('.connector-sync.yaml', settings('read_only: true\n'));
    await waitFor('read-only mode', () => h.view().read_only);
    await waitFor('idle', () => !h.daemon.loop.busy);
    const remote = h.emulator.store.get('wiki')!;
    await h.api.updateConnector(remote.id, { description: 'Changed by hand' });
    for (let i = 0; i < 2; i++) {
      const count = h.reconciles();
      h.daemon.trigger('control');
      await waitFor('a read-only reconcile', () => h.reconciles() > count && !h.daemon.loop.busy);
    }
    await h.daemon.notifier.idle();
    expect(events(r)).toEqual(['failure', 'recovered', 'drift']);
    const drift = JSON.parse(r.received[2]!.body) as { details: string[] };
    expect(drift.details).toEqual(['update wiki']);

    for (const message of r.received) {
      expect(message.contentType).toBe('application/json');
      expect(leakOf(message.body, TEAM_KEY)).toBeNull();
      expect(message.body).not.toContain('secret-path-canary');
    }
    const metrics = await h.request('GET', '/metrics');
    expect(metrics.text).toMatch(
      /^connector_sync_notifications_total\{result="delivered",event="failure"\} 1$/m,
    );
    expect(metrics.text).toMatch(
      /^connector_sync_notifications_total\{result="delivered",event="drift"\} 1$/m,
    );
    const page = await h.request('GET', '/');
    expect(page.text).toContain('3 delivered');
    expect(h.view().notifications).toMatchObject({ delivered: 3, failed: 0 });
    expect(h.logs.join('\n')).not.toContain('secret-path-canary');
  }, 40_000);

  it('a webhook that is down is counted and shown, and never delays the reconcile', async () => {
    receiver = await startReceiver();
    const url = receiver.url;
    await receiver.close();
    receiver = undefined;
    harness = await startHarness({
      files: { '.connector-sync.yaml': settings(), 'connectors/wiki.yaml': 'name: [broken\n' },
      env: { HOOK_URL: url, TEAM_KEY },
      notify: { retry: { attempts: 2, initialDelayMs: 20, attemptTimeoutMs: 500, totalMs: 2000 } },
    });
    const h = harness;
    await waitFor('an invalid desired state', () => h.view().config.valid === false);
    await h.daemon.notifier.idle();
    expect(h.view().notifications).toMatchObject({
      delivered: 0,
      failed: 1,
      last_failure: { webhook: 1, event: 'config_invalid', reason: 'network' },
    });
    const metrics = await h.request('GET', '/metrics');
    expect(metrics.text).toMatch(
      /^connector_sync_notifications_total\{result="failed",event="config_invalid"\} 1$/m,
    );
    const page = await h.request('GET', '/');
    expect(page.text).toContain('1 failed');
    expect(page.text).not.toContain('secret-path-canary');
    expect(h.logs.join('\n')).not.toContain('secret-path-canary');
  });

  it('an invalid settings file sends config_invalid like an invalid connector file, naming the file', async () => {
    const { h, r } = await startApplied();
    h.write('.connector-sync.yaml', settings('prune: perhaps\n'));
    await waitFor('the settings error', () => h.view().config.valid === false && !h.daemon.loop.busy);
    // the same broken file seen again is the same situation: no second message
    const count = h.reconciles();
    h.daemon.trigger('control');
    await waitFor('another reconcile', () => h.reconciles() > count && !h.daemon.loop.busy);
    await h.daemon.notifier.idle();
    expect(events(r)).toEqual(['config_invalid']);
    const message = JSON.parse(r.received[0]!.body) as { summary: string; details: string[] };
    expect(message.details.join('\n')).toMatch(/\.connector-sync\.yaml.*settings-invalid.*prune/s);
    expect(leakOf(r.received[0]!.body, TEAM_KEY)).toBeNull();
  });

  it('stop() delivers a message still waiting for its retry before it returns', async () => {
    const { h, r } = await startApplied(500);
    r.answer = (_message, index) => (index === 0 ? 503 : 200);
    h.write('connectors/wiki.yaml', 'name: [broken\n');
    await waitFor('the first attempt', () => r.received.length >= 1);
    await h.daemon.stop({ timeoutMs: 5000 });
    expect(events(r)).toEqual(['config_invalid', 'config_invalid']);
    expect(h.view().notifications).toMatchObject({ delivered: 1, failed: 0 });
  });
});
