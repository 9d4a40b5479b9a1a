import type { UpdateConnectorBody } from '../../src/api/types.js';
import { FakeApi } from './fake-api.js';

/**
 * A fake API whose creates and PATCHes take a few milliseconds, counting how many are in flight at
 * once. The plain fake answers synchronously, so operations never overlap there. Here a write
 * started later in a burst takes effect earlier (as the real API may order them), so two writes
 * that share a name and run at once do race.
 */
export class SlowWrites extends FakeApi {
  inFlight = 0;
  maxInFlight = 0;

  override async updateConnector(id: string, body: UpdateConnectorBody) {
    return this.slowly(() => super.updateConnector(id, body));
  }

  override async createConnector(body: Parameters<FakeApi['createConnector']>[0]) {
    return this.slowly(() => super.createConnector(body));
  }

  private async slowly<T>(write: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, 10 - this.inFlight)));
    try {
      return await write();
    } finally {
      this.inFlight -= 1;
    }
  }
}
