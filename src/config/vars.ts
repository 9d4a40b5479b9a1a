import { formatKeyPath, type KeySegment, makeIssue } from './issues.js';
import { type DocumentContext, locateInValue } from './positions.js';
import { closestMatch } from './suggest.js';
import type { ConfigIssue } from './types.js';

/** The `vars` connector files may use as `${var:NAME}`: those of the selected environment, if any. */
export interface VarsContext {
  /** The selected environment; undefined when none is (then any `${var:...}` is an error). */
  environment: string | undefined;
  values: Readonly<Record<string, string>>;
  /** Every environment the settings file declares, for the messages. */
  environments: readonly string[];
}

export const NO_VARS: VarsContext = { environment: undefined, values: {}, environments: [] };

const VAR_START = '${var:';

/**
 * Replaces `${var:NAME}` in every string value of a document's data (keys are left alone) with
 * the environment's value. Vars are plain values resolved at load time, so the resolved text is
 * what is validated, diffed and applied. A value's `${` is escaped (`$${`): var substitution
 * never produces a secret reference. `$${var:X}` stays the literal text `${var:X}`.
 */
export function substituteVars(
  ctx: DocumentContext,
  data: unknown,
  vars: VarsContext,
  issues: ConfigIssue[],
): unknown {
  const walk = (segments: KeySegment[], value: unknown): unknown => {
    if (typeof value === 'string') {
      return value.includes(VAR_START) ? substitute(ctx, segments, value, vars, issues) : value;
    }
    if (Array.isArray(value)) return value.map((item, index) => walk([...segments, index], item));
    if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
      // fromEntries defines own properties, so a key named __proto__ stays data
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, walk([...segments, key], item)]),
      );
    }
    return value;
  };
  return walk([], data);
}

function substitute(
  ctx: DocumentContext,
  segments: KeySegment[],
  value: string,
  vars: VarsContext,
  issues: ConfigIssue[],
): string {
  let out = '';
  let i = 0;
  // a var value ending in `$` right before a `{` would join them into `${`: written `$${` instead
  let endsInDollar = false;
  const append = (piece: string, fromVar: boolean) => {
    out += endsInDollar && piece.startsWith('{') ? `$${piece}` : piece;
    endsInDollar = fromVar && piece.endsWith('$');
  };
  while (i < value.length) {
    if (value.startsWith('$${', i)) {
      append('$${', false);
      i += 3;
      continue;
    }
    const end = value.startsWith(VAR_START, i) ? value.indexOf('}', i) : -1;
    if (end < 0) {
      append(value[i]!, false);
      i += 1;
      continue;
    }
    const name = value.slice(i + VAR_START.length, end);
    // own names only: `toString` or `__proto__` is an unknown var, not an inherited function
    const resolved =
      vars.environment !== undefined && Object.hasOwn(vars.values, name) ? vars.values[name] : undefined;
    if (resolved === undefined) {
      issues.push(varIssue(ctx, segments, i, name, vars));
      // kept as literal text, so the reference checks do not report it a second time
      append(`$${value.slice(i, end + 1)}`, false);
    } else {
      append(
        resolved.replaceAll('${', () => '$${'),
        true,
      );
    }
    i = end + 1;
  }
  return out;
}

function varIssue(
  ctx: DocumentContext,
  segments: KeySegment[],
  index: number,
  name: string,
  vars: VarsContext,
): ConfigIssue {
  const key = formatKeyPath(segments);
  const at = locateInValue(ctx, segments, index);
  if (vars.environment === undefined) {
    const declared =
      vars.environments.length > 0
        ? `the settings file declares: ${vars.environments.join(', ')}`
        : 'the settings file declares no `environments:`';
    return makeIssue(
      'var-without-env',
      `\`${key}\` uses \`\${var:${name}}\`, but no environment is selected: pass --env NAME (${declared}); write \`$\${\` for a literal \`\${\``,
      at,
      { key },
    );
  }
  const known = Object.keys(vars.values);
  const near = closestMatch(name, known);
  const list = known.length > 0 ? `its vars are ${known.join(', ')}` : 'it declares no vars';
  return makeIssue(
    'var-unknown',
    `\`${key}\` uses \`\${var:${name}}\`, which environment ${vars.environment} does not define${near ? ` (did you mean ${near}?)` : ''}; ${list}`,
    at,
    { key },
  );
}
