import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { EXIT } from '../io.js';
import type { CliContext } from '../main.js';

/** The port used when --port is not given (0 would print a different URL every run). */
const DEFAULT_PORT = 4010;

interface EmulatorFlags {
  host: string;
  port: string;
  apiKey?: string;
  seed?: string;
  state?: string;
  latency?: string;
  jitter?: string;
  errorRate?: string;
  rateLimit?: string;
  authTtl?: string;
  builtins: boolean;
  authMethodsUpdate?: string;
  keyScope?: string;
  orgAdmin: boolean;
}

function choiceFlag<T extends string>(flag: string, raw: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new UsageError(`${flag} ${JSON.stringify(raw)} is not valid: expected ${choices.join(' or ')}`);
}

function numberFlag(
  flag: string,
  raw: string,
  rule: { min: number; max?: number; integer?: boolean },
): number {
  const value = Number(raw);
  const fits =
    raw.trim() !== '' &&
    Number.isFinite(value) &&
    value >= rule.min &&
    (rule.max === undefined || value <= rule.max) &&
    (!rule.integer || Number.isInteger(value));
  if (!fits) {
    const kind = rule.integer ? 'a whole number' : 'a number';
    const range = rule.max === undefined ? `of at least ${rule.min}` : `from ${rule.min} to ${rule.max}`;
    throw new UsageError(`${flag} ${JSON.stringify(raw)} is not valid: expected ${kind} ${range}`);
  }
  return value;
}

/** Flags to emulator options; every bad value is a usage error naming its flag. */
async function optionsFrom(flags: EmulatorFlags, ctx: CliContext) {
  const { resolve } = await import('node:path');
  const faults: Record<string, number> = {};
  if (flags.latency !== undefined) faults.latencyMs = numberFlag('--latency', flags.latency, { min: 0 });
  if (flags.jitter !== undefined) faults.jitterMs = numberFlag('--jitter', flags.jitter, { min: 0 });
  if (flags.errorRate !== undefined)
    faults.errorRate = numberFlag('--error-rate', flags.errorRate, { min: 0, max: 1 });
  if (flags.rateLimit !== undefined) {
    faults.rateLimitPerSecond = numberFlag('--rate-limit', flags.rateLimit, { min: 1, integer: true });
  }
  return {
    host: flags.host,
    port: numberFlag('--port', flags.port, { min: 0, max: 65535, integer: true }),
    builtins: flags.builtins,
    orgAdmin: flags.orgAdmin,
    faults,
    ...(flags.authMethodsUpdate === undefined
      ? {}
      : {
          authMethodsUpdate: choiceFlag('--auth-methods-update', flags.authMethodsUpdate, [
            'replace',
            'merge',
          ] as const),
        }),
    ...(flags.keyScope === undefined
      ? {}
      : { keyScope: choiceFlag('--key-scope', flags.keyScope, ['all', 'shared_only'] as const) }),
    ...(flags.apiKey === undefined ? {} : { apiKey: flags.apiKey }),
    ...(flags.seed === undefined ? {} : { seed: resolve(ctx.io.cwd, flags.seed) }),
    ...(flags.state === undefined ? {} : { statePath: resolve(ctx.io.cwd, flags.state) }),
    ...(flags.authTtl === undefined
      ? {}
      : { authUrlTtlSeconds: numberFlag('--auth-ttl', flags.authTtl, { min: 1, integer: true }) }),
  };
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Registers `connector-sync emulator`: serves the Connectors API from memory until SIGINT/SIGTERM. */
export function registerEmulator(program: Command, ctx: CliContext): Command {
  return program
    .command('emulator')
    .description(
      'serve the Connectors API from memory on loopback (for a first run, tests and benchmarks); prints its URL first',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on; 0 picks a free one', String(DEFAULT_PORT))
    .option('--api-key <key>', 'accept only this bearer key (default: any non-empty key)')
    .option('--seed <file>', 'start with the connectors of this YAML or JSON file')
    .option('--state <file>', 'keep state in this JSON file (loaded at start, rewritten after every change)')
    .option('--latency <ms>', 'answer each API request this many milliseconds after it arrived')
    .option('--jitter <ms>', 'add up to this many random milliseconds more')
    .option('--error-rate <share>', 'answer this share (0..1) of API requests with 502, 503 or 504')
    .option('--rate-limit <n>', 'above n API requests a second, answer 429 with Retry-After')
    .option('--auth-ttl <seconds>', 'validity announced with auth URLs (default 600)')
    .option('--no-builtins', "leave out Mistral's read-only built-in connectors")
    .option(
      '--auth-methods-update <mode>',
      "how a PATCH's auth_methods entry treats fields it omits: replace (reset, the default) or merge (keep)",
    )
    .option(
      '--key-scope <scope>',
      "the API key's connector access scope: all (default) or shared_only (private connectors are not listed or found)",
    )
    .option(
      '--no-org-admin',
      'the caller is no organization admin: shared_org creates and changes answer 403',
    )
    .action(async (flags: EmulatorFlags) => {
      const options = await optionsFrom(flags, ctx);
      // node:http and the emulator load here, not at start-up, so other commands stay fast
      const { startEmulator } = await import('../../emulator/index.js');
      const emulator = await startEmulator(options);
      const { io } = ctx;
      // the key itself is never printed: it may be a real-looking secret
      const key = flags.apiKey === undefined ? 'any API key' : 'the --api-key value';
      const bearer = flags.apiKey === undefined ? 'test' : '<the --api-key value>';
      io.stdout.write(`${emulator.url}\n`);
      io.stdout.write(
        `connector-sync emulator: ${emulator.store.size} connectors; use MISTRAL_API_URL=${emulator.url} with ${key}, e.g. curl -H 'Authorization: Bearer ${bearer}' ${emulator.url}/v1/connectors (Ctrl-C stops)\n`,
      );
      await untilAborted(io.signal);
      await emulator.close();
      io.stderr.write('connector-sync emulator: stopped\n');
      ctx.result.exitCode = EXIT.ok;
    });
}
