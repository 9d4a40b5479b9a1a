/**
 * `comment: true`: the run's report as one comment on the pull request that triggered the job,
 * updated in place on every push. A comment that cannot be posted (a fork's read-only token, an
 * outage) is a warning: the plan is in the job summary and the log all the same.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isConnectorSyncError } from '../errors.js';
import { forTerminal, forWorkflowMessage } from '../render/escape.js';
import {
  COMMENT_MARKER,
  commentKeyMarker,
  type PlannedRun,
  renderPlansComment,
} from '../render/pr-comment.js';
import { Secret } from '../secret.js';
import { upsertComment } from './github.js';

type Env = Readonly<Record<string, string | undefined>>;

interface Out {
  write(text: string): unknown;
}

/** Posts or updates the plan comment; says what it did, or why not, on `out`. */
export async function commentOnPullRequest(
  runs: readonly PlannedRun[],
  env: Env,
  token: string | undefined,
  out: Out,
): Promise<void> {
  const number = await pullRequestNumber(env);
  if (number === undefined) {
    out.write('Plan comment: this run is not for a pull request; the plan is in the job summary.\n');
    return;
  }
  const repository = env.GITHUB_REPOSITORY ?? '';
  if (!token || !/^[\w.-]+\/[\w.-]+$/.test(repository)) {
    warn(out, 'comment: true needs the github-token input (or GITHUB_TOKEN) and GITHUB_REPOSITORY');
    return;
  }
  const key = commentKey(env);
  const body = renderPlansComment(runs, { key, ...runUrl(env) });
  try {
    const done = await upsertComment(
      {
        apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
        token: new Secret(token),
        repository,
        number,
      },
      `${COMMENT_MARKER}\n${commentKeyMarker(key)}`,
      body,
    );
    out.write(`Plan comment ${done.action}${done.url ? `: ${forTerminal(done.url)}` : ''}\n`);
  } catch (error) {
    if (!isConnectorSyncError(error)) throw error;
    warn(out, `could not post the plan comment: ${error.message}${error.hint ? ` (${error.hint})` : ''}`);
  }
}

/** The pull request of the event that started the job (pull_request, pull_request_target, issue_comment). */
async function pullRequestNumber(env: Env): Promise<number | undefined> {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  let event: { pull_request?: { number?: unknown }; issue?: { number?: unknown; pull_request?: unknown } };
  try {
    event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as typeof event;
  } catch {
    return undefined;
  }
  const number = event?.pull_request?.number ?? (event?.issue?.pull_request ? event.issue.number : undefined);
  return Number.isSafeInteger(number) && (number as number) > 0 ? (number as number) : undefined;
}

/** Two jobs of a workflow (say staging and production: other paths, or another `env`) keep a comment each. */
function commentKey(env: Env): string {
  const parts = [env.GITHUB_WORKFLOW, env.GITHUB_JOB, env.INPUT_PATHS?.trim(), env.INPUT_ARGS?.trim()];
  // a matrix over environments runs one job name per environment: each keeps its comment (the key
  // of a job without `env` stays what it was, so its comment is still found)
  const environments = env.INPUT_ENV?.trim();
  if (environments) parts.push(environments);
  return createHash('sha256')
    .update(parts.map((part) => part ?? '').join('\0'))
    .digest('hex')
    .slice(0, 16);
}

function runUrl(env: Env): { runUrl?: string } {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: run } = env;
  return server && repository && run ? { runUrl: `${server}/${repository}/actions/runs/${run}` } : {};
}

function warn(out: Out, message: string): void {
  out.write(`::warning title=connector-sync%3A comment::${forWorkflowMessage(message)}\n`);
}
