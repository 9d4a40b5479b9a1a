import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The package version, read once from package.json (cheap: no JSON import machinery at start-up). */
export function version(): string {
  if (cached === undefined) {
    const raw = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    cached = (JSON.parse(raw) as { version: string }).version;
  }
  return cached;
}

/** The User-Agent every API request carries. */
export function userAgent(): string {
  return `connector-sync/${version()} (node ${process.versions.node})`;
}
