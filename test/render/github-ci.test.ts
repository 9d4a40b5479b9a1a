/**
 * What GitHub shows of a run: at most ten annotations of a level per step (the ones that matter
 * first, the rest summarised) and a job summary under its 1 MiB limit, at 10,000 connectors.
 */
import { describe, expect, it } from 'vitest';
import type { ConfigIssue } from '../../src/config/types.js';
import { planChanges } from '../../src/reconcile/plan.js';
import { emptyReport, type RunReport } from '../../src/reconcile/run-once.js';
import {
  ANNOTATIONS_SHOWN_PER_LEVEL,
  githubAnnotations,
  issueAnnotations,
  JOB_SUMMARY_LIMIT,
  renderReportMarkdown,
} from '../../src/render/markdown.js';
import { COMMENT_LIMIT, COMMENT_MARKER, renderPlanComment } from '../../src/render/pr-comment.js';
import { desired, planOptions, remoteFor } from '../support/fixtures.js';

const LONG_PROMPT = Array.from({ length: 40 }, (_, i) => `Line ${i} of a long system prompt.`).join('\n');

/** 10,000 connectors: 9,990 to create, 6 updates of a long prompt, 4 no longer declared (prune). */
function bigReport(): RunReport {
  const wanted = Array.from({ length: 9_996 }, (_, i) =>
    desired(
      `team-${String(i).padStart(5, '0')}`,
      i < 6 ? { system_prompt: LONG_PROMPT.replaceAll('Line', 'Row') } : {},
    ),
  );
  const remote = [
    ...wanted.slice(0, 6).map((c) => remoteFor(c, { system_prompt: LONG_PROMPT })),
    ...['old-a', 'old-b', 'old-c', 'old-d'].map((name) => remoteFor(desired(name))),
  ];
  const plan = planChanges(wanted, remote, planOptions({ prune: true, forceDeletes: true }));
  return {
    ...emptyReport(true, new Date('2026-01-01T00:00:00Z')),
    phase: 'Planned',
    listing: { pages: 1, complete: true, count: remote.length },
    desired: wanted,
    plan,
  };
}

function secretWarning(i: number): ConfigIssue {
  return {
    code: 'literal-secret',
    severity: 'warning',
    message: `a literal secret in headers.Authorization (${i})`,
    location: { file: `connectors/w${i}.yaml`, line: 3, column: 5 },
  };
}

function levelOf(line: string): string {
  return /^::(\w+)/.exec(line)![1]!;
}

describe('GitHub annotations', () => {
  it('shows at most ten of a level, deletes and replaces before the notices, the rest summarised', () => {
    const report = bigReport();
    expect(report.plan!.operations.filter((op) => op.kind === 'create')).toHaveLength(9_990);
    const lines = githubAnnotations(report);
    for (const level of ['error', 'warning', 'notice'])
      expect(lines.filter((l) => levelOf(l) === level).length).toBeLessThanOrEqual(
        ANNOTATIONS_SHOWN_PER_LEVEL,
      );
    const deletes = lines.filter(
      (l) => l.startsWith('::warning ') && l.includes('title=connector-sync%3A delete'),
    );
    expect(deletes).toHaveLength(0); // deletes have no source line: nothing to point at
    const notices = lines.filter((l) => levelOf(l) === 'notice');
    expect(notices).toHaveLength(10);
    expect(notices[9]).toMatch(
      /::9,987 more \((9,981 create, 6 update|6 update, 9,981 create)\) not annotated/,
    );
    expect(lines.length).toBeLessThan(40);
  });

  it('never lets literal-secret warnings hide a replace, and shows a refusal as an error', () => {
    const report = bigReport();
    const plan = report.plan!;
    const update = plan.operations.find((op) => op.kind === 'update')!;
    plan.operations.push({ ...update, name: 'swapped', kind: 'replace', destructive: true });
    plan.refusals.push({
      code: 'replace-needs-flag',
      message: 'swapped would be deleted and created again',
      flag: '--allow-replace',
    });
    const withWarnings = { ...report, warnings: Array.from({ length: 25 }, (_, i) => secretWarning(i)) };
    const lines = githubAnnotations(withWarnings);
    expect(lines[0]).toBe(
      '::error title=connector-sync%3A refused::swapped would be deleted and created again; allow it with --allow-replace. Nothing was applied.',
    );
    const warnings = lines.filter((l) => levelOf(l) === 'warning');
    expect(warnings).toHaveLength(10);
    expect(warnings[0]).toContain('title=connector-sync%3A replace');
    expect(warnings[9]).toContain('::17 more (17 configuration warning) not annotated here');
  });

  it('puts a file-level issue on line 1, never line 0', () => {
    const issue: ConfigIssue = {
      code: 'path-not-found',
      severity: 'error',
      message: 'connectors/gone.yaml: no such file',
      location: { file: 'connectors/gone.yaml', line: 0, column: 0 },
    };
    expect(issueAnnotations([issue])).toEqual([
      '::error file=connectors/gone.yaml,line=1::connectors/gone.yaml: no such file',
    ]);
    const report = { ...emptyReport(false, new Date()), phase: 'ConfigInvalid' as const, issues: [issue] };
    expect(githubAnnotations(report)[0]).toContain('file=connectors/gone.yaml,line=1::');
  });
});

describe('the job summary', () => {
  it('stays under 1 MiB at 10,000 connectors and says where the rest is', () => {
    const report = bigReport();
    // every update's long prompt diff, many times over, to press on each share
    const updates = report.plan!.operations.filter((op) => op.kind === 'update');
    for (let i = 0; i < 70; i++) report.plan!.operations.push(...updates);
    const markdown = renderReportMarkdown(report, { apiUrl: 'https://api.mistral.ai' });
    expect(Buffer.byteLength(markdown)).toBeLessThan(JOB_SUMMARY_LIMIT);
    expect(markdown).toMatch(/\n\n… and [\d,]+ more operations \(`--output json` lists every one\)\./);
    expect(markdown).toContain('**Plan: 9990 to create, 426 to update, 4 to delete');
    expect(markdown).toMatch(/\n… and [\d,]+ more long-text diffs/);
  });

  it('is unchanged for a plan that fits', () => {
    const report = bigReport();
    report.plan!.operations.splice(20);
    const markdown = renderReportMarkdown(report, { apiUrl: 'https://api.mistral.ai' });
    expect(markdown).not.toContain('more operations');
    expect(markdown.match(/^\| 🟢 create/gm)).toHaveLength(20);
  });
});

describe('the pull-request comment', () => {
  const context = {
    apiUrl: 'https://api.mistral.ai',
    key: 'abc123',
    runUrl: 'https://github.com/o/r/actions/runs/1',
  };

  it('has the counts first, folds a long table, stays under 65,536 characters, links the rest', () => {
    const body = renderPlanComment(bigReport(), context);
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body.split('\n')[0]).toBe(
      '### connector-sync plan: 📝 changes pending · 9990 to create, 6 to update, 4 to delete, 0 in sync.',
    );
    expect(body).toContain('<details><summary>10000 operations</summary>');
    expect(body).toMatch(
      /… and [\d,]+ more operations: the \[job summary\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/1\) lists every one\./,
    );
    expect(body.split('\n').slice(-2)).toEqual([COMMENT_MARKER, '<!-- connector-sync:plan-for abc123 -->']);
  });

  it('shows a short plan unfolded', () => {
    const report = bigReport();
    report.plan!.operations.splice(3);
    const body = renderPlanComment(report, context);
    expect(body).not.toContain('<details><summary>');
    expect(body.match(/^\| 🟢 create/gm)).toHaveLength(3);
  });
});
