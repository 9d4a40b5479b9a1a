/**
 * The three GitHub REST calls the plan comment needs: list a pull request's comments (every page),
 * create one, update one. The token goes only to GITHUB_API_URL's origin; a `Link` to anywhere
 * else is not followed. GitHub's answers are data: only the fields used are read.
 */
import { ConnectorSyncError } from '../errors.js';
import type { Secret } from '../secret.js';
import { userAgent } from '../version.js';

/** Where the comment goes. */
export interface PullRequestRef {
  /** GITHUB_API_URL, e.g. https://api.github.com or https://ghe.example.com/api/v3. */
  apiUrl: string;
  token: Secret;
  /** owner/name */
  repository: string;
  number: number;
}

interface Comment {
  id: number;
  body: string;
  html_url?: string;
}

const TIMEOUT_MS = 30_000;
// 100 pages of 100: a pull request with more comments than that has bigger problems
const MAX_PAGES = 100;

/**
 * Updates the comment that carries `marker` in place (the last one, if several), or creates it:
 * one comment per pull request and marker, however many times the job runs.
 */
export async function upsertComment(
  pr: PullRequestRef,
  marker: string,
  body: string,
): Promise<{ action: 'created' | 'updated'; url: string }> {
  const base = `${pr.apiUrl.replace(/\/+$/, '')}/repos/${pr.repository}`;
  const mine = (await listComments(pr, `${base}/issues/${pr.number}/comments?per_page=100`)).filter(
    (comment) => comment.body.includes(marker),
  );
  const existing = mine.at(-1);
  const saved = existing
    ? await call(pr, 'PATCH', `${base}/issues/comments/${existing.id}`, { body })
    : await call(pr, 'POST', `${base}/issues/${pr.number}/comments`, { body });
  const { html_url: url } = saved.body as { html_url?: unknown };
  return { action: existing ? 'updated' : 'created', url: typeof url === 'string' ? url : '' };
}

async function listComments(pr: PullRequestRef, first: string): Promise<Comment[]> {
  const comments: Comment[] = [];
  let next: string | undefined = first;
  for (let page = 0; next !== undefined && page < MAX_PAGES; page++) {
    const answer = await call(pr, 'GET', next);
    if (!Array.isArray(answer.body)) throw badAnswer('GET', next, 'not a list of comments');
    for (const item of answer.body as unknown[]) {
      const comment = item as Partial<Comment>;
      if (typeof comment.id === 'number' && typeof comment.body === 'string')
        comments.push({ id: comment.id, body: comment.body });
    }
    next = nextPage(answer.link, pr.apiUrl);
  }
  return comments;
}

/** The `rel="next"` URL of a Link header, when it is on the API's own origin. */
export function nextPage(link: string | null, apiUrl: string): string | undefined {
  const match = /<([^>]+)>\s*;\s*rel="next"/.exec(link ?? '');
  if (!match || !URL.canParse(match[1]!)) return undefined;
  return new URL(match[1]!).origin === new URL(apiUrl).origin ? match[1] : undefined;
}

async function call(
  pr: PullRequestRef,
  method: string,
  url: string,
  payload?: object,
): Promise<{ body: Record<string, unknown> | unknown[]; link: string | null }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${pr.token.reveal()}`,
        'user-agent': userAgent(),
        'x-github-api-version': '2022-11-28',
        ...(payload ? { 'content-type': 'application/json' } : {}),
      },
      ...(payload ? { body: JSON.stringify(payload) } : {}),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new ConnectorSyncError(
      'GITHUB_API',
      `${method} ${pathOf(url)} did not reach GitHub: ${causeOf(error)}`,
    );
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    throw badAnswer(method, url, `HTTP ${response.status}, not JSON`);
  }
  if (!response.ok) {
    const said =
      typeof (body as { message?: unknown }).message === 'string'
        ? (body as { message: string }).message
        : '';
    throw new ConnectorSyncError(
      'GITHUB_API',
      `GitHub answered ${response.status} to ${method} ${pathOf(url)}${said ? `: ${said.slice(0, 200)}` : ''}`,
      {
        hint:
          response.status === 403 || response.status === 404
            ? 'give the job `permissions: pull-requests: write`; a pull request from a fork gets a read-only token'
            : 'the plan is in the job summary all the same',
      },
    );
  }
  if (typeof body !== 'object' || body === null) throw badAnswer(method, url, 'not a JSON object');
  return { body: body as Record<string, unknown>, link: response.headers.get('link') };
}

function badAnswer(method: string, url: string, what: string): ConnectorSyncError {
  return new ConnectorSyncError('GITHUB_API', `GitHub's answer to ${method} ${pathOf(url)} is ${what}`);
}

function pathOf(url: string): string {
  return URL.canParse(url) ? new URL(url).pathname : url;
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}
