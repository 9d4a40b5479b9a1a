/**
 * One sanitizer per medium. Names, descriptions, prompts, auth URLs and error messages come from
 * the API (or from files a pull request wrote) and are data: whatever they contain, they must not
 * steer the medium they are shown in. Every renderer passes such strings through these functions.
 * Secrets are redacted on the raw text before this (src/api/errors.ts), never after.
 */

// C0 (TAB aside: it cannot move the cursor anywhere a space cannot), DEL, C1, and the characters
// that reorder or break text (bidi marks, embeddings, overrides and isolates; line separators)
const CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\u001b': '\\e' };

function shown(char: string): string {
  const code = char.charCodeAt(0);
  return NAMED[char] ?? (code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`);
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

/** Text for a terminal or a CI log: control, bidi and line-breaking characters shown escaped (`\e`, `\n`, `\u202e`). */
export function forTerminal(text: string): string {
  return text.replace(CONTROL, shown);
}

// what Markdown (CommonMark, GFM, GitHub's math) reads as markup anywhere in a line: `_` only at a
// word's edge (inside a word, as in system_prompt, it is plain); `|` is the table's business (row)
const MARKDOWN_SPECIAL = /[\\`*[\]<>&~#$]|_(?![A-Za-z0-9])|(?<![A-Za-z0-9])_/g;

/** Inline Markdown text: one line, every character that could start a link, image, tag or span escaped. */
export function forMarkdown(text: string): string {
  return forTerminal(text).replace(MARKDOWN_SPECIAL, (char) => `\\${char}`);
}

/** A Markdown code span that shows `text` as is: delimited by more backticks than it contains. */
export function markdownCode(text: string): string {
  const content = forTerminal(text);
  if (content === '') return '` `';
  const ticks = '`'.repeat(longestRun(content, '`') + 1);
  // CommonMark drops one space from each end of a span that is not all spaces: pad to keep them
  const pad = /^[` ]|[` ]$/.test(content) && /[^ ]/.test(content) ? ' ' : '';
  return `${ticks}${pad}${content}${pad}${ticks}`;
}

/** A fenced code block around `lines`, its fence longer than any run of backticks in them. */
export function markdownFence(info: string, lines: readonly string[]): string[] {
  const body = lines.map(forTerminal);
  const fence = '`'.repeat(Math.max(3, ...body.map((line) => longestRun(line, '`') + 1)));
  return [`${fence}${info}`, ...body, fence];
}

/** A Markdown link to `url` when it is an http(s) URL; otherwise the text and the URL as code (never followed). */
export function markdownLink(text: string, url: string): string {
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) return `${text} (${markdownCode(url)})`;
  // the href form percent-encodes spaces and controls; these would end or confuse the destination
  const href = new URL(url).href.replace(/[()<>`\\]/g, (char) => percent(char));
  return `[${text}](${href})`;
}

/** Escapes text for an HTML element or a quoted attribute value; control and bidi characters shown escaped. */
export function forHtml(text: string): string {
  return forTerminal(text).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A value for an HTTP header: anything but visible ASCII and space percent-encoded (no CR/LF, nothing Node refuses). */
export function forHeader(text: string): string {
  return text.replace(/[^\x20-\x7e]/gu, percent);
}

/** The message of a GitHub workflow command (`::notice ...::message`), as the runner decodes it. */
export function forWorkflowMessage(text: string): string {
  // line breaks are already shown as `\n`: none is left to end the command early
  return forTerminal(text).replace(/%/g, '%25');
}

/** A property value of a GitHub workflow command (`file=...,title=...`): also `:` and `,` encoded. */
export function forWorkflowProperty(text: string): string {
  return forWorkflowMessage(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function percent(char: string): string {
  return [...Buffer.from(char, 'utf8')].map((byte) => `%${hex(byte, 2).toUpperCase()}`).join('');
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

/** A Markdown table row; a `|` in a cell, even inside a code span, is escaped for GFM's table splitter. */
export function markdownTableRow(...cells: string[]): string {
  return `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
}
