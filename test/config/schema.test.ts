import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { parseYaml } from '../../src/config/parse.js';
import {
  CONNECTOR_SCHEMA_PATH,
  connectorKeys,
  connectorValidator,
  isValidName,
  schemaErrors,
} from '../../src/config/schema.js';
import { schemaIssues } from '../../src/config/schema-issues.js';
import { closestMatch } from '../../src/config/suggest.js';

function issues(yaml: string) {
  const [doc] = parseYaml('c.yaml', yaml).documents;
  if (doc === undefined) throw new Error('no document');
  return schemaIssues(doc, doc.data, schemaErrors(doc.data)).map((issue) => [
    `${issue.location.line}:${issue.location.column}`,
    issue.code,
    issue.key,
    issue.message,
  ]);
}

const BASE = 'name: a\ndescription: d\nserver: https://a.example.com\n';

describe('the connector schema', () => {
  test('is compiled once per process', () => {
    expect(connectorValidator()).toBe(connectorValidator());
  });

  test('accepts one connector, and a connectors list', () => {
    expect(issues(BASE)).toEqual([]);
    expect(issues(`connectors:\n  - ${BASE.trimEnd().replace(/\n/g, '\n    ')}\n`)).toEqual([]);
  });

  test('knows every field of the seed create call plus title, the OAuth and global header fields, renamed_from, expect_tools, secret_version', () => {
    expect(connectorKeys().sort()).toEqual(
      [
        'name',
        'description',
        'server',
        'visibility',
        'icon_url',
        'headers',
        'auth_data',
        'global_headers',
        'oauth2_server_metadata',
        'oauth2_server_metadata_url',
        'system_prompt',
        'title',
        'renamed_from',
        'expect_tools',
        'secret_version',
        'active_for',
        'credentials',
      ].sort(),
    );
  });

  test('names: 1 to 64 of A-Z a-z 0-9 _ -', () => {
    expect(['a', 'A_b-9', 'x'.repeat(64)].every(isValidName)).toBe(true);
    expect(['', 'x'.repeat(65), 'a b', 'a.b', 'é', 42].some(isValidName)).toBe(false);
  });

  test('a 65-character name gets one message about its length, not a second about the pattern', () => {
    expect(issues(BASE.replace('name: a', `name: ${'n'.repeat(65)}`))).toEqual([
      ['1:7', 'bad-name', 'name', '`name` is 65 characters long; at most 64 are allowed'],
    ]);
  });

  test('a long name with a bad character gets both messages', () => {
    expect(issues(BASE.replace('name: a', `name: ${'n'.repeat(64)}.`)).map((issue) => issue[3])).toEqual([
      '`name` is 65 characters long; at most 64 are allowed',
      '`name` must be 1 to 64 characters of letters, digits, `_` and `-`',
    ]);
  });

  test('a typo of a missing required key is one issue with a suggestion', () => {
    expect(issues('name: a\nDescriptoin: d\nserver: https://a.example.com\n')).toEqual([
      ['2:1', 'unknown-key', 'Descriptoin', 'unknown key `Descriptoin`; did you mean `description`?'],
    ]);
  });

  test('issues inside a list carry the full key path and the connector name', () => {
    expect(
      issues('connectors:\n  - name: x\n    server: https://x.example.com\n    visibility: shared_orgs\n'),
    ).toEqual([
      [
        '2:5',
        'missing-key',
        'connectors[0].description',
        'connector `x` is missing required key `description`',
      ],
      [
        '4:17',
        'bad-visibility',
        'connectors[0].visibility',
        '`connectors[0].visibility` must be one of private, shared_workspace, shared_org; found `shared_orgs`; did you mean `shared_org`?',
      ],
    ]);
  });

  test('the schema is published draft 2020-12 with an $id and editor titles', async () => {
    const schema = JSON.parse(await readFile(CONNECTOR_SCHEMA_PATH, 'utf8'));
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toMatch(/connector/);
    for (const [key, property] of Object.entries(schema.$defs.connector.properties)) {
      expect((property as { description?: string }).description, key).toBeTruthy();
    }
  });
});

describe('closestMatch', () => {
  test('suggests close keys, ignoring case, and nothing for far ones', () => {
    const keys = connectorKeys();
    expect(closestMatch('descripton', keys)).toBe('description');
    expect(closestMatch('SERVER', keys)).toBe('server');
    expect(closestMatch('iconurl', keys)).toBe('icon_url');
    expect(closestMatch('protocol', keys)).toBeUndefined();
    expect(closestMatch('x', keys)).toBeUndefined();
  });
});
