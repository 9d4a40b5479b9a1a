import { describe, expect, test } from 'vitest';
import type { ConfigIssue } from '../../src/config/types.js';
import {
  renderConnectorList,
  renderFailureSummary,
  renderIssuesText,
  renderValidateJson,
} from '../../src/render/diagnostics.js';

const error: ConfigIssue = {
  code: 'unknown-key',
  severity: 'error',
  message: 'unknown key `descripton`; did you mean `description`?',
  key: 'descripton',
  location: { file: 'c/a.yaml', line: 2, column: 1 },
};
const whole: ConfigIssue = {
  code: 'path-not-found',
  severity: 'error',
  message: 'no such file or directory',
  location: { file: 'nope', line: 0, column: 0 },
};
const warning: ConfigIssue = { ...error, code: 'literal-secret', severity: 'warning', message: 'clear' };

describe('diagnostics', () => {
  test('one line per issue, as compilers print them; a whole-path issue has no line', () => {
    expect(renderIssuesText([error, whole, warning], { color: false })).toBe(
      'c/a.yaml:2:1: error: unknown key `descripton`; did you mean `description`? [unknown-key]\n' +
        'nope: error: no such file or directory [path-not-found]\n' +
        'c/a.yaml:2:1: warning: clear [literal-secret]\n',
    );
  });

  test('colour wraps the place, the severity and the code when asked', () => {
    expect(renderIssuesText([error], { color: true })).toBe(
      '\u001b[1mc/a.yaml:2:1\u001b[22m: \u001b[31merror:\u001b[39m unknown key `descripton`; did you mean `description`? \u001b[2m[unknown-key]\u001b[22m\n',
    );
  });

  test('summaries count errors, warnings and files read', () => {
    expect(renderFailureSummary([error, whole, warning], 3)).toBe(
      'found 2 errors and 1 warning (3 files read)\n',
    );
    expect(renderFailureSummary([whole], 0)).toBe('found 1 error (no file read)\n');
  });

  test('the connector list is aligned and ends with the count', () => {
    expect(
      renderConnectorList(
        [
          { name: 'deepwiki', visibility: 'shared_workspace', file: 'c/d.yaml', line: 2 },
          { name: 'gh', visibility: 'private', file: 'c/g.yaml', line: 5 },
        ],
        2,
        1,
        { color: false },
      ),
    ).toBe(
      'deepwiki  shared_workspace  c/d.yaml:2\n' +
        'gh        private           c/g.yaml:5\n' +
        '2 connectors in 2 files, 1 warning\n',
    );
    expect(renderConnectorList([], 0, 0, { color: false })).toBe('0 connectors in 0 files\n');
  });

  test('JSON output is versioned and ends with a newline', () => {
    const text = renderValidateJson({ version: 1, valid: false, connectors: [], issues: [error] });
    expect(JSON.parse(text)).toEqual({ version: 1, valid: false, connectors: [], issues: [error] });
    expect(text.endsWith('}\n')).toBe(true);
  });
});
