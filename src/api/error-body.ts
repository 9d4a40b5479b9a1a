/**
 * Loose reading of API error bodies. The Connectors API answers in several shapes (FastAPI's
 * `{"detail": [...]}` on 422, `{"detail": "..."}`, Mistral's `{"object": "error", "message", "type",
 * "code"}`, a bare `{"message"}` on 429) and proxies in front of it answer with HTML or plain text.
 * None of them may crash the client, and none of the request's input may leak into a message:
 * FastAPI echoes the offending value in `input`, so only `loc` and `msg` are ever read.
 */

/** What an error body said, reduced to text a person can read. */
export interface ErrorBodySummary {
  /** One line for the error message, or null when the body said nothing useful. */
  message: string | null;
  /** Validation issues rendered as `loc: msg` (422 bodies), in the order the API gave them. */
  details: string[];
  kind: 'json' | 'html' | 'text' | 'empty' | 'unparsable-json';
}

const MAX_TEXT = 200;
const MAX_DETAILS = 20;

/** Summarizes an error response body of any shape; never throws. */
export function summarizeErrorBody(
  status: number,
  text: string,
  contentType: string | null,
): ErrorBodySummary {
  const trimmed = text.trim();
  if (trimmed === '') return { message: null, details: [], kind: 'empty' };
  if (looksLikeHtml(trimmed, contentType)) {
    const title = htmlTitle(trimmed);
    const base = `HTTP ${status} with an HTML body (a proxy error page?)`;
    return { message: title === null ? base : `${base}: ${title}`, details: [], kind: 'html' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      return {
        message: 'a JSON body that could not be parsed (truncated?)',
        details: [],
        kind: 'unparsable-json',
      };
    }
    return { message: clip(firstLine(trimmed)), details: [], kind: 'text' };
  }
  return { ...summarizeJson(parsed), kind: 'json' };
}

function summarizeJson(body: unknown): { message: string | null; details: string[] } {
  if (typeof body === 'string') return { message: clip(body), details: [] };
  if (!isRecord(body)) return { message: null, details: [] };
  const detail = body.detail;
  if (Array.isArray(detail)) {
    const details = renderValidationDetail(detail);
    return { message: details.length === 0 ? null : details.join('; '), details };
  }
  if (typeof detail === 'string') return { message: clip(detail), details: [] };
  if (isRecord(detail) && typeof detail.message === 'string')
    return { message: clip(detail.message), details: [] };
  const message = messageField(body);
  if (message === null) return { message: null, details: [] };
  const qualifiers = [body.type, body.code].filter(
    (value): value is string | number =>
      (typeof value === 'string' && value !== '') || typeof value === 'number',
  );
  const suffix = qualifiers.length === 0 ? '' : ` (${qualifiers.join(', ')})`;
  return { message: clip(`${message}${suffix}`), details: [] };
}

function messageField(body: Record<string, unknown>): string | null {
  if (typeof body.message === 'string' && body.message !== '') return body.message;
  if (typeof body.error === 'string' && body.error !== '') return body.error;
  if (isRecord(body.error) && typeof body.error.message === 'string') return body.error.message;
  return null;
}

/** Renders FastAPI's `detail` list as `body.name: msg` lines, at most 20, never the echoed input. */
export function renderValidationDetail(detail: unknown[]): string[] {
  const lines: string[] = [];
  for (const item of detail.slice(0, MAX_DETAILS)) {
    if (typeof item === 'string') {
      lines.push(clip(item));
      continue;
    }
    if (!isRecord(item)) continue;
    const loc = Array.isArray(item.loc) ? item.loc.map((part) => String(part)).join('.') : '';
    const msg =
      typeof item.msg === 'string' ? item.msg : typeof item.message === 'string' ? item.message : '';
    if (loc === '' && msg === '') continue;
    lines.push(clip(loc === '' ? msg : msg === '' ? loc : `${loc}: ${msg}`));
  }
  if (detail.length > MAX_DETAILS) lines.push(`and ${detail.length - MAX_DETAILS} more`);
  return lines;
}

function looksLikeHtml(text: string, contentType: string | null): boolean {
  if (contentType?.toLowerCase().includes('html')) return true;
  const head = text.slice(0, 100).toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<head');
}

function htmlTitle(text: string): string | null {
  const match = /<title[^>]*>([^<]*)<\/title>/i.exec(text) ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(text);
  const title = match?.[1]?.replace(/\s+/g, ' ').trim();
  return title ? clip(title) : null;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? '';
}

/** Keeps server text to one short line without control characters (a terminal must not be steered by it). */
function clip(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT - 3)}...` : clean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
