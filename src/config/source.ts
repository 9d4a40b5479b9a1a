import { makeIssue, wholeFile } from './issues.js';
import type { ConfigIssue } from './types.js';

/** Connector files larger than this are refused unread: no real one comes close, and it bounds memory. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** "10.0 MiB", "512 KiB", "17 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${Math.floor(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

/** 1-based line and column of a byte offset, counting columns in characters as editors do. */
function bytePosition(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  const column = new TextDecoder().decode(bytes.subarray(lineStart, offset)).length + 1;
  return { line, column };
}

// one decoder for every file: decode() without `stream` keeps no state between calls
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The text, or the offset of the first byte that is not valid UTF-8. */
function decodeUtf8(bytes: Uint8Array): { text: string } | { invalidAt: number } {
  try {
    return { text: STRICT_UTF8.decode(bytes) };
  } catch {
    // the re-encoded lenient decoding matches the input byte for byte up to the first bad byte
    const again = new TextEncoder().encode(new TextDecoder('utf-8').decode(bytes));
    let i = 0;
    while (i < bytes.length && bytes[i] === again[i]) i++;
    return { invalidAt: i };
  }
}

/**
 * Turns a file's bytes into text, or explains why it is not a connector file: over the size
 * limit, binary (a NUL byte), or not UTF-8. A leading byte-order mark is dropped.
 */
export function decodeSource(file: string, bytes: Uint8Array): { text: string } | { issue: ConfigIssue } {
  if (bytes.length > MAX_FILE_BYTES) {
    return { issue: tooLarge(file) };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const at = bytePosition(bytes, nul);
    return {
      issue: makeIssue('binary-file', 'file contains a NUL byte: it looks binary, not like YAML text', {
        file,
        ...at,
      }),
    };
  }
  const decoded = decodeUtf8(bytes);
  if ('invalidAt' in decoded) {
    const bad = decoded.invalidAt;
    const at = bytePosition(bytes, bad);
    const hex = (bytes[bad] ?? 0).toString(16).padStart(2, '0');
    return {
      issue: makeIssue('invalid-utf8', `invalid UTF-8 (byte 0x${hex}): connector files must be UTF-8 text`, {
        file,
        ...at,
      }),
    };
  }
  return decoded;
}

/** The issue for a file over MAX_FILE_BYTES; `size` when stat told it, otherwise only "larger than". */
export function tooLarge(file: string, size?: number): ConfigIssue {
  const actual = size === undefined ? `larger than ${formatBytes(MAX_FILE_BYTES)}` : formatBytes(size);
  return makeIssue(
    'file-too-large',
    `file is ${actual}; a connector file may be at most ${formatBytes(MAX_FILE_BYTES)}`,
    wholeFile(file),
  );
}
