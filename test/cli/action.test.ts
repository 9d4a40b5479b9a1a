/**
 * The GitHub Action: its inputs reach `connector-sync sync` as written (no glob, no word-splitting
 * surprise), a mode other than plan or sync stops the step before anything runs, and an input
 * left unset sets nothing. The last tests run the committed bundle the way the runner runs a
 * node24 action: from a copy of the action without node_modules, every input as INPUT_<NAME>.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionArgv, actionEnv, actionInput, splitWords } from '../../src/cli/action.js';
import { COMMENT_MARKER } from '../../src/render/pr-comment.js';
import { NODE } from '../daemon/built-cli.js';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github.js';
import { API_KEY, type CliWorld, openCliWorld } from './harness.js';

describe('splitWords', () => {
  it('splits on spaces and newlines and never expands a pattern', () => {
    expect(splitWords(' --scope team-*\n--protect  "keep *" \t$HOME ', 'args')).toEqual([
      '--scope',
      'team-*',
      '--protect',
      'keep *',
      '$HOME',
    ]);
  });

  it('takes quotes and backslashes as a shell does', () => {
    expect(splitWords(`'a "b"' "c \\"d\\" \\\\" e\\ f '' x"y"z`, 'args')).toEqual([
      'a "b"',
      'c "d" \\',
      'e f',
      '',
      'xyz',
    ]);
  });

  it('refuses an unclosed quote, naming the input', () => {
    expect(() => splitWords(`--scope 'team-*`, 'args')).toThrow(/args input has an unclosed ' quote/);
  });
});

describe('inputs', () => {
  it("are read the runner's way: upper-cased, spaces to underscores, dashes kept, blank as unset", () => {
    const env = { 'INPUT_API-KEY': ' k ', INPUT_MY_INPUT: 'x', INPUT_BLANK: '  ' };
    expect(actionInput(env, 'api-key')).toBe('k');
    expect(actionInput(env, 'my input')).toBe('x');
    expect(actionInput(env, 'blank')).toBeUndefined();
  });

  it('set nothing when left unset, so the settings file stays in charge', () => {
    const base = {
      PATH: '/bin',
      'INPUT_API-KEY': 'k',
      'INPUT_API-URL': '',
      'INPUT_STATE-DIR': '',
      INPUT_PRUNE: '',
    };
    expect(actionEnv(base)).toEqual({ ...base, MISTRAL_API_KEY: 'k' });
    expect(actionEnv({ ...base, INPUT_PRUNE: 'false', 'INPUT_STATE-DIR': '/s' })).toMatchObject({
      CONNECTOR_SYNC_PRUNE: 'false',
      CONNECTOR_SYNC_STATE_DIR: '/s',
    });
    expect(() => actionEnv({ ...base, INPUT_PRUNE: 'yes please' })).toThrow(/prune input is "yes please"/);
  });
});

describe('actionArgv', () => {
  it('plans with --dry-run, syncs without, and passes args before paths', () => {
    const env = { INPUT_ARGS: '--scope team-*', INPUT_PATHS: 'connectors more' };
    expect(actionArgv({ ...env, INPUT_MODE: 'plan' })).toEqual([
      'sync',
      '--detailed-exitcode',
      '--dry-run',
      '--scope',
      'team-*',
      'connectors',
      'more',
    ]);
    expect(actionArgv({ ...env, INPUT_MODE: 'sync' })).not.toContain('--dry-run');
  });

  it('refuses any other mode', () => {
    for (const mode of ['dry-run', 'apply', 'Plan', '', undefined]) {
      expect(() => actionArgv({ INPUT_MODE: mode })).toThrow(/must be plan .* or sync/);
    }
  });
});

const ROOT = resolve(import.meta.dirname, '../..');
const GITHUB_TOKEN = 'ghs_fake-token-canary-5f1e';
const REPOSITORY = 'octo/connectors';

interface StepRun {
  code: number;
  stdout: string;
  stderr: string;
  output: string | null;
  summary: string | null;
}

/** A copy of what the runner downloads for the action, less node_modules (there is none to use). */
async function actionCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'action-'));
  for (const part of ['action.yml', 'package.json', 'dist-action', 'schemas'])
    await cp(join(ROOT, part), join(dir, part), { recursive: true });
  return dir;
}

/**
 * Runs the action as GitHub's runner runs a node24 action: `node <main>` in the workspace, with
 * every input of action.yml as INPUT_<NAME> (the user's value, else the default, else blank).
 */
