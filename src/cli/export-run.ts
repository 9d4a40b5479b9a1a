import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { RemoteConnector } from '../api/types.js';
import { ConnectorSyncError } from '../errors.js';
import { describeInvalidList, invalidInScope, quoted } from '../reconcile/invalid-remote.js';
import { inScope, isMistralOwned } from '../reconcile/scope.js';
import { connectorToYaml, exportFileName } from '../render/export-yaml.js';
import type { ExportFlags } from './commands/export.js';
import { type CliIO, EXIT } from './io.js';
import { openTarget } from './target.js';

/** Runs `connector-sync export DIR` and returns its exit code. */
export async function runExportCommand(dir: string, flags: ExportFlags, io: CliIO): Promise<number> {
  const { settings, target } = await openTarget(io, flags);
  try {
    const listing = await target.api.listConnectors({ signal: io.signal });
    if (!listing.complete) {
      throw new ConnectorSyncError(
        'LISTING_INCOMPLETE',
        `the remote listing is incomplete (${listing.incompleteReason}): nothing exported`,
      );
    }
    const scope = { include: settings.scope, protect: settings.protect };
    // an export that silently lacks a connector would read as "this is everything"
    const invalid = invalidInScope(listing.invalid ?? [], scope);
    if (invalid.length > 0) {
      throw new ConnectorSyncError(
        'API_BAD_RESPONSE',
        `the API lists ${describeInvalidList(invalid)}, which breaks its own schema: nothing exported`,
        { hint: 'export again once the API serves it whole, or leave it out with --protect NAME' },
      );
    }
    const connectors = listing.items.filter((c) => !isMistralOwned(c) && inScope(c.name, scope));
    refuseUnsafeNames(connectors);
    const folder = resolve(io.cwd, dir);
    const files = connectors.map((c) => ({ connector: c, path: join(folder, exportFileName(c)) }));
    if (!flags.force)
      await refuseOverwrite(
        files.map((f) => f.path),
        io.cwd,
      );
    await mkdir(folder, { recursive: true });
    // the schema where the repository has the package as a devDependency: a path that works for
    // everyone who clones it, never this machine's install (an npx cache, a global prefix)
    const schemaPath = relative(
      folder,
      join(io.cwd, 'node_modules', 'connector-sync', 'schemas', 'connector.schema.json'),
    );
    for (const { connector, path } of files) await writeFile(path, connectorToYaml(connector, schemaPath));
    io.stdout.write(
      `Exported ${files.length} connector${files.length === 1 ? '' : 's'} from ${target.displayUrl} to ${relative(io.cwd, folder) || '.'}/\n`,
    );
    for (const { path } of files) io.stdout.write(`  ${relative(io.cwd, path)}\n`);
    return EXIT.ok;
  } finally {
    await target.close();
  }
}

// the names a connector file may declare (schemas/connector.schema.json): a remote name outside
// them could not be synced back, and as a file name it could point out of the export folder
const FILE_SAFE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Refuses, before anything is written, when a listed name cannot be a connector file. */
function refuseUnsafeNames(connectors: readonly RemoteConnector[]): void {
  const unsafe = connectors.filter((c) => !FILE_SAFE_NAME.test(c.name)).map((c) => quoted(c.name));
  if (unsafe.length === 0) return;
  throw new ConnectorSyncError(
    'API_BAD_RESPONSE',
    `the API lists ${unsafe.slice(0, 5).join(', ')}${unsafe.length > 5 ? ` and ${unsafe.length - 5} more` : ''}: ` +
      'a name outside A-Z a-z 0-9 _ - (1 to 64) cannot be a connector file: nothing exported',
    { hint: 'rename it in the workspace, or leave it out with --protect NAME' },
  );
}

async function refuseOverwrite(paths: string[], cwd: string): Promise<void> {
  const existing: string[] = [];
  for (const path of paths) {
    try {
      await stat(path);
      existing.push(relative(cwd, path));
    } catch {
      // absent: fine
    }
  }
  if (existing.length > 0) {
    throw new ConnectorSyncError(
      'USAGE',
      `export would overwrite ${existing.length} existing file(s): ${existing.slice(0, 5).join(', ')}${existing.length > 5 ? ` and ${existing.length - 5} more` : ''}`,
      {
        hint: 'pass --force to overwrite them, or export into an empty folder',
      },
    );
  }
}
