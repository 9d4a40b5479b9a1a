import { isLoopback } from './host-check.js';

/** An authorization URL the status server may redirect to, or why it may not. */
export type AuthTarget = { ok: true; location: string } | { ok: false; reason: string };

/**
 * Checks an OAuth URL the API returned before it becomes a `Location` header: the API's answer is
 * untrusted input, and a redirect is the browser following it blindly. Only absolute `https:` URLs
 * are followed, and `http:` to a loopback address (the emulator's own authorize page); never
 * `javascript:`, `data:` or a protocol-relative `//host`, and never a value with control characters
 * (the WHATWG parser would silently drop tabs and newlines, hiding a header injection). What is
 * followed is the parser's serialization, percent-encoded ASCII a header can always carry.
 */
export function authTarget(raw: string): AuthTarget {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(raw))
    return { ok: false, reason: 'it contains control characters (such as a line break)' };
  if (!/^[a-z][a-z0-9+.-]*:/i.test(raw.trim()) || !URL.canParse(raw))
    return { ok: false, reason: 'it is not an absolute URL' };
  const url = new URL(raw);
  // href is ASCII: the parser percent-encodes the path and query and turns the host into punycode
  if (url.protocol === 'https:') return { ok: true, location: url.href };
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return { ok: true, location: url.href };
  const scheme = url.protocol.replace(/[^a-z0-9+.:-]/gi, '');
  return {
    ok: false,
    reason:
      url.protocol === 'http:'
        ? 'it is plain http: to a host that is not this machine (only https: is followed)'
        : `its scheme is ${scheme} (only https: is followed)`,
  };
}
