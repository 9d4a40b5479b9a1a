/**
 * `JSON.stringify(value, null, 2)` in pieces, with the same text: the JSON report of 10,000
 * operations is several megabytes, and building it as one string held it, and its copies, at the
 * peak of a sync. Objects and arrays are walked; each array element is stringified on its own.
 */
export function* jsonChunks(value: unknown, indent = '', key = ''): Generator<string> {
  const json = toJsonValue(value, key);
  if (Array.isArray(json) && json.length > 0) {
    yield '[';
    for (let i = 0; i < json.length; i++) {
      yield `${i === 0 ? '' : ','}\n${indent}  `;
      yield stringifyIndented(json[i], `${indent}  `, String(i));
    }
    yield `\n${indent}]`;
  } else if (isObject(json)) {
    const entries = Object.entries(json).filter(([, v]) => isSerializable(toJsonValue(v, '')));
    if (entries.length === 0) {
      yield '{}';
      return;
    }
    yield '{';
    let first = true;
    for (const [name, member] of entries) {
      yield `${first ? '' : ','}\n${indent}  ${JSON.stringify(name)}: `;
      yield* jsonChunks(member, `${indent}  `, name);
      first = false;
    }
    yield `\n${indent}}`;
  } else {
    yield JSON.stringify(json) ?? 'null';
  }
}

function stringifyIndented(value: unknown, indent: string, key: string): string {
  const text = JSON.stringify(toJsonValue(value, key), null, 2) ?? 'null';
  return text.includes('\n') ? text.replaceAll('\n', `\n${indent}`) : text;
}

/** What JSON.stringify would serialize in place of `value` (its toJSON, when it has one). */
function toJsonValue(value: unknown, key: string): unknown {
  const withToJson = value as { toJSON?: (key: string) => unknown } | null;
  return withToJson !== null && typeof withToJson === 'object' && typeof withToJson.toJSON === 'function'
    ? withToJson.toJSON(key)
    : value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON.stringify leaves out object members that are undefined, functions or symbols. */
function isSerializable(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}
