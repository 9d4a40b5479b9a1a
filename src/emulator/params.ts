/**
 * Path and query parameters parsed the way FastAPI/pydantic v2 parses them, with the same 422
 * `detail` entries (type, loc, msg, ctx), so a client meets the errors the real API gives.
 */
import type { ValidationDetail } from './replies.js';

/** A parsed value or the validation detail explaining why it was refused. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; detail: ValidationDetail };

const UUID_DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_SIMPLE = /^[0-9a-f]{32}$/i;
const UUID_CHAR = /[0-9a-fA-F-]/;

/** True when the text is a UUID in a form pydantic accepts (dashed or 32 hex digits). */
export function looksLikeUuid(text: string): boolean {
  return UUID_DASHED.test(text) || UUID_SIMPLE.test(text);
}

/** The canonical (lower-case, dashed) form of a UUID pydantic would accept. */
export function canonicalUuid(text: string): string {
  const hex = text.replaceAll('-', '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Parses a `{connector_id}` path parameter: UUID only, as FastAPI's uuid type does. */
export function parseUuidParam(raw: string, loc: Array<string | number>): Parsed<string> {
  if (looksLikeUuid(raw)) return { ok: true, value: canonicalUuid(raw) };
  const chars = [...raw];
  const bad = chars.findIndex((char) => !UUID_CHAR.test(char));
  const reason =
    bad >= 0
      ? `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${chars[bad]}\` at ${bad + 1}`
      : `invalid length: expected length 32 for simple format, found ${raw.replaceAll('-', '').length}`;
  return {
    ok: false,
    detail: {
      type: 'uuid_parsing',
      loc,
      msg: `Input should be a valid UUID, ${reason}`,
      input: raw,
      ctx: { error: reason },
    },
  };
}

/** Parses an integer query parameter with optional bounds (FastAPI's `ge`/`le`). */
export function parseIntegerParam(
  raw: string | null,
  name: string,
  bounds: { fallback: number; min?: number; max?: number },
): Parsed<number> {
  const loc = ['query', name];
  if (raw === null) return { ok: true, value: bounds.fallback };
  const trimmed = raw.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) {
    return {
      ok: false,
      detail: {
        type: 'int_parsing',
        loc,
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input: raw,
      },
    };
  }
  const value = Number(trimmed);
  if (bounds.min !== undefined && value < bounds.min) {
    return {
      ok: false,
      detail: {
        type: 'greater_than_equal',
        loc,
        msg: `Input should be greater than or equal to ${bounds.min}`,
        input: raw,
        ctx: { ge: bounds.min },
      },
    };
  }
  if (bounds.max !== undefined && value > bounds.max) {
    return {
      ok: false,
      detail: {
        type: 'less_than_equal',
        loc,
        msg: `Input should be less than or equal to ${bounds.max}`,
        input: raw,
        ctx: { le: bounds.max },
      },
    };
  }
  return { ok: true, value };
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on', 't', 'y']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off', 'f', 'n']);

/** Parses a boolean query parameter with pydantic's lax spellings (true/false, 1/0, yes/no, on/off). */
export function parseBooleanParam<F extends boolean | null>(
  raw: string | null,
  loc: Array<string | number>,
  fallback: F,
): Parsed<boolean | F> {
  if (raw === null) return { ok: true, value: fallback };
  const word = raw.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return { ok: true, value: true };
  if (FALSE_WORDS.has(word)) return { ok: true, value: false };
  return {
    ok: false,
    detail: {
      type: 'bool_parsing',
      loc,
      msg: 'Input should be a valid boolean, unable to interpret input',
      input: raw,
    },
  };
}

/** Checks an enum query parameter. */
export function parseEnumParam<T extends string>(
  raw: string | null,
  loc: Array<string | number>,
  allowed: readonly T[],
): Parsed<T | null> {
  if (raw === null) return { ok: true, value: null };
  if ((allowed as readonly string[]).includes(raw)) return { ok: true, value: raw as T };
  const expected = describeChoices(allowed);
  return {
    ok: false,
    detail: { type: 'enum', loc, msg: `Input should be ${expected}`, input: raw, ctx: { expected } },
  };
}

/** Pydantic's way of listing choices: `'a', 'b' or 'c'`. */
export function describeChoices(choices: readonly string[]): string {
  const quoted = choices.map((choice) => `'${choice}'`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

/** Checks an absolute http(s) URL the way pydantic's HttpUrl does; null when it is acceptable. */
export function checkHttpUrl(
  value: string,
  loc: Array<string | number>,
  input?: unknown,
): ValidationDetail | null {
  const echo = input === undefined ? {} : { input };
  if (!URL.canParse(value)) {
    const msg = /^[a-z][a-z0-9+.-]*:/i.test(value)
      ? 'Input should be a valid URL, empty host'
      : 'Input should be a valid URL, relative URL without a base';
    return {
      type: 'url_parsing',
      loc,
      msg,
      ...echo,
      ctx: { error: msg.slice('Input should be a valid URL, '.length) },
    };
  }
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      type: 'url_scheme',
      loc,
      msg: "URL scheme should be 'http' or 'https'",
      ...echo,
      ctx: { expected_schemes: "'http' or 'https'" },
    };
  }
  if (url.hostname === '') {
    return { type: 'url_parsing', loc, msg: 'Input should be a valid URL, empty host', ...echo };
  }
  return null;
}
