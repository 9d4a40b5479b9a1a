/**
 * The plan as one pull-request comment: the counts in its first line, a long operations table
 * folded, under GitHub's 65,536-character limit (whatever is cut is in the job summary, linked),
 * and a hidden marker by which the next run finds it to update it in place.
 */
import type { RunReport } from '../reconcile/run-once.js';
import { markdownCode, markdownLink } from './escape.js';
import { renderReportMarkdown } from './markdown.js';
import { planSummary } from './plan-text.js';

/** Marks the comment connector-sync owns on a pull request. */
export const COMMENT_MARKER = '<!-- connector-sync:plan -->';

/** GitHub refuses a comment body of more characters than this. */
export const COMMENT_LIMIT = 65_536;

// room for the first line, the footer and the markers beside the report's own budget
const REPORT_BUDGET = COMMENT_LIMIT - 4_096;
const FOLD_AFTER = 10;

export interface CommentContext {
  apiUrl: string;
  /** Tells this job's comment from another job's on the same pull request (letters, digits, dashes). */
  key: string;
  /** The run's page, where the job summary has the whole report. */
  runUrl?: string;
}

/** The comment's body; the markers it is found by are its last two lines. */
export function renderPlanComment(report: RunReport, context: CommentContext): string {
  return planComment([{ report, apiUrl: context.apiUrl }], context);
}

/** One run's report, and the environment it was for when several ran (`env: all`). */
export interface PlannedRun {
  report: RunReport;
  apiUrl: string;
  environment?: string;
}

/** The comment of a job's runs: one as before, several environments a section each, sharing the budget. */
export function renderPlansComment(
  runs: readonly PlannedRun[],
  context: Omit<CommentContext, 'apiUrl'>,
): string {
  return planComment(runs, context);
}

function planComment(runs: readonly PlannedRun[], context: Omit<CommentContext, 'apiUrl'>): string {
  const summary = context.runUrl ? markdownLink('job summary', context.runUrl) : 'job summary';
  const sections = runs.map((run) => {
    const markdown = renderReportMarkdown(run.report, {
      apiUrl: run.apiUrl,
      limit: Math.floor(REPORT_BUDGET / runs.length),
      fullReport: `the ${summary} lists every one`,
      foldAfter: FOLD_AFTER,
    });
    const [heading = '', , ...rest] = markdown.split('\n');
    const counts = run.report.plan ? ` · ${planSummary(run.report.plan).replace(/^Plan: /, '')}` : '';
    const title = run.environment === undefined ? '' : `${markdownCode(run.environment)}: `;
    return { first: `${heading.replace(/^## (connector-sync plan: )?/, `### $1${title}`)}${counts}`, rest };
  });
  const single = runs.length === 1 && runs[0]!.environment === undefined;
  const first = single ? sections[0]!.first : `### connector-sync plan: ${runs.length} environments`;
  const body = single
    ? ['', ...sections[0]!.rest]
    : sections.flatMap((section) => ['', section.first.replace(/^### /, '#### '), '', ...section.rest]);
  const footer = `<sub>The whole report: the ${summary}.</sub>`;
  const markers = [COMMENT_MARKER, commentKeyMarker(context.key)];
  const text = [first, ...body, footer, ...markers].join('\n');
  if (text.length <= COMMENT_LIMIT) return text;
  // the shares of the budget are in bytes and should make this unreachable; never post a refused body
  return [first, '', `The report is too long for a comment: see the ${summary}.`, ...markers].join('\n');
}

/** The second marker: one comment per job (workflow, job, paths), not one per pull request. */
export function commentKeyMarker(key: string): string {
  return `<!-- connector-sync:plan-for ${key.replace(/[^\w-]/g, '')} -->`;
}
