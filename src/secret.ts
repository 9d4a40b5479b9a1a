import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A resolved secret value (a header value, an OAuth client secret). It prints as "[redacted]"
 * everywhere (String(), JSON.stringify, util.inspect, pino), so a value can only reach the wire
 * through an explicit `reveal()` in the API client.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The clear value; call only where it is sent to the API or fingerprinted. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
