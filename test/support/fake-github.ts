/**
 * A local stand-in for the GitHub REST endpoints the action's plan comment calls: list a pull
 * request's comments (paged, with a Link header, as GitHub pages), create one, update one. It
 * records every request and answers 401 to any other token than the one it was given.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

export interface FakeGitHub {
  /** GITHUB_API_URL for the action. */
  url: string;
  /** Comments of each pull request, by number. */
  comments: Map<number, FakeComment[]>;
  requests: Array<{ method: string; path: string; body: string }>;
  close(): Promise<void>;
}

export async function startFakeGitHub(
  repository: string,
  token: string,
  perPageMax = 100,
): Promise<FakeGitHub> {
  const comments = new Map<number, FakeComment[]>();
  const requests: FakeGitHub['requests'] = [];
  let nextId = 1000;
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, body });
    if (req.headers.authorization !== `Bearer ${token}`)
      return reply(res, 401, { message: 'Bad credentials' });
    const prefix = `/repos/${repository}/issues/`;
    const list = new RegExp(`^${prefix}(\\d+)/comments$`).exec(url.pathname);
    const one = new RegExp(`^${prefix}comments/(\\d+)$`).exec(url.pathname);
    if (list && req.method === 'GET') {
      const all = comments.get(Number(list[1])) ?? [];
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), perPageMax);
      const page = Number(url.searchParams.get('page') ?? 1);
      if (page * perPage < all.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        res.setHeader('link', `<http://${req.headers.host}${next.pathname}${next.search}>; rel="next"`);
      }
      return reply(res, 200, all.slice((page - 1) * perPage, page * perPage));
    }
    if (list && req.method === 'POST') {
      const comment = { id: nextId++, body: JSON.parse(body).body as string, user: BOT };
      comments.set(Number(list[1]), [...(comments.get(Number(list[1])) ?? []), comment]);
      return reply(res, 201, { ...comment, html_url: `https://github.example/pr#${comment.id}` });
    }
    if (one && req.method === 'PATCH') {
      const comment = [...comments.values()].flat().find((c) => c.id === Number(one[1]));
      if (!comment) return reply(res, 404, { message: 'Not Found' });
      comment.body = JSON.parse(body).body as string;
      return reply(res, 200, { ...comment, html_url: `https://github.example/pr#${comment.id}` });
    }
    return reply(res, 404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    comments,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const BOT = { login: 'github-actions[bot]', type: 'Bot' };

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
