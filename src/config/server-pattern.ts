import { domainToASCII } from 'node:url';

/**
 * A compiled `allowed_servers` pattern such as `https://*.example.com/**`.
 *
 * Matching works on the server URL as the WHATWG URL parser (and so the HTTP client) reads it,
 * never on its text: scheme and host are compared lower case, an IDN host in its ASCII (punycode)
 * form, a default port as no port. A URL with userinfo (`https://a.example.com@evil.com/`) never
 * matches, whatever its host. The host is matched label by label: `*` is exactly one label (so
 * `*.example.com` matches `a.example.com`, not `example.com` nor `a.b.example.com`). The path is
 * matched segment by segment: `*` is exactly one non-empty segment, `**` any number of segments
 * (zero included); the query and fragment are not part of the match. A pattern without a port
 * matches only the scheme's default port; `:*` matches any port.
 */
export interface ServerPattern {
  text: string;
  scheme: string;
  hostLabels: string[];
  /** undefined: the default port only; '*': any port. */
  port: string | undefined;
  pathSegments: string[];
}

const PATTERN_SHAPE = /^([a-z][a-z0-9+.-]*):\/\/([^/:?#]+)(?::(\*|[0-9]{1,5}))?(\/[^?#]*)?$/i;

/** Compiles a pattern, or returns why it is not one (a sentence for the settings error). */
export function compileServerPattern(text: string): ServerPattern | string {
  const shape = PATTERN_SHAPE.exec(text);
  if (shape === null)
    return 'is not a URL pattern like `https://*.example.com/**` (scheme, host, optional :port, optional path; no query)';
  const [, scheme = '', host = '', port, path = '/'] = shape;
  if (host.includes('@')) return 'has userinfo (`user@`), which a server pattern never allows';
  const hostLabels: string[] = [];
  for (const label of host.split('.')) {
    if (label === '*') hostLabels.push('*');
    else if (label.includes('*')) return `has \`${label}\` in its host: \`*\` stands for a whole label only`;
    else {
      const ascii = domainToASCII(label.toLowerCase());
      if (ascii === '' || label === '') return `has an invalid host label \`${label}\``;
      hostLabels.push(ascii);
    }
  }
  const pathSegments = path.split('/').slice(1);
  for (const segment of pathSegments) {
    if (segment !== '*' && segment !== '**' && segment.includes('*'))
      return `has \`${segment}\` in its path: \`*\` and \`**\` stand for whole segments only`;
  }
  return { text, scheme: scheme.toLowerCase(), hostLabels, port, pathSegments };
}

/** True when the server URL is allowed by the pattern (see ServerPattern for the rules). */
export function serverMatches(pattern: ServerPattern, server: string): boolean {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return false;
  if (url.protocol !== `${pattern.scheme}:`) return false;
  if (pattern.port === undefined ? url.port !== '' : pattern.port !== '*' && url.port !== pattern.port)
    return false;
  const labels = url.hostname.split('.');
  if (labels.length !== pattern.hostLabels.length) return false;
  if (!pattern.hostLabels.every((want, i) => want === '*' || want === labels[i])) return false;
  return segmentsMatch(pattern.pathSegments, url.pathname.split('/').slice(1));
}

/** Path segments against pattern segments; `**` may take any number, found by trying each. */
function segmentsMatch(want: readonly string[], have: readonly string[]): boolean {
  // memoized over (i, j): at most want×have steps, whatever the pattern
  const seen = new Set<number>();
  const match = (i: number, j: number): boolean => {
    const key = i * (have.length + 1) + j;
    if (seen.has(key)) return false;
    seen.add(key);
    if (i === want.length) return j === have.length;
    const segment = want[i];
    if (segment === '**') return match(i + 1, j) || (j < have.length && match(i, j + 1));
    if (j === have.length) return false;
    if (segment === '*') return have[j] !== '' && match(i + 1, j + 1);
    return segment === have[j] && match(i + 1, j + 1);
  };
  return match(0, 0);
}
