/**
 * What `validate` does after its verdicts, when asked: `--report DIR` (report.md, report.html,
 * results.json, junit.xml), `--baseline FILE` (flag drift from a stored run) and `--write-baseline
 * FILE` (store this run as the new baseline). Kept apart from the validate action so that the action
 * needs one call, `afterValidate(...)`, and nothing else.
 */
import { Command, Option } from 'commander';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { CaseDefinition, CaseResult } from '../../validation/case.ts';
import { compareWithBaseline } from '../../baselines/compare.ts';
import { checkResults, type Check, type Results } from '../../results/schema.ts';
import { commandLine, makeResults, stringifyResults } from '../../reports/results.ts';
import { validateSection, verdictChecks, type FamilyDecisionLike } from '../../reports/validateReport.ts';
import { writeReport } from '../../reports/write.ts';
import { probability } from '../options.ts';
import { UsageError } from '../errors.ts';

/** Adds the report and baseline options to the `validate` command. */
export function addValidateExtras(validate: Command): void {
  validate
    .addOption(new Option('--report <dir>', 'also write a report directory: report.md, report.html, results.json, junit.xml'))
    .addOption(new Option('--baseline <file>', 'compare with a stored run (a results.json of validate) and exit 1 on significant drift'))
    .addOption(new Option('--baseline-alpha <a>', 'family-wise false-drift rate of the Monte-Carlo comparisons (Holm)').argParser(probability('--baseline-alpha')).default(1e-3))
    .addOption(new Option('--write-baseline <file>', 'store this run as a baseline (refresh on purpose: see docs/reports.md, "Regression baselines")'));
}

export interface ValidateExtrasOptions {
  readonly suite?: string;
  readonly alpha: number;
  readonly report?: string;
  readonly baseline?: string;
  readonly baselineAlpha?: number;
  readonly writeBaseline?: string;
  readonly json?: boolean;
}

/** Builds the results of a suite run (checks: one per verdict, plus the baseline's). */
export function suiteResults(
  o: ValidateExtrasOptions,
  cases: readonly CaseDefinition[],
  results: readonly CaseResult[],
  decision?: FamilyDecisionLike,
  command = commandLine(),
): Results {
  // Paths relative to where the command ran, so a committed results file names no home directory.
  const suite = o.suite ? relative(process.cwd(), o.suite) || o.suite : null;
  const section = validateSection(cases, results, suite, o.alpha, decision);
  let r = makeResults({
    kind: 'validate',
    title: `Validation suite${suite ? ` ${suite}` : ''}`,
    command,
    backend: results[0]?.backend ?? 'none',
    complete: results.length === cases.length,
    seconds: results.reduce((s, x) => s + x.seconds, 0),
    checks: verdictChecks(section),
    validate: section,
  });
  if (o.baseline) {
    let base: Results;
    try {
      base = checkResults(JSON.parse(readFileSync(o.baseline, 'utf8')), o.baseline);
    } catch (e) {
      throw new UsageError(`cannot read the baseline ${o.baseline}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const summary = compareWithBaseline(base, r, { alpha: o.baselineAlpha, file: o.baseline });
    const drift = summary.findings.filter((f) => f.drift);
    const checks: Check[] = drift.length
      ? drift.map((f) => ({ group: 'baseline', name: `${f.case}: ${f.kind}`, status: 'failed', message: f.message, details: f.details }))
      : [{ group: 'baseline', name: 'no drift', status: 'passed', message: `${summary.compared.exact} exact and ${summary.compared.monteCarlo} Monte-Carlo comparisons with ${o.baseline}` }];
    r = { ...r, baseline: summary, checks: [...r.checks, ...checks] };
  }
  return r;
}

/**
 * Called by the validate action after its own output. Writes what was asked for, prints the
 * baseline comparison (on stderr under --json, so stdout stays one JSON document), and sets exit
 * status 1 on drift.
 */
export async function afterValidate(
  o: ValidateExtrasOptions,
  cases: readonly CaseDefinition[],
  results: readonly CaseResult[],
  decision?: FamilyDecisionLike,
): Promise<void> {
  if (!o.report && !o.baseline && !o.writeBaseline) return;
  const r = suiteResults(o, cases, results, decision);
  // Under --json stdout stays one JSON document: messages go to stderr as JSON lines, like progress.
  const say = (line: string) => (o.json ? process.stderr.write(`${JSON.stringify({ message: line })}\n`) : console.log(line));
  if (r.baseline) {
    const b = r.baseline;
    say(`baseline ${b.file}: ${b.drift ? 'DRIFT' : 'no significant drift'} (${b.compared.exact} exact, ${b.compared.monteCarlo} Monte-Carlo comparisons, Holm α = ${b.alpha})`);
    for (const f of b.findings) say(`  ${f.drift ? 'drift' : 'note '} ${f.case} [${f.kind}] ${f.message}`);
    if (b.drift) process.exitCode = 1;
  }
  if (o.writeBaseline) {
    mkdirSync(dirname(resolve(o.writeBaseline)), { recursive: true });
    // The baseline carries no comparison of its own: it is the run.
    const { baseline: _ignored, ...run } = r;
    writeFileSync(o.writeBaseline, stringifyResults({ ...run, checks: run.checks.filter((c) => c.group !== 'baseline') }));
    say(`baseline written: ${o.writeBaseline}`);
  }
  if (o.report) {
    const w = await writeReport(resolve(o.report), r);
    say(`report: ${resolve(w.dir, 'report.html')}`);
  }
}
