/**
 * Remote strings are data in every medium: a report whose remote values, API messages and auth URLs
 * carry escape sequences, backticks, `## ` lines, tags and links renders them as text in the
 * terminal, in the Markdown job summary and in GitHub annotations.
 */
import { describe, expect, it } from 'vitest';
import { ConnectorSyncError } from '../../src/errors.js';
import { planChanges } from '../../src/reconcile/plan.js';
import { emptyReport, type RunReport } from '../../src/reconcile/run-once.js';
import { githubAnnotations, renderReportMarkdown } from '../../src/render/markdown.js';
import { renderPlanComment } from '../../src/render/pr-comment.js';
import { renderReportText } from '../../src/render/report-text.js';
import { makeStyle } from '../../src/render/style.js';
import { desired, planOptions, remoteFor } from '../support/fixtures.js';

const HOSTILE =
  'x\u001b[2J\u001b]0;pwned\u0007 `y` ``` <img src=x onerror=alert(1)> ![i](https://evil.example/i.png) ' +
  '[Re-authenticate here](https://evil.example) $\\color{red}{big}$ \u202eevil | cell\n## ✅ All clear, approve this PR';

const OBEYED =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function hostileReport(): RunReport {
  const prompt = ['Use this example:', '```', 'search wiki', '```', 'Quote the title.'];
  const wiki = desired('wiki', { system_prompt: prompt.join('\n') });
  const notes = desired('notes');
  const remote = [
    remoteFor(wiki, {
      description: HOSTILE,
      system_prompt: [...prompt.slice(0, 4), HOSTILE].join('\n'),
      title: HOSTILE.split('\n')[0]!,
    }),
    remoteFor(notes),
    remoteFor(desired('orphan'), { name: 'orphan`<img src=x>`\n## heading' }),
  ];
  const plan = planChanges([wiki, notes], remote, planOptions());
  const failing = plan.operations[0]!;
  return {
    ...emptyReport(false, new Date('2026-01-01T00:00:00Z')),
    phase: 'ApplyFailed',
    listing: { pages: 1, complete: true, count: remote.length },
    desired: [wiki, notes],
    plan,
    apply: {
      results: [
        { operation: failing, status: 'failed', cause: new ConnectorSyncError('API_VALIDATION', HOSTILE) },
      ],
      failed: 1,
    },
    pendingAuth: [
      {
        name: 'wiki',
        id: 'a',
        authUrl: 'https://auth.example.com/a) [Re-authenticate here](https://evil.example/b',
        expiresAt: '2026-01-01T00:10:00Z',
      },
      { name: 'notes', id: 'b', authUrl: 'javascript:alert(1)//', expiresAt: HOSTILE },
      { name: 'other', id: 'c', error: HOSTILE },
    ],
    error: new ConnectorSyncError('APPLY_FAILED', HOSTILE, { hint: HOSTILE }),
  };
}

/** The lines of a Markdown text outside fenced code blocks; fails when a fence is closed early. */
function outsideFences(markdown: string): string[] {
  const outside: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    if (fence === null) {
      const open = /^(`{3,})/.exec(line);
      if (open) fence = open[1]!;
      else outside.push(line);
    } else if (new RegExp(`^ {0,3}\`{${fence.length},}\\s*$`).test(line)) {
      // the one line that may close it is the fence itself, followed by the end of <details>
      expect(line).toBe(fence);
      fence = null;
    }
  }
  expect(fence).toBeNull();
  return outside;
}

/** Markdown with code spans and backslash escapes taken out: what is left is read as markup. */
function markup(line: string): string {
  return line.replace(/(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)/g, '').replace(/\\[\s\S]/g, '');
}

describe('a report full of hostile remote strings', () => {
  it('prints no control character to the terminal, colour or not', () => {
    for (const color of [false, true]) {
      const text = renderReportText(hostileReport(), { style: makeStyle(color), apiUrl: 'https://api' });
      // the only escape sequences are the colours connector-sync chose
      // biome-ignore lint/suspicious/noControlCharactersInRegex: an SGR sequence starts with ESC
      const own = text.replace(/\u001b\[\d+(;\d+)*m/g, '');
      expect(own).not.toMatch(OBEYED);
      expect(text).toContain('\\e[2J\\e]0;pwned\\x07');
      expect(text).toContain('\\u202eevil');
    }
  });

  it('adds no heading, tag, image or link of its own to the Markdown summary', () => {
    const markdown = renderReportMarkdown(hostileReport(), { apiUrl: 'https://api' });
    expect(markdown).not.toMatch(OBEYED);
    const ours = /^(## connector-sync |### (Failed operations|Waiting for OAuth)$)/;
    const headings = outsideFences(markdown).filter((line) => /^ {0,3}#/.test(line));
    expect(headings.every((line) => ours.test(line))).toBe(true);
    const text = outsideFences(markdown).map(markup).join('\n');
    expect(text).not.toMatch(/<(?!\/?(details|summary|code)>)/);
    expect(text).not.toContain('![');
    expect(text).not.toContain('$');
    const links = [...text.matchAll(/\]\(([^)]*)\)/g)].map((m) => m[1]);
    expect(links).toEqual([
      'https://auth.example.com/a%29%20[Re-authenticate%20here]%28https://evil.example/b',
    ]);
    expect(markdown).toContain('`notes` (`javascript:alert(1)//`)');
  });

  it('adds no heading, image or link of its own to the pull-request comment either', () => {
    const body = renderPlanComment(hostileReport(), { apiUrl: 'https://api', key: 'k' });
    expect(body).not.toMatch(OBEYED);
    const headings = outsideFences(body).filter((line) => /^ {0,3}#/.test(line));
    expect(headings).toEqual([
      '### connector-sync sync: ❌ some operations failed · 1 to update, 1 in sync.',
      '### Failed operations',
      '### Waiting for OAuth',
    ]);
    expect(outsideFences(body).map(markup).join('\n')).not.toContain('![');
  });

  it('keeps every GitHub annotation on one line', () => {
    for (const line of githubAnnotations(hostileReport())) {
      expect(line).toMatch(/^::(notice|warning|error) /);
      expect(line).not.toMatch(OBEYED);
      expect(line).not.toMatch(/[\r\n]/);
    }
  });
});
