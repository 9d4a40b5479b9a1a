/**
 * The plan as one pull-request comment: the counts in its first line, a long operations table
 * folded, under GitHub's 65,536-character limit (whatever is cut is in the job summary, linked),
 * and a hidden marker by which the next run finds it to update it in place.
 */
import type { RunReport } from '../reconcile/run-once.js';
import { markdownLink } from './escape.js';
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
  const summary = context.runUrl ? markdownLink('job summary', context.runUrl) : 'job summary';
  const markdown = renderReportMarkdown(report, {
    apiUrl: context.apiUrl,
    limit: REPORT_BUDGET,
    fullReport: `the ${summary} lists every one`,
    foldAfter: FOLD_AFTER,
  });
  const [heading = '', , ...rest] = markdown.split('\n');
  const counts = report.plan ? ` · ${planSummary(report.plan).replace(/^Plan: /, '')}` : '';
  const first = `${heading.replace(/^## /, '### ')}${counts}`;
  const footer = `<sub>The whole report: the ${summary}.</sub>`;
  const markers = [COMMENT_MARKER, commentKeyMarker(context.key)];
  const body = [first, '', ...rest, footer, ...markers].join('\n');
  if (body.length <= COMMENT_LIMIT) return body;
  // the shares of the budget are in bytes and should make this unreachable; never post a refused body
  return [first, '', `The report is too long for a comment: see the ${summary}.`, ...markers].join('\n');
}

/** The second marker: one comment per job (workflow, job, paths), not one per pull request. */
export function commentKeyMarker(key: string): string {
  return `<!-- connector-sync:plan-for ${key.replace(/[^\w-]/g, '')} -->`;
}