async function runAction(
  actionPath: string,
  cwd: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<StepRun> {
  const action = parse(await readFile(join(actionPath, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    runs: { using: string; main: string };
  };
  expect(action.runs.using).toBe('node24');
  const inputEnv = Object.fromEntries(
    Object.entries(action.inputs).map(([name, spec]) => [
      `INPUT_${name.replace(/ /g, '_').toUpperCase()}`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: action.yml's expression, as written there
      (inputs[name] ?? spec.default ?? '').replace('${{ github.token }}', GITHUB_TOKEN),
    ]),
  );
  const output = join(cwd, '.github-output');
  const summary = join(cwd, '.github-summary');
  await rm(output, { force: true });
  await rm(summary, { force: true });
  const files = { output: () => read(output), summary: () => read(summary) };
  try {
    const { stdout, stderr } = await promisify(execFile)(NODE, [join(actionPath, action.runs.main)], {
      cwd,
      env: {
        HOME: cwd,
        GITHUB_ACTIONS: 'true',
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
        ...inputEnv,
        ...env,
      },
    });
    return { code: 0, stdout, stderr, output: await files.output(), summary: await files.summary() };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { ...failed, output: await files.output(), summary: await files.summary() };
  }
}

async function read(file: string): Promise<string | null> {
  return existsSync(file) ? readFile(file, 'utf8') : null;
}

describe('the action, run from its bundle as the runner does', () => {
  let actionPath: string;
  let world: CliWorld;

  beforeAll(async () => {
    actionPath = await actionCopy();
    world = await openCliWorld([
      { name: 'team-old', description: 'Old', server: 'https://old.example.com/mcp' },
      { name: 'team-keep', description: 'Kept', server: 'https://keep.example.com/mcp' },
      { name: 'ops-tool', description: 'Not ours', server: 'https://ops.example.com/mcp' },
    ]);
    // the repository has a file the patterns would match as shell globs
    await writeFile(join(world.cwd, 'team-notes.md'), '# notes\n');
    await mkdir(join(world.cwd, 'connectors'));
    await writeFile(
      join(world.cwd, 'connectors', 'team-new.yaml'),
      'name: team-new\ndescription: New\nserver: https://new.example.com/mcp\n',
    );
  }, 120_000);

  afterAll(async () => {
    await world?.close();
    await rm(actionPath, { recursive: true, force: true });
  });

  const inputs = () => ({ 'api-key': API_KEY, 'api-url': world.emulator.url });

  it('passes --scope team-* and --protect team-keep* as patterns, not as the file they match', async () => {
    const run = await runAction(actionPath, world.cwd, {
      ...inputs(),
      prune: 'true',
      paths: 'connectors',
      args: `--scope team-* --protect 'team-keep*' --output json`,
    });
    const report = JSON.parse(run.stdout) as { plan: { operations: Array<{ kind: string; name: string }> } };
    expect(report.plan.operations.map((op) => `${op.kind}:${op.name}`).sort()).toEqual([
      'create:team-new',
      'delete:team-old',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      "Running: connector-sync sync --detailed-exitcode --dry-run --scope 'team-*' --protect 'team-keep*' --output json connectors",
    );
    expect(run.output).toBe('changes=true\n');
    expect(`${run.stdout}${run.stderr}`).not.toContain(API_KEY);
  });

  it('stops a mode that is neither plan nor sync before anything runs', async () => {
    const before = world.emulator.store.size;
    const requests = world.emulator.requestLog.length;
    const run = await runAction(actionPath, world.cwd, { ...inputs(), mode: 'dry-run' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: the mode input is "dry-run": it must be plan');
    expect(run.stderr).toContain('::error title=connector-sync::the mode input is');
    expect(run.stderr).not.toContain('Running:');
    expect(run.output).toBeNull();
    expect(world.emulator.store.size).toBe(before);
    expect(world.emulator.requestLog.length).toBe(requests);
  });

  it('leaves the settings file in charge of what the inputs do not set (paths, prune, state_dir)', async () => {
    const repo = await mkdtemp(join(world.cwd, 'repo-'));
    await cp(join(world.cwd, 'connectors'), join(repo, 'declared'), { recursive: true });
    await writeFile(
      join(repo, '.connector-sync.yaml'),
      'paths: [declared]\nprune: true\nscope: [team-*]\nstate_dir: .fingerprints\n',
    );
    const run = await runAction(actionPath, repo, inputs());
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Running: connector-sync sync --detailed-exitcode --dry-run\n');
    expect(run.summary).toContain('1 to create, 2 to delete');
    // a mode of sync applies, and keeps its fingerprints where the settings file says
    const applied = await runAction(actionPath, repo, { ...inputs(), mode: 'sync', args: '--force-deletes' });
    expect(applied.code, applied.stderr).toBe(0);
    expect(existsSync(join(repo, '.fingerprints'))).toBe(true);
    const names = world.emulator.store.list().map((c) => c.name);
    expect(names.filter((name) => name.startsWith('team-'))).toEqual(['team-new']);
    expect(names).toContain('ops-tool');
  });

  it('plans each environment the env input names, each with the key its api_key_env names', async () => {
    const repo = await mkdtemp(join(world.cwd, 'repo-'));
    // a name of its own: the tests before it may have synced the shared connectors/ already
    await mkdir(join(repo, 'declared'));
    await writeFile(
      join(repo, 'declared', 'team-envs.yaml'),
      'name: team-envs\ndescription: Per environment\nserver: https://envs.example.com/mcp\n',
    );
    await writeFile(
      join(repo, '.connector-sync.yaml'),
      'paths: [declared]\nenvironments:\n  staging: { api_key_env: KEY_STAGING }\n  prod: { api_key_env: KEY_PROD }\n',
    );
    const keys = { KEY_STAGING: API_KEY, KEY_PROD: API_KEY };
    const run = await runAction(
      actionPath,
      repo,
      { 'api-url': world.emulator.url, env: 'staging, prod' },
      keys,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'Running: connector-sync sync --detailed-exitcode --dry-run --env staging,prod\n',
    );
    expect(run.summary).toContain('staging');
    expect(run.summary).toContain('prod');
    expect(run.output).toBe('changes=true\n');
    // without its key variable an environment stops the step, whatever api-key says
    const unkeyed = await runAction(actionPath, repo, { ...inputs(), env: 'prod' }, { KEY_STAGING: API_KEY });
    expect(unkeyed.code).toBe(1);
    expect(unkeyed.stderr).toContain(
      'no API key for environment prod: KEY_PROD (its api_key_env) is not set',
    );
    expect(`${run.stdout}${run.stderr}${unkeyed.stdout}${unkeyed.stderr}`).not.toContain(API_KEY);
  });

  it('never sends the key to an api_url the repository chose, with no api-url input', async () => {
    const repo = await mkdtemp(join(world.cwd, 'repo-'));
    await cp(join(world.cwd, 'connectors'), join(repo, 'declared'), { recursive: true });
    await writeFile(
      join(repo, '.connector-sync.yaml'),
      `api_url: ${world.emulator.url}\npaths: [declared]\n`,
    );
    const requests = world.emulator.requestLog.length;
    const run = await runAction(actionPath, repo, { 'api-key': API_KEY });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('a URL the repository chose');
    expect(world.emulator.requestLog.length).toBe(requests);
    expect(`${run.stdout}${run.stderr}`).not.toContain(API_KEY);
  });
});

describe('comment: true', () => {
  let actionPath: string;
  let world: CliWorld;
  let github: FakeGitHub;
  let event: string;

  beforeAll(async () => {
    actionPath = await actionCopy();
    world = await openCliWorld([
      { name: 'team-old', description: 'Old', server: 'https://old.example.com/mcp' },
    ]);
    github = await startFakeGitHub(REPOSITORY, GITHUB_TOKEN, 50);
    // someone else's comments fill the first pages: ours must be found past them
    github.comments.set(
      7,
      Array.from({ length: 120 }, (_, i) => ({
        id: i + 1,
        body: i === 3 ? `quoting ${COMMENT_MARKER} from another workflow` : `review ${i}`,
        user: { login: 'someone', type: 'User' },
      })),
    );
    event = join(world.cwd, 'event.json');
    await writeFile(event, JSON.stringify({ pull_request: { number: 7 } }));
    await mkdir(join(world.cwd, 'connectors'));
    await writeFile(
      join(world.cwd, 'connectors', 'team-new.yaml'),
      'name: team-new\ndescription: New\nserver: https://new.example.com/mcp\n' +
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a connector file's reference, not JavaScript's
        'headers:\n  Authorization: "${env:CANARY_HEADER}"\n',
    );
  }, 120_000);

  afterAll(async () => {
    await world?.close();
    await github?.close();
    await rm(actionPath, { recursive: true, force: true });
  });

  const CANARY = 'Bearer header-canary-8c2d';
  const pullRequestEnv = () => ({
    GITHUB_API_URL: github.url,
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '42',
    GITHUB_WORKFLOW: 'connectors',
    GITHUB_JOB: 'plan',
    CANARY_HEADER: CANARY,
  });
  const inputs = { 'api-url': '', comment: 'true', paths: 'connectors' };

  it('posts the plan as one comment, then updates it in place on the next push', async () => {
    const first = await runAction(
      actionPath,
      world.cwd,
      { ...inputs, 'api-key': API_KEY, 'api-url': world.emulator.url },
      pullRequestEnv(),
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('Plan comment created: https://github.example/pr#1000');
    const ours = () => github.comments.get(7)!.filter((c) => c.body.includes(`${COMMENT_MARKER}\n`));
    expect(ours()).toHaveLength(1);
    const body = ours()[0]!.body;
    expect(body.split('\n')[0]).toBe('### connector-sync plan: 📝 changes pending · 1 to create, 0 in sync.');
    expect(body).toContain('[job summary](https://github.example/octo/connectors/actions/runs/42)');

    // the next push: one more connector; the same comment changes, no new one
    await writeFile(
      join(world.cwd, 'connectors', 'team-two.yaml'),
      'name: team-two\ndescription: Two\nserver: https://two.example.com/mcp\n',
    );
    const second = await runAction(
      actionPath,
      world.cwd,
      { ...inputs, 'api-key': API_KEY, 'api-url': world.emulator.url },
      pullRequestEnv(),
    );
    expect(second.stderr).toContain('Plan comment updated: https://github.example/pr#1000');
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.body.split('\n')[0]).toContain('2 to create');
    expect(github.comments.get(7)).toHaveLength(121);
    expect(github.comments.get(7)![3]!.body).toContain('quoting'); // another's comment is never touched
    // listing followed GitHub's Link header over three pages of 50, each time
    expect(github.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual([
      `/repos/${REPOSITORY}/issues/7/comments?per_page=100`,
      `/repos/${REPOSITORY}/issues/7/comments?per_page=100&page=2`,
      `/repos/${REPOSITORY}/issues/7/comments?per_page=100&page=3`,
      `/repos/${REPOSITORY}/issues/7/comments?per_page=100`,
      `/repos/${REPOSITORY}/issues/7/comments?per_page=100&page=2`,
      `/repos/${REPOSITORY}/issues/7/comments?per_page=100&page=3`,
    ]);
    expect(github.requests.map((r) => r.method).filter((m) => m !== 'GET')).toEqual(['POST', 'PATCH']);
    const shown = [first, second].map((r) => `${r.stdout}${r.stderr}${r.summary}`).join('');
    for (const secret of [API_KEY, GITHUB_TOKEN, CANARY]) {
      expect(shown).not.toContain(secret);
      expect(github.requests.map((r) => r.body).join('')).not.toContain(secret);
    }
  });

  it('env: all comments once with a section per environment; a matrix job per environment keeps its own', async () => {
    const repo = await mkdtemp(join(world.cwd, 'repo-'));
    await cp(join(world.cwd, 'connectors'), join(repo, 'connectors'), { recursive: true });
    await writeFile(
      join(repo, '.connector-sync.yaml'),
      'environments:\n  staging: { api_key_env: KEY_STAGING }\n  prod: { api_key_env: KEY_PROD }\n',
    );
    const env = { ...pullRequestEnv(), GITHUB_JOB: 'environments', KEY_STAGING: API_KEY, KEY_PROD: API_KEY };
    const step = (environments: string) =>
      runAction(actionPath, repo, { ...inputs, 'api-url': world.emulator.url, env: environments }, env);
    const ours = () => github.comments.get(7)!.filter((c) => c.body.includes(`${COMMENT_MARKER}\n`));
    const before = ours().length;
    const all = await step('all');
    expect(all.code, all.stderr).toBe(0);
    expect(ours()).toHaveLength(before + 1);
    const body = ours().at(-1)!.body;
    expect(body.split('\n')[0]).toBe('### connector-sync plan: 2 environments');
    expect(body).toContain(
      '#### connector-sync plan: `staging`: 📝 changes pending · 2 to create, 0 in sync.',
    );
    expect(body).toContain('#### connector-sync plan: `prod`: 📝 changes pending · 2 to create, 0 in sync.');
    // a matrix: the same job name, one environment each, a comment each
    for (const name of ['staging', 'prod']) expect((await step(name)).code).toBe(0);
    expect(ours()).toHaveLength(before + 3);
    expect(ours().at(-1)!.body).toContain('`prod`');
    expect(ours().at(-2)!.body).toContain('`staging`');
    const shown = [all.stdout, all.stderr, body].join('');
    for (const secret of [API_KEY, GITHUB_TOKEN, CANARY]) expect(shown).not.toContain(secret);
  });

  it("warns, and keeps the plan's result, when GitHub refuses the comment", async () => {
    const run = await runAction(
      actionPath,
      world.cwd,
      { ...inputs, 'api-key': API_KEY, 'api-url': world.emulator.url, 'github-token': 'wrong-token' },
      pullRequestEnv(),
    );
    expect(run.code).toBe(0);
    expect(run.output).toBe('changes=true\n');
    expect(run.stderr).toContain(
      '::warning title=connector-sync%3A comment::could not post the plan comment: GitHub answered 401',
    );
    expect(run.stderr).not.toContain('wrong-token');
  });
});
