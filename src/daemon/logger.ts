import { type Logger, pino } from 'pino';

/** Log levels `--log-level` accepts (pino's, plus silent). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where log lines go: the CLI passes its stdout. */
export interface LogSink {
  write(line: string): unknown;
}

/** How the daemon logs. */
export interface LoggerOptions {
  level: LogLevel;
  /** Human-readable lines (pino-pretty) instead of JSON, for a terminal. */
  pretty: boolean;
  colorize?: boolean;
  sink: LogSink;
}

// Keys whose values are secrets wherever they appear. Secret values print as [redacted] by
// themselves; these paths catch a raw string that reached a log object some other way.
const SECRET_KEYS = [
  'headers',
  'global_headers',
  'oauth2_metadata_secrets',
  'auth_data',
  'authData',
  'authorization',
  'Authorization',
  'apiKey',
  'api_key',
  'token',
  'controlToken',
  'client_secret',
  'clientSecret',
  'password',
  'secret',
  'cookie',
  'set-cookie',
  'authUrl',
  'auth_url',
];

/** Every redacted path: each secret key at the top level and up to three objects deep. */
export const REDACT_PATHS: string[] = SECRET_KEYS.flatMap((key) => {
  const quoted = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const join = (prefix: string) => (quoted.startsWith('[') ? `${prefix}${quoted}` : `${prefix}.${quoted}`);
  return [quoted, join('*'), join('*.*'), join('*.*.*')];
});

/** Creates the daemon's pino logger: JSON lines, secrets redacted, pretty on request. */
export async function createLogger(options: LoggerOptions): Promise<Logger> {
  const settings = {
    level: options.level,
    base: { name: 'connector-sync' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  const sink = { write: (line: string) => options.sink.write(line) };
  if (!options.pretty) return pino(settings, sink);
  // prettyFactory formats one line at a time, so the sink stays a plain writer (no stream plumbing)
  const { prettyFactory } = await import('pino-pretty');
  const prettify = prettyFactory({
    colorize: options.colorize ?? false,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,name',
  });
  return pino(settings, { write: (line: string) => options.sink.write(prettify(line)) });
}
