import type { Document, LineCounter, Node, Pair } from 'yaml';
import { yaml } from '../yaml.js';
import type { KeySegment } from './issues.js';
import type { SourceLocation } from './types.js';

const { isAlias, isMap, isScalar, isSeq } = yaml;

/** A parsed YAML document and where it came from: enough to turn a key path into `file:line:column`. */
export interface DocumentContext {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The whole file's text (node ranges are offsets into it). */
  text: string;
}

/** The 1-based line and column of a character offset in a file. */
export function positionAt(lineCounter: LineCounter, file: string, offset: number): SourceLocation {
  const { line, col } = lineCounter.linePos(offset);
  return { file, line, column: col };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

/** The key of a pair as the data sees it (yaml turns scalar keys into strings the same way). */
function keyText(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

interface Found {
  /** The deepest node reached along the path (the value when the whole path was found). */
  node: Node | null;
  /** The key node of the last segment, when it named a mapping key. */
  key: Node | null;
  /** True when every segment was found. */
  complete: boolean;
}

/** Walks a key path through the document's nodes, following aliases. */
export function findNode(doc: Document.Parsed, segments: readonly KeySegment[]): Found {
  let node: Node | null = doc.contents;
  let key: Node | null = null;
  for (const segment of segments) {
    if (isAlias(node)) node = (node.resolve(doc) as Node | undefined) ?? node;
    key = null;
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item) === String(segment));
      if (pair === undefined) return { node, key: null, complete: false };
      key = pair.key as Node;
      node = (pair.value as Node | null) ?? null;
      if (node === null || rangeStart(node) === undefined) return { node: key, key, complete: true };
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      node = node.items[segment] as Node;
    } else {
      return { node, key: null, complete: false };
    }
  }
  return { node, key, complete: true };
}

/** Where the value at a key path starts (or the nearest enclosing node that exists). */
export function locateValue(ctx: DocumentContext, segments: readonly KeySegment[]): SourceLocation {
  const found = findNode(ctx.doc, segments);
  const offset = rangeStart(found.node) ?? rangeStart(ctx.doc.contents) ?? 0;
  return positionAt(ctx.lineCounter, ctx.file, offset);
}

/** Where the key of the last path segment is written (falls back to the value's place). */
export function locateKey(ctx: DocumentContext, segments: readonly KeySegment[]): SourceLocation {
  const found = findNode(ctx.doc, segments);
  const offset = rangeStart(found.key) ?? rangeStart(found.node) ?? rangeStart(ctx.doc.contents) ?? 0;
  return positionAt(ctx.lineCounter, ctx.file, offset);
}

/**
 * Where character `index` of a string value is, when the scalar is written so that this can be
 * known exactly (plain, or quoted without escapes on one line); otherwise where the value starts.
 */
export function locateInValue(
  ctx: DocumentContext,
  segments: readonly KeySegment[],
  index: number,
): SourceLocation {
  const found = findNode(ctx.doc, segments);
  const node = found.node;
  const start = rangeStart(node);
  if (start === undefined || !isScalar(node) || typeof node.value !== 'string' || !node.range) {
    return locateValue(ctx, segments);
  }
  const source = ctx.text.slice(node.range[0], node.range[1]);
  const value = node.value;
  let shift: number | undefined;
  if (source === value) shift = 0;
  else if (source === `"${value}"` || source === `'${value}'`) shift = 1;
  if (shift === undefined) return locateValue(ctx, segments);
  return positionAt(ctx.lineCounter, ctx.file, start + shift + index);
}
