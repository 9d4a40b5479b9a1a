import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { realTimers } from '../../src/daemon/clock.js';
import { type DeliveryOutcome, Notifier, type NotifyTarget, slackEscape } from '../../src/daemon/notify.js';
import type { NotifyEvent } from '../../src/daemon/notify-events.js';
import { leakOf } from '../support/scenario-check.js';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const CANARY = 'canary-4d2f8a61-header-value';
let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

function notifier(url: string, target: Partial<NotifyTarget> = {}, outcomes: DeliveryOutcome[] = []) {
  return new Notifier({
    targets: () => [{ url: `\${env:HOOK}`, format: 'json', events: ['failure', 'recovered'], ...target }],
    resolveUrl: async () => url,
    fetch,
    timers: realTimers,
    now: Date.now,
    secrets: () => [CANARY],
    workspace: 'https://api.example.test',
    onOutcome: (outcome) => outcomes.push(outcome),
    retry: { attempts: 3, initialDelayMs: 20, attemptTimeoutMs: 300, totalMs: 2000 },
  });
}

const failure: NotifyEvent = {
  kind: 'failure',
  summary: 'reconcile ListFailed: API_SERVER',
  details: [`the API said <!channel> & quoted ${CANARY}\nfake line`],
};

describe('webhook sender', () => {
  it('posts JSON to the webhook, with secrets redacted and only the events it wants', async () => {
    receiver = await startReceiver();
    const outcomes: DeliveryOutcome[] = [];
    const sender = notifier(receiver.url, {}, outcomes);
    sender.send(
      [failure, { kind: 'drift', summary: 'drift', details: [] }],
      new Date('2026-01-01T00:00:00Z'),
    );
    await sender.idle();
    expect(receiver.received).toHaveLength(1);
    const body = JSON.parse(receiver.received[0]!.body);
    expect(body).toMatchObject({
      version: 1,
      source: 'connector-sync',
      event: 'failure',
      workspace: 'https://api.example.test',
      at: '2026-01-01T00:00:00.000Z',
      summary: 'reconcile ListFailed: API_SERVER',
    });
    expect(body.details[0]).toContain('[redacted]');
    expect(body.details[0]).not.toContain('\n');
    expect(leakOf(receiver.received[0]!.body, CANARY)).toBeNull();
    expect(outcomes).toEqual([{ result: 'delivered', event: 'failure', webhook: 1 }]);
  });

  it('escapes remote strings for Slack mrkdwn: no mention, no hidden link', async () => {
    receiver = await startReceiver();
    const sender = notifier(receiver.url, { format: 'slack' });
    sender.send([failure], new Date());
    await sender.idle();
    const { text } = JSON.parse(receiver.received[0]!.body) as { text: string };
    expect(text).toContain('*connector-sync: Reconcile failing*');
    expect(text).toContain('&lt;!channel&gt; &amp; quoted [redacted]');
    expect(text).not.toMatch(/<[^>]*>/);
    expect(slackEscape('<https://evil|click>')).toBe('&lt;https://evil|click&gt;');
  });

  it('retries a receiver that answers 500, then delivers', async () => {
    receiver = await startReceiver();
    receiver.answer = (_message, index) => (index < 2 ? 500 : 200);
    const outcomes: DeliveryOutcome[] = [];
    const sender = notifier(receiver.url, {}, outcomes);
    sender.send([failure], new Date());
    await sender.idle();
    expect(receiver.received).toHaveLength(3);
    expect(outcomes).toEqual([{ result: 'delivered', event: 'failure', webhook: 1 }]);
  });

  it('gives up on a receiver that keeps answering 500, and does not retry a 404', async () => {
    receiver = await startReceiver();
    receiver.answer = () => 500;
    const outcomes: DeliveryOutcome[] = [];
    const sender = notifier(receiver.url, {}, outcomes);
    sender.send([failure], new Date());
    await sender.idle();
    expect(receiver.received).toHaveLength(3);
    receiver.answer = () => 404;
    sender.send([failure], new Date());
    await sender.idle();
    expect(receiver.received).toHaveLength(4);
    expect(outcomes).toEqual([
      { result: 'failed', event: 'failure', webhook: 1, reason: 'HTTP 500' },
      { result: 'failed', event: 'failure', webhook: 1, reason: 'HTTP 404' },
    ]);
  });

  it('gives up on a receiver that is down, within its bounds, without the URL in the reason', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hooks/secret-path-canary-0b9e`;
    const outcomes: DeliveryOutcome[] = [];
    const sender = notifier(url, {}, outcomes);
    const started = Date.now();
    sender.send([failure], new Date());
    await sender.idle();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(outcomes).toEqual([{ result: 'failed', event: 'failure', webhook: 1, reason: 'network' }]);
  });

  it('cuts off a receiver that hangs, and send() never waits for it', async () => {
    receiver = await startReceiver();
    receiver.answer = () => 'hang';
    const outcomes: DeliveryOutcome[] = [];
    const sender = notifier(receiver.url, {}, outcomes);
    const started = Date.now();
    sender.send([failure], new Date());
    expect(Date.now() - started).toBeLessThan(50);
    await sender.idle();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(receiver.received).toHaveLength(3);
    expect(outcomes).toEqual([{ result: 'failed', event: 'failure', webhook: 1, reason: 'timeout' }]);
  });

  it('keeps messages to one webhook in order (the failure before its recovery)', async () => {
    receiver = await startReceiver();
    receiver.answer = (_message, index) => (index === 0 ? 503 : 200);
    const sender = notifier(receiver.url);
    sender.send([failure], new Date());
    sender.send([{ kind: 'recovered', summary: 'back', details: [] }], new Date());
    await sender.idle();
    expect(receiver.received.map((m) => JSON.parse(m.body).event)).toEqual([
      'failure',
      'failure',
      'recovered',
    ]);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
