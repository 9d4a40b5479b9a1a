import type { Document, Pair, YAMLError } from 'yaml';
import { yaml } from '../yaml.js';
import { makeIssue, quoteValue } from './issues.js';
import { type DocumentContext, positionAt } from './positions.js';
import type { ConfigIssue } from './types.js';

const { isScalar, LineCounter, parseAllDocuments, visit } = yaml;

/** Aliases a document may expand before it is treated as an alias bomb ("billion laughs"). */
export const MAX_ALIAS_COUNT = 100;

/** One YAML document of a file, with its data when it parsed cleanly. */
export interface ParsedDocument extends DocumentContext {
  /** The document as plain data; undefined when it had syntax errors (they are reported instead). */
  data: unknown;
  /** True when the document holds nothing (no content, or only `null`). */
  empty: boolean;
}

/** A parsed file: its documents in order and the YAML problems found. */
export interface ParsedFile {
  documents: ParsedDocument[];
  issues: ConfigIssue[];
}

const PARSE_OPTIONS = { uniqueKeys: true, prettyErrors: false, strict: true } as const;

/** The pair whose key starts at `offset`, and the earlier pair of the same mapping with the same key. */
function duplicatePairs(doc: Document.Parsed, offset: number): { key: string; first: Pair } | undefined {
  let result: { key: string; first: Pair } | undefined;
  visit(doc, {
    Map(_, map) {
      const index = map.items.findIndex((pair) => isScalar(pair.key) && pair.key.range?.[0] === offset);
      if (index < 0) return undefined;
      const key = map.items[index]?.key;
      if (!isScalar(key)) return undefined;
      const first = map.items.find((pair) => isScalar(pair.key) && pair.key.value === key.value);
      if (first !== undefined) result = { key: String(key.value), first };
      return visit.BREAK;
    },
  });
  return result;
}

function yamlIssue(ctx: DocumentContext, error: YAMLError, severity: 'error' | 'warning'): ConfigIssue {
  const location = positionAt(ctx.lineCounter, ctx.file, error.pos[0]);
  switch (error.code) {
    case 'TAB_AS_INDENT':
      return makeIssue('yaml-tab', 'tab character in indentation: YAML indents with spaces only', location);
    case 'DUPLICATE_KEY': {
      const dup = duplicatePairs(ctx.doc, error.pos[0]);
      const firstKey = dup?.first.key;
      if (dup !== undefined && isScalar(firstKey) && firstKey.range) {
        const first = positionAt(ctx.lineCounter, ctx.file, firstKey.range[0]);
        return makeIssue(
          'duplicate-key',
          `key ${quoteValue(dup.key)} appears twice in this mapping (first at line ${first.line}); remove one`,
          location,
          { related: [first] },
        );
      }
      return makeIssue('duplicate-key', 'a key appears twice in this mapping; remove one', location);
    }
    case 'BLOCK_AS_IMPLICIT_KEY':
      return makeIssue(
        'yaml-syntax',
        'invalid YAML: a mapping cannot start here (quote a value that contains ": ", or check the indentation)',
        location,
      );
    case 'MULTILINE_IMPLICIT_KEY':
      return makeIssue(
        'yaml-syntax',
        'invalid YAML: a key must be on one line (check the indentation)',
        location,
      );
    case 'RESOURCE_EXHAUSTION':
      return makeIssue('yaml-too-deep', 'YAML nested too deeply to read', location);
    case 'TAG_RESOLVE_FAILED':
      return makeIssue(
        'yaml-tag',
        `unknown YAML tag ${quoteValue(ctx.text.slice(error.pos[0], error.pos[1]))}: connector files use plain values`,
        location,
      );
    case 'MISSING_CHAR':
      if (/closing "quote|closing 'quote/.test(error.message)) {
        return makeIssue('yaml-syntax', 'invalid YAML: a quoted string is never closed', location);
      }
      return makeIssue('yaml-syntax', `invalid YAML: ${error.message.replace(/\.$/, '')}`, location);
    default: {
      const message = error.message
        .replace(/\.$/, '')
        .replace(
          /^Flow sequence in block collection must be .*/,
          'a `[...]` list is not closed with `]` (or not indented enough)',
        )
        .replace(
          /^Flow mapping in block collection must be .*/,
          'a `{...}` mapping is not closed with `}` (or not indented enough)',
        );
      return makeIssue('yaml-syntax', `invalid YAML: ${message}`, location, { severity });
    }
  }
}

function toData(ctx: DocumentContext, issues: ConfigIssue[]): { data: unknown } | undefined {
  try {
    return { data: ctx.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    const location = positionAt(ctx.lineCounter, ctx.file, ctx.doc.contents?.range?.[0] ?? 0);
    const aliasBomb = error instanceof ReferenceError && /alias/i.test(error.message);
    issues.push(
      aliasBomb
        ? makeIssue(
            'yaml-alias-limit',
            `document expands more than ${MAX_ALIAS_COUNT} aliases: refused as a likely alias bomb`,
            location,
          )
        : makeIssue(
            'yaml-syntax',
            `invalid YAML: ${error instanceof Error ? error.message : String(error)}`,
            location,
          ),
    );
    return undefined;
  }
}

/**
 * Parses every YAML document of a file with positions (duplicate keys are errors), keeping the
 * data of each document that parsed cleanly. Identical errors (yaml repeats some) are reported once.
 */
export function parseYaml(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter });
  const docs = Array.isArray(parsed) ? parsed : [];
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  const documents: ParsedDocument[] = [];
  for (const doc of docs) {
    const ctx: DocumentContext = { file, doc, lineCounter, text };
    const before = issues.length;
    for (const [list, severity] of [
      [doc.errors, 'error'],
      [doc.warnings, 'warning'],
    ] as const) {
      for (const error of list) {
        const issue = yamlIssue(ctx, error, severity);
        const id = `${issue.code}:${error.pos[0]}:${issue.message}`;
        if (seen.has(id)) continue;
        seen.add(id);
        issues.push(issue);
      }
    }
    const hasErrors = issues.slice(before).some((issue) => issue.severity === 'error');
    const converted = hasErrors ? undefined : toData(ctx, issues);
    const data = converted?.data;
    documents.push({ ...ctx, data, empty: converted !== undefined && (data === null || data === undefined) });
  }
  return { documents, issues };
}
