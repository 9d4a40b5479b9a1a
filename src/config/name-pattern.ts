/** Longest `name_pattern` accepted: a team prefix needs a few dozen characters. */
export const MAX_NAME_PATTERN_LENGTH = 200;

/**
 * Compiles `name_pattern`, anchored (the whole name must match), with the `u` flag (strict
 * syntax), or returns why not. Catastrophic backtracking is ruled out by refusing its causes
 * rather than timing the match: a group repeated by `*`, `+` or `{n,}` may hold neither a
 * quantifier nor `|` (`(a+)+`, `(a|ab)*`), and backreferences and lookarounds are refused. What
 * remains matches a 64-character name in time linear in the name.
 */
export function compileNamePattern(source: string): RegExp | string {
  if (source.length > MAX_NAME_PATTERN_LENGTH) return `is longer than ${MAX_NAME_PATTERN_LENGTH} characters`;
  const unsafe = unsafeConstruct(source);
  if (unsafe !== undefined) return unsafe;
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch (error) {
    return `is not a valid regular expression: ${(error as Error).message}`;
  }
}

interface Group {
  /** The group holds a quantifier or an alternation: repeating it could backtrack exponentially. */
  risky: boolean;
}

function unsafeConstruct(source: string): string | undefined {
  const stack: Group[] = [{ risky: false }];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    const top = stack[stack.length - 1] as Group;
    if (char === '\\') {
      if (!inClass && /[1-9k]/.test(source[i + 1] ?? '')) return 'uses a backreference, which is not allowed';
      i++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') inClass = true;
    else if (char === '(') {
      if (/^\(\?<?[=!]/.test(source.slice(i, i + 4))) return 'uses a lookaround, which is not allowed';
      stack.push({ risky: false });
    } else if (char === ')') {
      const group = stack.pop();
      if (group === undefined || stack.length === 0) return undefined; // the RegExp compiler reports it
      if (repeats(source, i + 1) && group.risky)
        return 'repeats a group that holds a quantifier or `|` (like `(a+)+`), which can take exponential time';
      if (group.risky || repeats(source, i + 1)) (stack[stack.length - 1] as Group).risky = true;
    } else if (char === '|' || char === '*' || char === '+' || char === '{') top.risky = true;
  }
  return undefined;
}

/** True when the text at `index` is an unbounded or multiple repeat: `*`, `+`, `{n,}`, `{n,m}`. */
function repeats(source: string, index: number): boolean {
  const next = source[index];
  if (next === '*' || next === '+') return true;
  return next === '{' && !/^\{[01]\}/.test(source.slice(index));
}
