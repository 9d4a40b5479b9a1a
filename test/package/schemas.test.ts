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

/** Every property schema under `properties`/`patternProperties` (a `$ref` takes its target's description). */
function undescribed(node: unknown, path: string): string[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => undescribed(item, `${path}/${i}`));
  if (node === null || typeof node !== 'object') return [];
  const missing: string[] = [];
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if ((key === 'properties' || key === 'patternProperties') && value && typeof value === 'object') {
      for (const [name, property] of Object.entries(value as Record<string, Record<string, unknown>>)) {
        if (!property.description && !property.$ref) missing.push(`${path}/${key}/${name}`);
        missing.push(...undescribed(property, `${path}/${key}/${name}`));
      }
    } else missing.push(...undescribed(value, `${path}/${key}`));
  }
  return missing;
}

test('every property of every schema has a description (what an editor shows on hover)', async () => {
  const files = (await readdir(join(ROOT, 'schemas'))).filter((file) => file.endsWith('.schema.json'));
  for (const file of files) {
    const schema = JSON.parse(await readFile(join(ROOT, 'schemas', file), 'utf8')) as Record<string, string>;
    expect(schema.$schema, file).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(undescribed(schema, '#'), file).toEqual([]);
  }
});

test('the SchemaStore catalog entries point at the published schemas with globs that only match our files', async () => {
  const entries = JSON.parse(
    await readFile(join(ROOT, 'schemas/schemastore-catalog-entry.json'), 'utf8'),
  ) as Array<{ name: string; description: string; fileMatch?: string[]; url: string }>;
  const settings = entries.find((entry) => entry.url === `${PUBLISHED}settings.schema.json`);
  // the file the CLI and the daemon read by default (--settings may name another)
  expect(settings?.fileMatch).toEqual(['**/.connector-sync.yaml']);
  const connector = entries.find((entry) => entry.url === `${PUBLISHED}connector.schema.json`);
  // connector files have no fixed name: no glob is safe, the modeline or an editor mapping selects it
  expect(connector).toBeDefined();
  expect(connector?.fileMatch).toBeUndefined();
  for (const entry of entries) {
    expect(entry.name).toMatch(/^connector-sync /);
    expect(entry.description.length).toBeGreaterThan(20);
  }
});
