import type { CheckResult, Finding, RuleInfo } from '../core/check.js';

/** What a reporter knows besides the findings. */
export interface ReportContext {
  /** The rule table (id -> severity, purpose), for reporters that publish rule metadata. */
  rules: Record<string, RuleInfo>;
  /** The tool's version. */
  version: string;
  /** A description of what was compared, e.g. "working tree against main (merge base 1a2b3c4)". */
  comparison: string;
  /** Colour for the text reporter. */
  color?: boolean;
  /** The command reporting (default 'check'): names the run in summaries, JUnit suites and annotations. */
  command?: string;
}

/** A reporter: pure, findings in, text out. */
export type Reporter = (result: CheckResult, context: ReportContext) => string;

export type { CheckResult, Finding };
