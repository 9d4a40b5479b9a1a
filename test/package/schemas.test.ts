/**
 * The JSON Schemas work outside this repository: each has a stable https $id where it is published
 * (ready for a SchemaStore entry), and the examples' modelines use the path a user's repository has.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const PUBLISHED = 'https://raw.githubusercontent.com/connector-sync/connector-sync/main/schemas/';

test('every schema has a stable https $id named after its file, a title and a description', async () => {
  const files = (await readdir(join(ROOT, 'schemas'))).filter((file) => file.endsWith('.schema.json'));
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const schema = JSON.parse(await readFile(join(ROOT, 'schemas', file), 'utf8')) as Record<string, string>;
    expect(schema.$id, file).toBe(`${PUBLISHED}${file}`);
    expect(schema.title, file).toBeTruthy();
    expect(schema.description, file).toBeTruthy();
  }
});
