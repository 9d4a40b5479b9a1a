/**
 * The baseline: the same first sync done the way the product page's examples do it, with
 * Mistral's official SDK in a plain script: read the files, list every page by looping on
 * next_cursor (page_size 10, as in the examples), then create what is missing one at a time.
 * No validation, no plan, no retries (the SDK's default). Prints one JSON line:
 * {"created": N, "failed": N, "pages": N}.
 *
 * Usage: node sdk-baseline.js <api-url> <dir>   (MISTRAL_API_KEY in the environment)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Mistral } from '@mistralai/mistralai';
import { parse } from 'yaml';

interface ConnectorFile {
  name: string;
  description: string;
  server: string;
  visibility?: 'private' | 'shared_workspace' | 'shared_org';
  system_prompt?: string;
}

async function main(): Promise<void> {
  const [serverURL, dir] = process.argv.slice(2);
  if (!serverURL || !dir) throw new Error('usage: sdk-baseline <api-url> <dir>');
  const client = new Mistral({ apiKey: process.env.MISTRAL_API_KEY ?? '', serverURL });
  const wanted = readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => parse(readFileSync(join(dir, file), 'utf8')) as ConnectorFile);

  const existing = new Set<string>();
  let page = await client.beta.connectors.list({ pageSize: 10 });
  let pages = 1;
  for (const item of page.items) if ('name' in item) existing.add(item.name);
  while (page.pagination.nextCursor) {
    page = await client.beta.connectors.list({ pageSize: 10, cursor: page.pagination.nextCursor });
    pages += 1;
    for (const item of page.items) if ('name' in item) existing.add(item.name);
  }

  let created = 0;
  let failed = 0;
  for (const connector of wanted) {
    if (existing.has(connector.name)) continue;
    try {
      await client.beta.connectors.create({
        name: connector.name,
        description: connector.description,
        server: connector.server,
        ...(connector.visibility ? { visibility: connector.visibility } : {}),
        ...(connector.system_prompt ? { systemPrompt: connector.system_prompt } : {}),
        protocol: 'mcp',
      });
      created += 1;
    } catch (error) {
      failed += 1;
      process.stderr.write(`${connector.name}: ${(error as Error).message}\n`);
    }
  }
  process.stdout.write(`${JSON.stringify({ created, failed, pages })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
