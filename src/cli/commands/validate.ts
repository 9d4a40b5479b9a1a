import { type Command, Option } from 'commander';
import type { Settings } from '../../config/settings.js';
import type { ValidateReport } from '../../render/diagnostics.js';
import { type CliIO, EXIT, wantsColor } from '../io.js';
import type { CliContext } from '../main.js';
import { pathArguments } from '../options.js';

/** Where validate looks when no path is given. */
const DEFAULT_PATH = 'connectors';

interface ValidateOptions {
  resolve?: boolean;
  output: 'text' | 'json';
  quiet?: boolean;
  settings?: string;
  env?: string;
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
    .option(
      '--env <name>',
      'check this environment of the settings file (its paths and `vars`); default: every environment it declares',
    )
    .action(async (paths: string[], options: ValidateOptions) => {
      // yaml and ajv load here, not at start-up, so `connector-sync --version` stays fast
      const { loadSettings, settingsForEnvironment, environmentNames } = await import(
        '../../config/settings.js'
      );
      const { chooseEnvironments } = await import('../environments.js');
      const io = ctx.io;
      const settings = await loadSettings({
        cwd: io.cwd,
        env: io.env,
        flags: {},
        ...(options.settings ? { file: options.settings } : {}),
      });
      const choice = chooseEnvironments(settings, options.env, io.env);
      const names = choice?.names ?? environmentNames(settings);
      if (names.length === 0 || (choice !== undefined && !choice.several)) {
        const chosen = choice ? settingsForEnvironment(settings, choice.names[0]!).settings : settings;
        ctx.result.exitCode = await validateOne(paths, chosen, options, io);
        return;
      }
      // every environment checked, one section each, one exit code: any invalid one fails the run
      const json: unknown[] = [];
      let exitCode: number = EXIT.ok;
      for (const [index, name] of names.entries()) {
        if (options.output === 'text' && !options.quiet)
          io.stdout.write(`${index > 0 ? '\n' : ''}== Environment ${name} ==\n`);
        const chosen = settingsForEnvironment(settings, name).settings;
        const section = options.output === 'json' ? { name, json } : undefined;
        const code = await validateOne(paths, chosen, options, io, section);
        if (code !== EXIT.ok) {
          exitCode = code;
          if (options.output === 'text') io.stderr.write(`environment ${name} is invalid\n`);
        }
      }
      if (options.output === 'json')
        io.stdout.write(
          `${JSON.stringify({ version: 1, valid: exitCode === EXIT.ok, environments: json }, null, 2)}\n`,
        );
      ctx.result.exitCode = exitCode;
    });
}

/** Checks one desired state (the top level's, or an environment's) and prints it; returns the exit code. */
async function validateOne(
  paths: string[],
  settings: Settings,
  options: ValidateOptions,
  io: CliIO,
  section?: { name: string; json: unknown[] },
): Promise<number> {
  const { loadDesiredState } = await import('../../config/load.js');
  const { varsFor } = await import('../../config/settings.js');
  const render = await import('../../render/diagnostics.js');
  const { sortIssues } = await import('../../config/issues.js');
  const defaulted = paths.length === 0;
  // an environment's own paths; without one, ./connectors as before
  const defaults = settings.environment ? settings.paths : [DEFAULT_PATH];
  const result = await loadDesiredState(defaulted ? defaults : paths, {
    resolve: options.resolve === true,
    cwd: io.cwd,
    env: io.env,
    policy: settings.policy,
    vars: varsFor(settings),
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
  const exitCode = result.ok ? EXIT.ok : EXIT.error;
  if (section) {
    section.json.push({ name: section.name, report });
    return exitCode;
  }
  if (options.output === 'json') {
    io.stdout.write(render.renderValidateJson(report));
    return exitCode;
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
    return exitCode;
  }
  if (options.quiet) return exitCode;
  io.stderr.write(render.renderIssuesText(result.warnings, errColor));
  io.stdout.write(
    render.renderConnectorList(report.connectors, files.length, result.warnings.length, outColor),
  );
  return exitCode;
}
