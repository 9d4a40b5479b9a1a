/**
 * The loading baseline: what reading N connector files costs with nothing but the YAML library
 * the product uses: one readdir, then readFile and YAML.parse per file, in a fresh process like
 * the CLI's. `validate` is judged against it (it also checks, resolves and reports). Prints the
 * number of documents parsed.
 *
 * Usage: node plain-loop.js <dir>
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: plain-loop <dir>');
let parsed = 0;
for (const entry of readdirSync(dir, { withFileTypes: true })) {
  if (entry.isFile() && entry.name.endsWith('.yaml') && parse(readFileSync(join(dir, entry.name), 'utf8')))
    parsed += 1;
}
process.stdout.write(`${parsed}\n`);
