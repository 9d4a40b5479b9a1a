import { type Command, Option } from 'commander';
import type { ValidateReport } from '../../render/diagnostics.js';
import { EXIT, wantsColor } from '../io.js';
import type { CliContext } from '../main.js';
import { pathArguments } from '../options.js';

/** Where validate looks when no path is given. */
const DEFAULT_PATH = 'connectors';

interface ValidateOptions {
  resolve?: boolean;
  output: 'text' | 'json';
  quiet?: boolean;
  settings?: string;
}

/** Registers `connector-sync validate [PATH...]`: checks connector files offline, exit 0 valid, 1 invalid, 2 usage. */
export function registerValidate(program: Command, ctx: CliContext): Command {
  return program
    .command('validate')
    .description(
      `check connector files offline (YAML, schema, names, \${env:...}/\${file:...} references) and list what they declare`,
    )
    .argument(
      '[path...]',
      `files or directories, read recursively for *.yaml and *.yml (default: ./${DEFAULT_PATH})`,
      pathArguments,
    )
    .option(
      '--resolve',
      `also resolve \${env:...} and \${file:...} references, as sync does (values are never printed)`,
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-q, --quiet', 'print nothing when valid; only the errors when not')
    .option(
      '--settings <file>',
      'settings file whose `policy:` applies (default: .connector-sync.yaml when present)',
    )
    .action(async (paths: string[], options: ValidateOptions) => {
      // yaml and ajv load here, not at start-up, so `connector-sync --version` stays fast
      const { loadDesiredState } = await import('../../config/load.js');
      const { loadSettings } = await import('../../config/settings.js');
      const render = await import('../../render/diagnostics.js');
      const { sortIssues } = await import('../../config/issues.js');
      const io = ctx.io;
      const defaulted = paths.length === 0;
      const settings = await loadSettings({
        cwd: io.cwd,
        env: io.env,
        flags: {},
        ...(options.settings ? { file: options.settings } : {}),
      });
      const result = await loadDesiredState(defaulted ? [DEFAULT_PATH] : paths, {
        resolve: options.resolve === true,
        cwd: io.cwd,
        env: io.env,
        policy: settings.policy,
      });
      if (result.ok) {
        const { privateConnectorsWarning } = await import('../../config/key-scope.js');
        const warning = privateConnectorsWarning(result.state.connectors);
        if (warning) result.warnings.push(warning);
      }
      const files = result.ok ? result.state.files : (result.files ?? []);
      const issues = result.ok ? result.warnings : sortIssues([...result.issues, ...result.warnings], files);
      const report: ValidateReport = {
        version: 1,
        valid: result.ok,
        connectors: result.ok
          ? result.state.connectors.map((c) => ({
              name: c.name,
              visibility: c.visibility,
              file: c.source.file,
              line: c.source.line,
            }))
          : [],
        issues,
      };
      ctx.result.exitCode = result.ok ? EXIT.ok : EXIT.error;
      if (options.output === 'json') {
        io.stdout.write(render.renderValidateJson(report));
        return;
      }
      // in a GitHub workflow the problems also show on the files' lines in the pull request
      if (io.env.GITHUB_ACTIONS === 'true' && !(options.quiet && result.ok)) {
        const { issueAnnotations } = await import('../../render/markdown.js');
        for (const line of issueAnnotations(issues)) io.stdout.write(`${line}\n`);
      }
      const errColor = { color: wantsColor(io, 'stderr') };
      const outColor = { color: wantsColor(io, 'stdout') };
      if (!result.ok) {
        io.stderr.write(render.renderIssuesText(report.issues, errColor));
        io.stderr.write(render.renderFailureSummary(report.issues, files.length));
        if (
          defaulted &&
          result.issues.some((i) => i.code === 'path-not-found' && i.location.file === DEFAULT_PATH)
        ) {
          io.stderr.write(
            `hint: with no PATH, validate reads ./${DEFAULT_PATH}; pass the files or directories to check\n`,
          );
        }
        return;
      }
      if (options.quiet) return;
      io.stderr.write(render.renderIssuesText(result.warnings, errColor));
      io.stdout.write(
        render.renderConnectorList(report.connectors, files.length, result.warnings.length, outColor),
      );
    });
}
