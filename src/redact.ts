/**
 * The one redactor of secret values in text that came from outside (API error bodies, request ids)
 * or was built from it. It runs on the whole raw text first, before anything is cut, parsed or
 * escaped, and again on every text made from it: a value an API echoes back (FastAPI puts the
 * rejected `input` in its 422 bodies) may come literally or JSON-, Python-, URL- or HTML-escaped,
 * and a cut or an inserted escape may split it. The guarantee: no run of FRAGMENT characters of a
 * secret, or of one of its escaped forms, survives.
 */

const REDACTED = '[redacted]';
/** No run this long of a secret survives, wherever it is cut or split. */
const FRAGMENT = 12;
/** Shorter values (a one-letter API key) are redacted only as whole words, so "network" stays a word. */
const ANYWHERE = 8;

/** The secrets in play, with their escaped forms worked out once. */
export class SecretSet {
  /** Every FRAGMENT-long run of every long form. */
  readonly #windows = new Set<string>();
  /** The first two characters of every window, as a number: most positions are ruled out without a slice. */
  readonly #heads = new Set<number>();
  /** Forms shorter than FRAGMENT, replaced whole, longest first. */
  #short: string[] = [];
  /** Values shorter than ANYWHERE, as whole-word patterns. */
  #words: RegExp[] = [];
  readonly #seen = new Set<string>();

  constructor(values: Iterable<string> = []) {
    for (const value of values) this.add(value);
  }

  add(value: string): void {
    if (value === '' || this.#seen.has(value)) return;
    this.#seen.add(value);
    if (value.length < ANYWHERE) {
      const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      this.#words.push(new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, 'gu'));
      return;
    }
    for (const form of escapedForms(value)) {
      if (form.length < FRAGMENT) {
        if (!this.#short.includes(form)) this.#short.push(form);
        continue;
      }
      // Stryker disable next-line ArithmeticOperator: past the end the slices are shorter than FRAGMENT, and the sweep looks up only FRAGMENT-long ones
      for (let i = 0; i + FRAGMENT <= form.length; i++) {
        this.#windows.add(form.slice(i, i + FRAGMENT));
        this.#heads.add(headAt(form, i));
      }
    }
    this.#short.sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.#seen.size;
  }

  [Symbol.iterator](): Iterator<string> {
    return this.#seen.values();
  }

  /** The text with every secret, every escaped form and every long enough run of them replaced. */
  redact(text: string): string {
    if (this.#seen.size === 0 || text === '') return text;
    let out = this.#windows.size === 0 ? text : sweep(text, this.#windows, this.#heads);
    for (const form of this.#short) if (out.includes(form)) out = out.split(form).join(REDACTED);
    for (const word of this.#words) out = out.replace(word, REDACTED);
    return out;
  }
}

/** Redacts with a one-off set; for callers holding plain strings. */
export function redactSecrets(text: string, secrets: Iterable<string> | SecretSet): string {
  return (secrets instanceof SecretSet ? secrets : new SecretSet(secrets)).redact(text);
}

/** Replaces every stretch of text covered by a known FRAGMENT-long run with one marker. */
function sweep(text: string, windows: ReadonlySet<string>, heads: ReadonlySet<number>): string {
  let out = '';
  let copied = 0;
  let coveredTo = -1;
  let start = -1;
  // Stryker disable next-line ArithmeticOperator: past the end the slices are shorter than FRAGMENT, never a window
  for (let i = 0; i + FRAGMENT <= text.length; i++) {
    if (!heads.has(headAt(text, i)) || !windows.has(text.slice(i, i + FRAGMENT))) continue;
    if (i > coveredTo) {
      if (start >= 0) {
        out += `${text.slice(copied, start)}${REDACTED}`;
        copied = coveredTo;
      }
      start = i;
    }
    coveredTo = i + FRAGMENT;
  }
  if (start < 0) return text;
  return `${out}${text.slice(copied, start)}${REDACTED}${text.slice(coveredTo)}`;
}

function headAt(text: string, i: number): number {
  return text.charCodeAt(i) * 65536 + text.charCodeAt(i + 1);
}

/** The ways a value may come back: as is, and as JSON, Python, URLs and HTML escape it. */
export function escapedForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const forms = [
    value,
    json,
    json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    pythonRepr(value, true),
    pythonRepr(value, false),
    ...urlForms(value),
    ...htmlForms(value),
  ];
  return [...new Set(forms)];
}

/** The inside of Python's repr() of a str; `quote` escapes single quotes as repr does when it must. */
function pythonRepr(value: string, quote: boolean): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what repr escapes
  return value.replace(/[\\'\u0000-\u001f\u007f-\u00a0]/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === "'") return quote ? "\\'" : c;
    if (c === '\t') return '\\t';
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

function urlForms(value: string): string[] {
  let strict: string;
  try {
    strict = encodeURIComponent(value).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  } catch {
    return []; // a lone surrogate cannot be URL-encoded, so it cannot come back that way either
  }
  const lower = strict.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
  return [encodeURIComponent(value), strict, lower, strict.replaceAll('%20', '+')];
}

function htmlForms(value: string): string[] {
  const base = value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const quoted = base.replaceAll('"', '&quot;');
  return [base, quoted, quoted.replaceAll("'", '&#39;'), quoted.replaceAll("'", '&#x27;')];
}
