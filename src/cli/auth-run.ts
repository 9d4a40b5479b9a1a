import { ConnectorSyncError } from '../errors.js';
import { authReport, credentialReport, needsAuth } from '../reconcile/reports.js';
import { inScope, isMistralOwned } from '../reconcile/scope.js';
import { forTerminal } from '../render/escape.js';
import { credentialJson } from '../render/report-json.js';
import { authLine, credentialLines } from '../render/report-text.js';
import { makeStyle } from '../render/style.js';
import { version } from '../version.js';
import type { AuthFlags } from './commands/auth.js';
import { type CliIO, EXIT, wantsColor } from './io.js';
import { EMULATOR_DIR, openTarget } from './target.js';

/** The embedded emulator's links lead to a server that is gone once the command returns. */
const EMBEDDED_LINKS_NOTE =
  `Note: these links lead to the embedded emulator, and the embedded emulator stopped when this command ended. ` +
  `To follow them, serve the same state with \`connector-sync emulator --state ${EMULATOR_DIR}/emulator-state.json\` ` +
  'and, in another terminal, run `MISTRAL_API_URL=http://127.0.0.1:4010 MISTRAL_API_KEY=any connector-sync auth --urls`.\n';

/** Runs `connector-sync auth` and returns its exit code. */
export async function runAuthCommand(names: string[], flags: AuthFlags, io: CliIO): Promise<number> {
  const { settings, target } = await openTarget(io, flags, { auth_return_url: flags.returnUrl });
  try {
    const listing = await target.api.listConnectors({ signal: io.signal });
    const scope = { include: settings.scope, protect: settings.protect };
    const wanted = new Set(names);
    const unknown = names.filter((name) => !listing.items.some((c) => c.name === name));
    if (unknown.length > 0)
      throw new ConnectorSyncError('API_NOT_FOUND', `no connector named ${unknown.join(', ')}`);
    const chosen = listing.items.filter(
      (c) => !isMistralOwned(c) && inScope(c.name, scope) && (wanted.size === 0 || wanted.has(c.name)),
    );
    const candidates = chosen.filter(needsAuth);
    const credentials = credentialReport(
      new Map(chosen.map((c) => [c.name, c])),
      chosen.map((c) => c.name),
    );
    const byName = new Map(candidates.map((c) => [c.name, c]));
    const pending = await authReport(byName, [...byName.keys()], target.api, {
      withUrls: flags.urls === true,
      ...(settings.authReturnUrl ? { appReturnUrl: settings.authReturnUrl } : {}),
      now: () => new Date(),
      concurrency: 4,
    });
    if (flags.output === 'json') {
      const document = {
        version: 1,
        tool: { name: 'connector-sync', version: version() },
        command: 'auth',
        api_url: target.displayUrl,
        pending_auth: pending.map((p) => ({
          name: p.name,
          id: p.id,
          auth_url: p.authUrl ?? null,
          expires_at: p.expiresAt ?? null,
          error: p.error ?? null,
        })),
        credentials: credentials.map(credentialJson),
      };
      io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    } else {
      const style = makeStyle(wantsColor(io));
      if (pending.length === 0) io.stdout.write(style.add('No connector is waiting for OAuth.\n'));
      else {
        io.stdout.write(
          style.warn(`${pending.length} connector${pending.length === 1 ? '' : 's'} waiting for OAuth:\n`),
        );
        for (const p of pending) io.stdout.write(`${forTerminal(authLine(p, 'expires'))}\n`);
        if (!flags.urls) io.stdout.write(style.dim('Fresh links: connector-sync auth --urls\n'));
        else if (flags.emulator) io.stderr.write(EMBEDDED_LINKS_NOTE);
      }
      for (const line of credentialLines(credentials, style)) io.stdout.write(`${line}\n`);
    }
    return flags.failOnPending && pending.length > 0 ? EXIT.error : EXIT.ok;
  } finally {
    await target.close();
  }
}
