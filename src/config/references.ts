import { isAbsolute, resolve } from 'node:path';
import { describeFsError, type LoaderFs } from './fs.js';
import { formatBytes } from './source.js';

/** A piece of a string value: literal text (escapes already undone) or a reference. */
export type ReferencePart =
  | { kind: 'text'; text: string }
  | { kind: 'env'; name: string; index: number; raw: string }
  | { kind: 'file'; path: string; index: number; raw: string };

/** A `${` that is not a well-formed reference; `index` is its position in the value. */
export interface ReferenceProblem {
  index: number;
  message: string;
  /** True when it starts like a reference (`${env:` or `${file:`), false for any other `${`. */
  referenceLike: boolean;
}

/** A string value split into text and references. */
export interface ScannedValue {
  parts: ReferencePart[];
  problems: ReferenceProblem[];
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LITERAL_HINT = 'write `$${` for a literal `${`';

function referenceOrProblem(body: string, index: number, raw: string): ReferencePart | ReferenceProblem {
  if (body.startsWith('env:')) {
    const name = body.slice(4);
    if (ENV_NAME.test(name)) return { kind: 'env', name, index, raw };
    return {
      index,
      referenceLike: true,
      message: `an \`\${env:NAME}\` reference needs a variable name of letters, digits and \`_\`, not starting with a digit`,
    };
  }
  if (body.startsWith('file:')) {
    const path = body.slice(5);
    if (path !== '') return { kind: 'file', path, index, raw };
    return { index, referenceLike: true, message: `a \`\${file:PATH}\` reference needs a path` };
  }
  return {
    index,
    referenceLike: false,
    message: `\`\${\` starts no reference here: use \`\${env:NAME}\` or \`\${file:PATH}\`, or ${LITERAL_HINT}`,
  };
}

/**
 * Splits a value into text and `${env:NAME}` / `${file:PATH}` references. `$${` is a literal
 * `${`. Anything else after `${` is a problem; its text is kept as literal text.
 */
export function scanReferences(value: string): ScannedValue {
  const parts: ReferencePart[] = [];
  const problems: ReferenceProblem[] = [];
  let text = '';
  let i = 0;
  while (i < value.length) {
    if (value.startsWith('$${', i)) {
      text += '${';
      i += 3;
    } else if (value.startsWith('${', i)) {
      const end = value.indexOf('}', i + 2);
      if (end < 0) {
        const referenceLike = /^\$\{(env|file):/.test(value.slice(i));
        problems.push({
          index: i,
          referenceLike,
          message: `\`\${\` is never closed with \`}\`; ${LITERAL_HINT}`,
        });
        text += value.slice(i);
        break;
      }
      const raw = value.slice(i, end + 1);
      const found = referenceOrProblem(value.slice(i + 2, end), i, raw);
      if ('kind' in found) {
        if (text !== '') parts.push({ kind: 'text', text });
        text = '';
        parts.push(found);
      } else {
        problems.push(found);
        text += raw;
      }
      i = end + 1;
    } else {
      // the run up to the next `$` at once: a character at a time would build each value as a
      // rope of one string piece per character, held until the value is flattened
      const next = value.indexOf('$', i + 1);
      const stop = next < 0 ? value.length : next;
      text += value.slice(i, stop);
      i = stop;
    }
  }
  if (text !== '' || parts.length === 0) parts.push({ kind: 'text', text });
  return { parts, problems };
}

/** True when the value holds at least one reference. */
export function hasReferences(scanned: ScannedValue): boolean {
  return scanned.parts.some((part) => part.kind !== 'text');
}

/** The value as written, with `$${` escapes undone and references left as their text. */
export function literalValue(scanned: ScannedValue): string {
  return scanned.parts.map((part) => (part.kind === 'text' ? part.text : part.raw)).join('');
}

/** Secret files are small (a token, a client secret): anything bigger is a mistake. */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;

/** What resolution needs: the environment, the file system, where relative paths start, a cache. */
export interface ResolveContext {
  env: Record<string, string | undefined>;
  fs: LoaderFs;
  /** Directory of the file holding the reference: a relative `${file:...}` path starts there. */
  baseDir: string;
  /** Secret files read so far in this load, by absolute path. */
  cache: Map<string, Promise<SecretRead>>;
}

/** A reference that could not be resolved; the message names the variable or path, never a value. */
export interface ResolveFailure {
  index: number;
  code: string;
  message: string;
}

type SecretRead = { ok: true; value: string } | { ok: false; code: string; reason: string };

async function readSecretFile(fs: LoaderFs, path: string): Promise<SecretRead> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path, MAX_SECRET_FILE_BYTES);
  } catch (error) {
    return { ok: false, code: 'unreadable-secret-file', reason: describeFsError(error) };
  }
  if (bytes.length > MAX_SECRET_FILE_BYTES) {
    return {
      ok: false,
      code: 'secret-file-too-large',
      reason: `larger than ${formatBytes(MAX_SECRET_FILE_BYTES)}`,
    };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, code: 'unreadable-secret-file', reason: 'not UTF-8 text' };
  }
  // files written by `echo`, editors, Kubernetes and Docker secrets end with a newline nobody means
  const value = text.replace(/[\r\n]+$/, '');
  if (value === '') return { ok: false, code: 'empty-secret-file', reason: 'empty' };
  return { ok: true, value };
}

async function resolvePart(
  part: Exclude<ReferencePart, { kind: 'text' }>,
  ctx: ResolveContext,
  usedBy: string,
): Promise<{ value: string } | ResolveFailure> {
  if (part.kind === 'env') {
    const value = ctx.env[part.name];
    if (value === undefined) {
      return {
        index: part.index,
        code: 'missing-env',
        message: `environment variable \`${part.name}\` is not set (needed by ${usedBy})`,
      };
    }
    if (value === '') {
      return {
        index: part.index,
        code: 'empty-env',
        message: `environment variable \`${part.name}\` is empty (needed by ${usedBy})`,
      };
    }
    return { value };
  }
  const absolute = isAbsolute(part.path) ? part.path : resolve(ctx.baseDir, part.path);
  let pending = ctx.cache.get(absolute);
  if (pending === undefined) {
    pending = readSecretFile(ctx.fs, absolute);
    ctx.cache.set(absolute, pending);
  }
  const read = await pending;
  if (read.ok) return { value: read.value };
  // the path as written, so the message reads the same on every machine
  const message =
    read.code === 'unreadable-secret-file'
      ? `cannot read secret file \`${part.path}\` (needed by ${usedBy}): ${read.reason}`
      : `secret file \`${part.path}\` is ${read.reason} (needed by ${usedBy})`;
  return { index: part.index, code: read.code, message };
}

/** Resolves every reference of a value into its clear text, or every reason it cannot be. */
export async function resolveReferences(
  scanned: ScannedValue,
  ctx: ResolveContext,
  usedBy: string,
): Promise<{ ok: true; value: string } | { ok: false; failures: ResolveFailure[] }> {
  const pieces: string[] = [];
  const failures: ResolveFailure[] = [];
  for (const part of scanned.parts) {
    if (part.kind === 'text') {
      pieces.push(part.text);
      continue;
    }
    const resolved = await resolvePart(part, ctx, usedBy);
    if ('value' in resolved) pieces.push(resolved.value);
    else failures.push(resolved);
  }
  return failures.length > 0 ? { ok: false, failures } : { ok: true, value: pieces.join('') };
}
